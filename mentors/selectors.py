"""A mentor's queue: new members who have not posted yet, and questions nobody answered."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from community import permissions as forum
from community.models import Community, Membership, Post, Thread

from .models import MentorApplication, Welcome
from .permissions import NEW_MEMBER_DAYS

UNANSWERED_HOURS = 24


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


def annotate_posts(user, posts, context) -> None:
    """Mark posts whose (named) author mentors the thread's community: one query per page."""
    thread = context.get("thread")
    if thread is None:
        return
    author_ids = {p.author_id for p in posts if p.author_id and not p.is_anonymous}
    mentors = set(MentorApplication.objects.filter(
        community_id=thread.community_id, user_id__in=author_ids,
        status=MentorApplication.Status.APPROVED).values_list("user_id", flat=True)) \
        if author_ids else set()
    for post in posts:
        post.author_is_mentor = post.author_id in mentors and not post.is_anonymous
        post.extra_key = (*getattr(post, "extra_key", ()), post.author_is_mentor)
