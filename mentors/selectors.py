"""A mentor's queue: new members who have not posted yet, and questions nobody answered."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils import timezone

from community import permissions as forum
from community.models import Community, Membership, Post, Thread

from .models import MentorApplication, Welcome
from .permissions import NEW_MEMBER_DAYS

UNANSWERED_HOURS = 24

logger = logging.getLogger(__name__)


def new_members(*, community: Community, mentor) -> list[Membership]:
    since = timezone.now() - timedelta(days=NEW_MEMBER_DAYS)
    posted = Post.objects.filter(author=OuterRef("user"), thread__community=community)
    welcomed = Welcome.objects.filter(member=OuterRef("user"), community=community)
    return list(
        Membership.objects.filter(community=community, status=Membership.Status.ACTIVE,
                                  joined_at__gte=since, user__is_active=True,
                                  user__banned_at__isnull=True)
        .exclude(user=mentor)
        .annotate(posted=Exists(posted), welcomed=Exists(welcomed))
        .filter(posted=False).select_related("user").order_by("-joined_at")[:100])


def unanswered_questions(*, community: Community, user) -> list[Thread]:
    before = timezone.now() - timedelta(hours=UNANSWERED_HOURS)
    return list(
        forum.threads_visible_to(user, Thread.objects.filter(community=community))
        .filter(kind=Thread.Kind.QUESTION, status=Thread.Status.PUBLISHED, reply_count=0,
                created_at__lte=before).order_by("created_at")[:100])


def pending_applications():
    return (MentorApplication.objects.filter(status=MentorApplication.Status.PENDING)
            .select_related("user", "community").order_by("created_at"))


MENTORS_SECONDS = 300


def _mentors_key(community_id: int) -> str:
    return f"mentors:of:{community_id}"


def mentor_ids(community_id: int) -> frozenset[int]:
    """The community's mentors, kept in the cache (dropped by every decision)."""
    key = _mentors_key(community_id)
    try:
        kept = cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down: ask the database
        kept = None
    if kept is None:
        kept = frozenset(MentorApplication.objects.filter(
            community_id=community_id, status=MentorApplication.Status.APPROVED)
            .values_list("user_id", flat=True))
        try:
            cache.set(key, kept, MENTORS_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable")
    return kept


def forget_mentors(community_id: int) -> None:
    try:
        cache.delete(_mentors_key(community_id))
    except Exception:  # noqa: BLE001 - expires within minutes anyway
        logger.warning("cache unavailable")


def annotate_posts(user, posts, context) -> None:
    """Mark posts whose (named) author mentors the thread's community (no query usually)."""
    thread = context.get("thread")
    if thread is None or not posts:
        return
    mentors = mentor_ids(thread.community_id)
    for post in posts:
        post.author_is_mentor = post.author_id in mentors and not post.is_anonymous
        post.extra_key = (*getattr(post, "extra_key", ()), post.author_is_mentor)
