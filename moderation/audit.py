"""Writing the audit log: inside the caller's transaction, so action and record commit together."""

from __future__ import annotations

from django.db import models

from .models import AuditLog

SCREENING = "screening"


def audit_record(*, actor, action: str, target: models.Model, reason: str = "",
                 community_id: int | None = None) -> AuditLog:
    label = SCREENING if actor is None else actor.username
    return AuditLog.objects.create(
        actor=actor, actor_label=label, action=action,
        target_type=target._meta.model_name, target_id=str(target.pk),
        community_id=community_id, reason=reason[:2000],
    )


def audit_account_erased(*, user_id: int, keep_posts: bool, by_staff_id: int | None) -> AuditLog:
    """An erasure is recorded; what was erased is not (no name, no email)."""
    return AuditLog.objects.create(
        actor_id=by_staff_id, actor_label="staff" if by_staff_id else "member",
        action="account.delete", target_type="user", target_id=str(user_id),
        reason="posts kept as Former member" if keep_posts else "posts deleted",
    )
