"""The composer's drafts: a member's unfinished reply or new thread."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .. import permissions
from ..models import (
    Community,
    Draft,
    Post,
    Thread,
)
from .base import BODY_MAX, TITLE_MAX, PostingNotAllowed, RateLimited, _body_digest

DRAFT_RATE = (40, 60)  # saves per member per window (seconds): the composer saves on pauses


def _check_draft_rate(user: User) -> None:
    count, window = DRAFT_RATE
    key = f"rate:draft:{user.pk}"
    try:
        cache.add(key, 0, timeout=window)
        used = cache.incr(key)
    except Exception:  # noqa: BLE001 - Redis down: keep the draft (the database is the truth)
        return
    if used > count:
        raise RateLimited(_("Your draft is saved less often when you type this fast."))


def _draft_target(*, user: User, thread: Thread | None, community: Community | None) -> dict:
    if thread is not None:
        if not permissions.can_view_thread(user, thread):
            raise Http404
        if not permissions.can_keep_reply_draft(user, thread):
            raise PostingNotAllowed(_("Join this community to reply."))
        return {"thread": thread, "community": None}
    if community is None or not permissions.can_view_community(user, community):
        raise Http404
    if not permissions.can_keep_thread_draft(user, community):
        raise PostingNotAllowed(_("Join this community to start a discussion."))
    return {"thread": None, "community": community}


def _just_posted(user: User, thread: Thread, body: str) -> bool:
    """The composer's last save can arrive after the reply it belongs to was posted."""
    since = timezone.now() - timedelta(minutes=2)
    recent = Post.objects.filter(author=user, thread=thread, created_at__gte=since).values_list(
        "body", flat=True).order_by("-position")[:3]
    digest = _body_digest(body)
    return any(_body_digest(text) == digest for text in recent)


def draft_save(
    *, user: User, body: str, title: str = "", thread: Thread | None = None,
    community: Community | None = None,
) -> Draft | None:
    """Keep the member's unfinished reply (thread) or new thread (community). Empty text
    discards it. Returns the draft, or None when there is none to keep."""
    target = _draft_target(user=user, thread=thread, community=community)
    if len(body) > BODY_MAX or len(title) > TITLE_MAX:
        raise ValidationError(_("Posts can be at most %(max)s characters; yours has %(n)s.") % {
            "max": f"{BODY_MAX:,}", "n": f"{len(body):,}"})
    _check_draft_rate(user)
    if not body.strip() and not title.strip():
        draft_discard(user=user, thread=thread, community=community)
        return None
    if thread is not None and _just_posted(user, thread, body):
        return None
    draft, _created = Draft.objects.update_or_create(
        user=user, **target,
        defaults={"body": body, "title": title, "updated_at": timezone.now()},
    )
    return draft


def draft_discard(*, user: User, thread: Thread | None = None,
                  community: Community | None = None) -> None:
    """The member threw the draft away (or posted it). Their own draft only."""
    if not user.is_authenticated:
        raise Http404
    if thread is not None:
        if not permissions.can_view_thread(user, thread):
            raise Http404
        Draft.objects.filter(user=user, thread=thread).delete()
    elif community is not None:
        if not permissions.can_view_community(user, community):
            raise Http404
        Draft.objects.filter(user=user, community=community, thread=None).delete()
