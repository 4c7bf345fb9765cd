"""What the forum announces. Sent on commit by community.services; moderation,
notifications and insights connect receivers in their apps.py. Community imports none of them.
"""

from django.dispatch import Signal

# post_submitted(post): a new or edited post waits for screening.
post_submitted = Signal()
# post_published(post): a post became visible to the community (after screening or approval).
post_published = Signal()
# member_joined(membership)
member_joined = Signal()
# reaction_added(reaction)
reaction_added = Signal()
# answer_accepted(thread, post, by)
answer_accepted = Signal()
