"""What accounts announces. Accounts imports no other Hearth app, so moderation (audit rows)
and notifications (telling the applicant) connect receivers to these in their apps.py.
account_deleted and clinician_decided are sent inside the writing transaction, so that the
audit row commits with the action; a receiver with effects outside the database (email, a
socket) defers them with transaction.on_commit. The others are sent on commit."""

from django.dispatch import Signal

# account_deleted(user_id: int, keep_posts: bool, by_staff_id: int | None)
#   A member's account was erased. Carries no personal data on purpose: the audit row records
#   that the deletion happened, not what was erased.
account_deleted = Signal()

# clinician_applied(profile: ClinicianProfile)
clinician_applied = Signal()

# clinician_decided(profile: ClinicianProfile, decision: "approve" | "reject" | "revoke",
#                   by: User, reason: str)
clinician_decided = Signal()
