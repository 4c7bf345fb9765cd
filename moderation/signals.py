"""What moderation announces, sent on commit by moderation.services. Moderation imports
neither of its listeners: notifications tells the member (moderation_decided), the api app's
webhooks report escalations (crisis_escalated); they connect in their apps.py."""

from django.dispatch import Signal

# moderation_decided(member, detail, text, post=None): a moderator decided about a member's
# post or account; detail is approved/rejected/hidden/restored/edited/warned/suspended.
moderation_decided = Signal()
# crisis_escalated(item, escalated=False): a crisis item was opened by screening, or a
# moderator escalated an item to staff (escalated=True). Ids and links only go further.
crisis_escalated = Signal()
