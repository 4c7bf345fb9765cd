"""Reads for the notifications page and the header bell."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification

PER_PAGE = 30


def notification_list(*, user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .select_related("actor", "thread", "post")
        .order_by("-updated_at", "-pk")
    )


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
