"""What accounts announces, always after commit. Accounts imports no other Hearth app, so
moderation (the audit row of an erasure, the review queue's clinician applications) connects
receivers to these in its apps.py. A staff decision about a clinician is moderation's service
(`moderation.clinicians.clinician_decide`), announced by `moderation.signals`."""

from django.dispatch import Signal

# account_deleted(user_id: int, keep_posts: bool, by_staff_id: int | None)
#   A member's account was erased. Carries no personal data on purpose: the audit row records
#   that the deletion happened, not what was erased.
account_deleted = Signal()

# clinician_applied(profile: ClinicianProfile)
clinician_applied = Signal()
