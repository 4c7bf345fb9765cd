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
