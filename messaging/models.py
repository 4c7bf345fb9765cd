"""Private conversations between members, blocks and message settings, and the "ask the
hospital" patient-experience inbox.

A conversation has at most `MAX_MEMBERS` members. A message is seen by the members of its
conversation only (messaging.permissions); a member never sees the messages of someone they
block, and the one they block does not learn it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_MEMBERS = 10


class MessageSettings(models.Model):
    """Who may start a conversation with a member; created lazily with the default."""

    class AllowFrom(models.TextChoices):
        EVERYONE = "everyone", _("Any member")
        FOLLOWING = "following", _("Only members I follow")
        NOBODY = "nobody", _("Nobody (messages off)")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="message_settings")
    allow_from = models.CharField(_("who may message me"), max_length=10,
                                  choices=AllowFrom.choices, default=AllowFrom.EVERYONE)

    def __str__(self) -> str:
        return f"message settings of {self.user_id}"


class MemberFollow(models.Model):
    """A member follows another (used by "only members I follow")."""

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+")
    followed = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["follower", "followed"],
                                               name="member_follow_unique")]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followed_id}"


class Block(models.Model):
    """`blocker` no longer hears from `blocked`, who is not told."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"],
                                               name="block_unique")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class CommunityMessaging(models.Model):
    """A community's messaging rules (staff set them in the admin). A member must share a
    community that allows it to message a verified clinician; new members of a community
    that sets `min_days`/`min_posts` cannot start conversations from its posts."""

    community = models.OneToOneField("community.Community", on_delete=models.CASCADE,
                                     primary_key=True, related_name="+")
    allow_clinicians = models.BooleanField(_("members may message verified clinicians"),
                                           default=False)
    min_days = models.PositiveSmallIntegerField(
        _("days a member must have been here to start a conversation"), default=0)
    min_posts = models.PositiveSmallIntegerField(
        _("posts a member must have written to start a conversation"), default=0)

    class Meta:
        verbose_name_plural = "community messaging"

    def __str__(self) -> str:
        return f"messaging in {self.community_id}"


class Conversation(models.Model):
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    # Where it started (a post's community), which moderators see a report from it.
    community = models.ForeignKey("community.Community", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["-last_message_at"])]

    def __str__(self) -> str:
        return f"conversation {self.pk}"


class ConversationMember(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="conversation_memberships")
    last_read_id = models.PositiveBigIntegerField(default=0)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"],
                                               name="conversation_member_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


class Message(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        HELD = "held", _("Waiting for a moderator")
        HIDDEN = "hidden", _("Removed by a moderator")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="messages")
    # Empty once the sender deleted their account: the others keep the message ("Former member").
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = models.TextField(max_length=5000)
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENT)
    # The sender chose to share an identifier (a phone number...) after the warning.
    shared_identifiers = models.BooleanField(default=False)
    # A verified clinician's message carries their badge and the disclaimer.
    clinician_badge = models.CharField(max_length=120, blank=True)
    is_crisis = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["conversation", "id"])]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.conversation_id}"


class MessageReport(models.Model):
    """A member's report of a message in their conversation (once per member and message)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+")
    reason = models.CharField(max_length=20)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "reporter"],
                                               name="message_report_once")]

    def __str__(self) -> str:
        return f"report of {self.message_id}"


# --- Ask the hospital ----------------------------------------------------------------------


class AskRequest(models.Model):
    class Topic(models.TextChoices):
        BILLING = "billing", _("Billing or insurance")
        APPOINTMENT = "appointment", _("An appointment")
        PRAISE = "praise", _("Praise or thanks")
        COMPLAINT = "complaint", _("A complaint")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="ask_requests")
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    subject = models.CharField(_("subject"), max_length=120)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    is_crisis = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    first_reply_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # 1..5
    rating_comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(
            condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
            name="ask_rating_1_to_5")]

    def __str__(self) -> str:
        return f"request {self.pk} ({self.topic})"


class AskEntry(models.Model):
    """One line of a request's story: the member's words, a staff reply (the member sees it),
    or an internal note (staff only)."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        REPLY = "reply", _("Reply")
        NOTE = "note", _("Internal note")

    request = models.ForeignKey(AskRequest, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on request {self.request_id}"
