"""Clinician verification, staff's side: an application joins the review queue, and a decision
is one service that writes the status (through accounts), the audit row and the queue item in
one transaction, then tells the applicant after commit (`moderation.signals.clinician_decided`,
which notifications listens to). Services in the sense of `services.py`, kept in their own
module so that each stays short."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts
from accounts.models import ClinicianProfile, User
from accounts.permissions import can_review_clinicians
from community import live as community_live
from hearth.lib.signals import send_on_commit

from . import signals
from .audit import audit_record
from .live import queue_changed_on_commit
from .models import ModerationItem


def clinician_application_queue(*, profile: ClinicianProfile) -> ModerationItem:
    """A new application joins the one review queue (staff only): one open item per
    applicant, however often they re-apply."""
    with transaction.atomic():
        item, created = ModerationItem.objects.get_or_create(
            kind=ModerationItem.Kind.CLINICIAN, subject_user=profile.user,
            status=ModerationItem.Status.OPEN,
            defaults={"reason": "clinician_application", "priority": 60,
                      "detail": f"{profile.credentials} · {profile.specialty}"[:300]},
        )
        if created:
            queue_changed_on_commit(community_id=None, item=item)
    return item


def clinician_decide(
    *, profile: ClinicianProfile, by: User, decision: str, reason: str = ""
) -> ClinicianProfile:
    """Staff approve or reject an application, or revoke a verification: the status, the
    audit row and the queue item commit together; the applicant is told after commit."""
    if not can_review_clinicians(by):
        raise PermissionDenied
    with transaction.atomic():
        profile = accounts.clinician_status_set(
            profile=profile, by=by, decision=decision, reason=reason)
        audit_record(actor=by, action=f"clinician.{decision}", target=profile,
                     reason=profile.decision_reason)
        # their posts' badge changed: no thread page cached under the old one is served again
        community_live.author_threads_changed(profile.user)
        now = timezone.now()
        closed = ModerationItem.objects.filter(
            kind=ModerationItem.Kind.CLINICIAN, subject_user=profile.user,
            status=ModerationItem.Status.OPEN,
        ).update(status=ModerationItem.Status.RESOLVED, resolved_at=now, resolution=decision,
                 first_action_at=now, claimed_by=by)
        if closed:
            queue_changed_on_commit(community_id=None)
        send_on_commit(signals.clinician_decided, sender=ClinicianProfile, profile=profile,
                       decision=decision)
    return profile
