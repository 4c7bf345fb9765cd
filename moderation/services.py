"""Moderation writes: screening decisions, queue items, actions. Each one is audited."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from community import services as forum
from community.models import Post

from .audit import audit_record
from .detectors import screen_text
from .models import ModerationItem

logger = logging.getLogger(__name__)

NEW_MEMBER_DAYS = 3
PRIORITY = {ModerationItem.Kind.CRISIS: 0, ModerationItem.Kind.HELD: 20,
            ModerationItem.Kind.FLAG: 40, ModerationItem.Kind.CLINICIAN: 60}


def _is_new_member(user: User | None) -> bool:
    return user is None or user.date_joined > timezone.now() - timedelta(days=NEW_MEMBER_DAYS)


def _open_item(*, kind: str, post: Post, reason: str, detail: str = "") -> ModerationItem:
    item, _created = ModerationItem.objects.get_or_create(
        post=post, kind=kind, reason=reason, status=ModerationItem.Status.OPEN,
        defaults={"community_id": post.thread.community_id, "priority": PRIORITY[kind],
                  "subject_user": post.author, "detail": detail[:300], "automatic": True},
    )
    return item


def post_screen(*, post_id: int) -> Post | None:
    """Screen a post once: hold what must wait for a moderator, publish the rest.

    Idempotent: a post already screened is left alone, so a task delivered twice, or a sweep
    racing the task, changes nothing.
    """
    post = Post.objects.select_related("thread__community", "author").filter(pk=post_id).first()
    if post is None or post.screening != Post.Screening.PENDING:
        return post
    text = f"{post.thread.title}\n\n{post.body}" if post.is_first else post.body
    result = screen_text(text, links_allowed=not _is_new_member(post.author))
    held_kinds = list(result.held_kinds)
    with transaction.atomic():
        reason = ", ".join(str(label) for label in result.labels_for(held_kinds))
        post = forum.post_screened(
            post=post, held=bool(held_kinds), flagged=bool(result.flag_kinds) or result.is_crisis,
            reason=reason,
        )
        if held_kinds:
            _open_item(kind=ModerationItem.Kind.HELD, post=post, reason=held_kinds[0],
                       detail=reason)
            audit_record(actor=None, action="post.hold", target=post, reason=reason,
                         community_id=post.thread.community_id)
        if result.is_crisis:
            _open_item(kind=ModerationItem.Kind.CRISIS, post=post, reason="crisis",
                       detail=", ".join(result.crisis_kinds))
            forum.thread_mark_crisis(thread=post.thread)
            audit_record(actor=None, action="post.crisis", target=post,
                         reason=", ".join(result.crisis_kinds),
                         community_id=post.thread.community_id)
        for kind in result.flag_kinds:
            _open_item(kind=ModerationItem.Kind.FLAG, post=post, reason=kind)
            audit_record(actor=None, action="post.flag", target=post, reason=kind,
                         community_id=post.thread.community_id)
    return post


def unscreened_post_ids(*, older_than: timedelta = timedelta(minutes=1), limit: int = 500):
    cutoff = timezone.now() - older_than
    return list(
        Post.objects.filter(screening=Post.Screening.PENDING, created_at__lte=cutoff)
        .order_by("created_at").values_list("pk", flat=True)[:limit]
    )


