"""Reads for the notifications page and the header bell."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat

from .models import Notification

PER_PAGE = 30
# Several replies or mentions in one discussion are one line ("maria and 2 others replied to
# ..."), in the list and in the bell's count; everything else is a line of its own (reactions
# are already one row per post and kind).
GROUPED_KINDS = (Notification.Kind.REPLY, Notification.Kind.FOLLOWED_REPLY,
                 Notification.Kind.MENTION)


def notification_list(*, user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .select_related("actor", "actor__clinician", "thread", "post")
        .order_by("-updated_at", "-pk")
    )


def group_key():
    """The line a notification belongs to: its kind and discussion, or itself."""
    return Case(
        When(kind__in=GROUPED_KINDS, thread__isnull=False,
             then=Concat(Value("t"), Cast("thread_id", CharField()), Value(":"), "kind")),
        default=Concat(Value("n"), Cast("pk", CharField())),
        output_field=CharField(),
    )


def unread_groups() -> Count:
    """How many lines of the list are unread (for the bell): one COUNT(DISTINCT ...)."""
    return Count(group_key(), distinct=True)


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).aggregate(
        n=unread_groups())["n"]


def same_group(notification: Notification) -> Q:
    """The notifications shown on the same line as this one."""
    if notification.kind in GROUPED_KINDS and notification.thread_id:
        return Q(kind=notification.kind, thread_id=notification.thread_id)
    return Q(pk=notification.pk)


def group_page(notifications: list[Notification]) -> list[list[Notification]]:
    """A page's notifications as lines, newest first: the unread ones of a kind in a discussion
    together, the read ones together; each line's notifications newest first."""
    lines: dict[tuple, list[Notification]] = {}
    for notification in notifications:
        if notification.kind in GROUPED_KINDS and notification.thread_id:
            key = (notification.kind, notification.thread_id, notification.is_unread)
        else:
            key = ("one", notification.pk)
        lines.setdefault(key, []).append(notification)
    return list(lines.values())
