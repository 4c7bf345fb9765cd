"""What Hearth tells a member: in-app notifications, the email outbox, digests and clicks.

The outbox is the truth about email (rule 3): every message is a row with a unique dedupe
key before anything is sent, and a row is sent by whoever claims it first with one atomic
UPDATE. Digest state is per member and per period, with a unique constraint, so a member
gets at most one digest a period however often the queue or a worker is interrupted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply to your discussion")
        FOLLOWED_REPLY = "followed_reply", _("Reply in a discussion you follow")
        MENTION = "mention", _("Mention")
        CLINICIAN_ANSWER = "clinician_answer", _("Clinician answer to your question")
        ANSWER_ACCEPTED = "answer_accepted", _("Your answer was accepted")
        REACTIONS = "reactions", _("Reactions to your post")
        MODERATION = "moderation", _("Moderation decision")
        CLINICIAN_DECIDED = "clinician_decided", _("Clinician application decided")

    # No index of its own: the two below begin with it (one index fewer for a fan-out's
    # thousands of rows to fill).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Who did it. Left empty when the post is anonymous and the recipient is not staff.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    thread = models.ForeignKey(
        "community.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "community.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Grouped notifications: "3 people found your post helpful".
    count = models.PositiveIntegerField(default=1)
    # A short machine value that completes the kind: the reaction kind ("helpful"), or the
    # decision ("hidden", "restored", "approved", "verified", "rejected", ...).
    detail = models.CharField(max_length=40, blank=True)
    # Free text from a person (a moderator's reason); never a post body.
    message = models.CharField(max_length=300, blank=True)
    # What makes a notification happen once: "post:<id>" for replies and mentions,
    # "reactions:<post>:<kind>" while unread, and whatever moderation/accounts pass.
    key = models.CharField(max_length=120, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread"),
            models.Index(fields=["recipient", "-updated_at"], name="notif_recipient_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key="") & ~Q(kind="reactions"),
                name="notification_once",
            ),
            # Reactions are grouped into the one unread notification per post and kind.
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=Q(kind="reactions", read_at__isnull=True),
                name="notification_group_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationSettings(models.Model):
    """A member's choices about notifications and email; created lazily with the defaults."""

    class Frequency(models.TextChoices):
        NEVER = "never", _("Never")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="notification_settings",
    )
    digest_frequency = models.CharField(
        _("email digest"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY,
    )
    email_replies = models.BooleanField(_("email me when someone replies to me"), default=True)
    email_mentions = models.BooleanField(_("email me when someone mentions me"), default=True)
    follow_on_reply = models.BooleanField(_("follow discussions I reply to"), default=True)
    # Digest state: when the last digest was built for this member.
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"notification settings of {self.user_id}"


class Outbox(models.Model):
    """One email. Sent once: claimed with `UPDATE ... WHERE status='pending'`."""

    class Kind(models.TextChoices):
        DIGEST = "digest", _("Digest")
        REPLY = "reply", _("Reply")
        MENTION = "mention", _("Mention")
        REPORT = "report", _("Monthly report")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up")
        CANCELLED = "cancelled", _("Cancelled")

    # No index of its own: outbox_recipient_recent begins with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox",
        db_index=False,
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=250)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # A reply or mention email written by a fan-out is only this row: its notification, with
    # subject, text, html and headers left empty and rendered when it is sent (outbox.send's
    # renderer, immediate.render_at_send), so that a reply to 5,000 followers writes 5,000
    # small rows, not 12 MB of email. They are stored as sent once sent. No constraint and
    # no index (each would cost the fan-out's insert a lookup or an entry per row): a row
    # whose notification was deleted (its thread was) is cancelled when it comes to be sent.
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+",
        db_constraint=False, db_index=False,
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When a pending row may be tried (back-off), or when a row being sent is presumed
    # abandoned by a killed worker (its lease).
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "outbox"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["recipient", "created_at"], name="outbox_recipient_recent"),
            models.Index(fields=["kind", "sent_at"], name="outbox_kind_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"


class DigestRun(models.Model):
    """A member's digest for one period (a local day or ISO week): built once, even empty."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Email waiting in the outbox")
        EMPTY = "empty", _("Nothing new: no email")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_runs"
    )
    frequency = models.CharField(max_length=8, choices=NotificationSettings.Frequency.choices)
    period = models.CharField(max_length=16)  # "2026-11-23" or "2026-W48", member's time zone
    status = models.CharField(max_length=8, choices=Status.choices)
    outbox = models.OneToOneField(
        Outbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="digest_run"
    )
    thread_ids = models.JSONField(default=list, blank=True)
    since = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period"], name="digest_run_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.frequency} digest {self.period} for {self.user_id}"


class DigestClick(models.Model):
    """A click on a thread link in a digest (read by insights for the dashboard)."""

    outbox = models.ForeignKey(Outbox, on_delete=models.CASCADE, related_name="clicks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_clicks"
    )
    thread = models.ForeignKey(
        "community.Thread", on_delete=models.CASCADE, related_name="digest_clicks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="digest_click_created")]

    def __str__(self) -> str:
        return f"click on {self.thread_id} by {self.user_id}"


class CheckIn(models.Model):
    """The monthly one-question check-in carried by a digest ("Did Hearth help you manage your
    health this month?"): asked at most once per member and month, answered by one click on
    a signed link; a second click changes the answer. Read by insights (totals only)."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        SOMEWHAT = "somewhat", _("Somewhat")
        NO = "no", _("No")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    month = models.CharField(max_length=7)  # "2026-10" (UTC)
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=8, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="checkin_once_per_month"),
        ]
        indexes = [models.Index(fields=["month"], name="checkin_month")]

    def __str__(self) -> str:
        return f"check-in {self.month} for {self.user_id}: {self.answer or '-'}"


class PostFanout(models.Model):
    """A post whose notifications were made (rule 3): written in the transaction that makes
    them. A public post without this row after a couple of minutes lost its fan-out to a
    database blip or a lost task; beat's sweep (tasks.notifications_fanout_sweep) finishes it.
    """

    post = models.OneToOneField(
        "community.Post", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    notified = models.PositiveIntegerField(default=0)  # notifications made by the fan-out
    done_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"fan-out of post {self.post_id}"
