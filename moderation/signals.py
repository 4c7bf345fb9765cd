"""What moderation announces, sent on commit by moderation.services. Moderation imports
neither of its listeners: notifications tells the member (moderation_decided), the api app's
webhooks report escalations (crisis_escalated); notifications tells an applicant of staff's
decision (clinician_decided); they connect in their apps.py."""

from django.dispatch import Signal

# moderation_decided(member, detail, text, post=None): a moderator decided about a member's
# post or account; detail is approved/rejected/hidden/restored/edited/warned/suspended.
moderation_decided = Signal()
# crisis_escalated(item, escalated=False): a crisis item was opened by screening, or a
# moderator escalated an item to staff (escalated=True). Ids and links only go further.
crisis_escalated = Signal()
# clinician_decided(profile, decision): staff approved or rejected a clinician application,
# or revoked a verification (moderation.clinicians.clinician_decide).
clinician_decided = Signal()
