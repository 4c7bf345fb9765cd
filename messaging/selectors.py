"""Reads shared by the pages, the socket handlers and the export, each with the prefetches it
needs so that a page asks the same number of queries however long a conversation grows."""

from __future__ import annotations

import contextlib

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery

from .models import AskEntry, AskRequest, Conversation, ConversationMember, Message
from .permissions import (
    conversations_visible_to,
    entries_visible_to,
    messages_visible_to,
    requests_visible_to,
)

PAGE = 50  # messages shown at once (the newest), older ones a click away


def _members() -> Prefetch:
    return Prefetch("members", queryset=ConversationMember.objects.select_related(
        "user").order_by("joined_at", "pk"))


def conversation_list(*, user) -> QuerySet[Conversation]:
    """The member's conversations, newest first, with their members and whether they hold
    something this member has not read (one query each, whatever their number)."""
    # inside the messages' subquery: OuterRef is the message's row (its conversation_id)
    mine = ConversationMember.objects.filter(conversation_id=OuterRef("conversation_id"),
                                             user=user)
    unread = messages_visible_to(user, Message.objects.filter(
        conversation=OuterRef("pk"), id__gt=Subquery(mine.values("last_read_id")[:1]),
    )).exclude(sender=user)
    return (conversations_visible_to(user)
            .annotate(has_unread=Exists(unread))
            .prefetch_related(_members())
            .order_by("-last_message_at", "-pk"))


def conversation_for(*, user, pk: int) -> Conversation | None:
    return conversations_visible_to(user).filter(pk=pk).prefetch_related(_members()).first()


def messages_of(*, user, conversation: Conversation, after: int = 0,
                before: int | None = None) -> list[Message]:
    """What this member may read of a conversation: the newest PAGE (or those after `after`,
    for the live page and a reconnecting one), oldest first."""
    rows = messages_visible_to(user, Message.objects.filter(conversation=conversation))
    if after:
        rows = rows.filter(pk__gt=after)
    if before:
        rows = rows.filter(pk__lt=before)
    rows = rows.select_related("sender").order_by("-pk")[:PAGE]
    return list(reversed(rows))


def unread_count(*, user) -> int:
    """Conversations holding a message this member may read and has not (one COUNT)."""
    if not user.pk:
        return 0
    newer = messages_visible_to(user, Message.objects.filter(
        conversation_id=OuterRef("conversation_id"), id__gt=OuterRef("last_read_id"),
    )).exclude(sender_id=user.pk)
    return ConversationMember.objects.filter(user_id=user.pk).filter(Exists(newer)).count()


def unread_key(user_id: int) -> str:
    return f"messages:unread:{user_id}"


def cached_unread_count(*, user) -> int:
    """The header's count: kept in the cache by every write that changes it, so that a page
    asks the database nothing for it (a member with no key has had nothing unread since the
    cache was last emptied: 0; the Messages page itself reads the database)."""
    from django.core.cache import cache

    try:
        return cache.get(unread_key(user.pk)) or 0
    except Exception:  # noqa: BLE001 - Redis down: no count in the header
        return 0


def remember_unread_count(*, user, count: int) -> None:
    from django.core.cache import cache

    with contextlib.suppress(Exception):  # Redis down: no count in the header
        cache.set(unread_key(user.pk), count, timeout=None)


def request_list(*, user, status: str = "") -> QuerySet[AskRequest]:
    rows = requests_visible_to(user).select_related("member", "claimed_by")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def request_entries(*, user, request: AskRequest) -> list[AskEntry]:
    return list(entries_visible_to(user, request).select_related("author")
                .order_by("created_at", "pk"))
