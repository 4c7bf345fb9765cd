import logging

from community.signals import post_submitted

logger = logging.getLogger(__name__)


def enqueue_screening(sender, post, **kwargs):
    from .tasks import post_screen

    try:
        post_screen.delay(post.pk)
    except Exception:  # noqa: BLE001 - the broker is down: the sweep screens it later
        logger.warning("screening of post %s not queued; the sweep will pick it up", post.pk)


def connect() -> None:
    post_submitted.connect(enqueue_screening, dispatch_uid="moderation.enqueue_screening")


# --- Accounts: audit rows for account deletions and clinician decisions ---------------------


def audit_account_deleted(sender, user_id, keep_posts, by_staff_id=None, **kwargs):
    """The deletion is recorded; what was erased is not (no name, no email)."""
    from .models import AuditLog

    AuditLog.objects.create(
        actor_id=by_staff_id, actor_label="staff" if by_staff_id else "member",
        action="account.delete", target_type="user", target_id=str(user_id),
        reason="posts kept as Former member" if keep_posts else "posts deleted",
    )


def audit_clinician_decided(sender, profile, decision, by, reason="", **kwargs):
    from .audit import audit_record

    audit_record(actor=by, action=f"clinician.{decision}", target=profile, reason=reason)


def connect_accounts() -> None:
    from accounts.signals import account_deleted, clinician_decided

    account_deleted.connect(audit_account_deleted, dispatch_uid="moderation.audit_account_deleted")
    clinician_decided.connect(
        audit_clinician_decided, dispatch_uid="moderation.audit_clinician_decided"
    )
