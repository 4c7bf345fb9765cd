"""What the forum announces. Sent on commit by community.services; moderation,
notifications and insights connect receivers in their apps.py. Community imports none of them.
"""

from django.dispatch import Signal

# post_submitted(post): a new or edited post waits for screening.
post_submitted = Signal()
# post_published(post): a post became visible to the community (after screening or approval).
post_published = Signal()
# thread_created(thread): a new thread was written (its first post is submitted separately).
thread_created = Signal()
# member_joined(membership), member_left(user, community)
member_joined = Signal()
member_left = Signal()
# reaction_added(reaction)
reaction_added = Signal()
# answer_accepted(thread, post, by)
answer_accepted = Signal()
# moderation_decided(member, detail, text, post=None): a moderator decided about a member's
# post or account; detail is approved/rejected/hidden/restored/edited/warned/suspended (sent
# by moderation on commit; notifications tells the member).
moderation_decided = Signal()
# crisis_escalated(item, escalated=False): a crisis item was opened by screening, or a
# moderator escalated an item to staff (escalated=True). Sent on commit by moderation; the
# api app's webhooks connect to it (ids and links only).
crisis_escalated = Signal()
