from __future__ import annotations

from django.db.models import QuerySet

from . import permissions
from .models import CRISIS_FIRST, AuditLog, ModerationItem


def queue(*, user, community=None, kind: str = "") -> QuerySet[ModerationItem]:
    items = permissions.items_visible_to(user).filter(status=ModerationItem.Status.OPEN)
    if community is not None:
        items = items.filter(community=community)
    if kind:
        items = items.filter(kind=kind)
    return items.select_related(
        "community", "post__thread__community", "post__author", "subject_user", "claimed_by",
        "escalated_by", "reached_out_by",
    ).order_by(CRISIS_FIRST, "priority", "created_at", "pk")  # the index moderation_queue_order


def audit_log(*, user, action: str = "", actor: str = "", since=None, until=None):
    rows = permissions.audit_visible_to(user)
    if action:
        rows = rows.filter(action__icontains=action)
    if actor:
        rows = rows.filter(actor_label__iexact=actor)
    if since:
        rows = rows.filter(created_at__date__gte=since)
    if until:
        rows = rows.filter(created_at__date__lte=until)
    return rows.order_by("-created_at", "-pk")


__all__ = ["queue", "audit_log", "AuditLog"]
