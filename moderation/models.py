from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("The audit log is append-only.")

    def delete(self):
        raise ValidationError("The audit log is append-only.")


class AuditLog(models.Model):
    """Every moderation action, human or automatic. Rows are never changed or deleted: the
    model refuses, and on PostgreSQL a trigger refuses too (migration 0002)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=60)
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=40)
    community_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} " \
               f"{self.target_type} {self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The audit log is append-only.")


# Crisis items come first in the queue, whatever their priority (selectors.queue).
CRISIS_FIRST = models.Case(models.When(kind="crisis", then=models.Value(0)),
                           default=models.Value(1), output_field=models.IntegerField())


class ModerationItem(models.Model):
    """One entry of the review queue."""

    class Kind(models.TextChoices):
        CRISIS = "crisis", _("Crisis")
        HELD = "held", _("Held post")
        FLAG = "flag", _("Flagged post")
        CLINICIAN = "clinician", _("Clinician application")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    priority = models.PositiveSmallIntegerField(default=50)  # lower comes first
    post = models.ForeignKey(
        "community.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(
        "community.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(max_length=40)
    detail = models.CharField(max_length=300, blank=True)
    automatic = models.BooleanField(default=False)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_action_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=20, blank=True)
    # Where in the screened text (the title and body of a first post, else the body) the
    # crisis screening was worried: the sentence the moderator's card highlights.
    highlight_start = models.PositiveIntegerField(null=True, blank=True)
    highlight_end = models.PositiveIntegerField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # A moderator reached out to the member about a crisis item (what they did is audited).
    reached_out_at = models.DateTimeField(null=True, blank=True)
    reached_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # An item about something other than a post (a private message, a request to the
    # hospital): its app registered the type in moderation.targets, which shows and acts on it.
    target_type = models.CharField(max_length=20, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["priority", "created_at"]
        indexes = [
            models.Index(fields=["status", "priority", "created_at"]),
            # The review queue's order (crisis first, then priority, oldest first), read from
            # the index: the first page never sorts every open item (issue 24).
            models.Index(CRISIS_FIRST, "priority", "created_at", "id",
                         condition=models.Q(status="open"), name="moderation_queue_order"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "kind", "reason"], condition=models.Q(status="open"),
                name="moderation_item_open_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason}"

    @property
    def headline(self) -> str:
        """What the item is about, in plain words ("Possible suicide risk", "A phone number")."""
        from .screening.base import KINDS

        if self.reason == "possible_crisis":
            return str(_("Possible crisis: please read"))
        if self.kind == self.Kind.CRISIS:
            kinds = [k.strip() for k in self.detail.split(",") if k.strip()]
            words = list(dict.fromkeys(str(CRISIS_HEADLINES.get(k, CRISIS_HEADLINES[""]))
                                       for k in kinds or [""]))
            return ", ".join(words)
        if self.reason in KINDS:
            label = str(KINDS[self.reason][1])
            return label[:1].upper() + label[1:]
        if self.reason in Flag.Reason.values:
            return str(Flag.Reason(self.reason).label)
        return str(OTHER_HEADLINES.get(self.reason, self.reason.replace("_", " ")))

    def target_html(self) -> str:
        """What a non-post item is about, as its app shows it to the moderator."""
        from .targets import render

        return render(self)

    def highlighted(self) -> tuple[str, str, str] | None:
        """The screened text around the sentence that worried screening: (before, sentence,
        after), at most a few hundred characters of context each side."""
        if self.post is None or self.highlight_start is None or self.highlight_end is None:
            return None
        from .screening import post_text

        post = self.post
        text = post_text(post.thread.title if post.is_first else "", post.body)
        start, end = self.highlight_start, self.highlight_end
        if end > len(text) or start >= end:
            return None
        before = text[max(0, start - 240):start]
        after = text[end:end + 240]
        return (("…" if start > 240 else "") + before, text[start:end],
                after + ("…" if end + 240 < len(text) else ""))


CRISIS_HEADLINES = {
    "suicidal_intent": _("Possible suicide risk"),
    "self_harm": _("Self-harm"),
    "overdose_intent": _("Possible overdose"),
    "crisis_risk": _("Possible suicide or self-harm risk"),
    "": _("Possible crisis"),
}
OTHER_HEADLINES = {
    "watched_word": _("A watched word"),
    "new_member": _("A new member's first posts"),
    "clinician_application": _("Clinician application"),
    "scam": _("A scam, or asking for money or personal details"),
    "crisis": _("Someone may be in crisis"),
}


class Flag(models.Model):
    """A member's report of a post. One per member and post."""

    class Reason(models.TextChoices):
        PERSONAL_INFO = "personal_info", _("Personal information")
        CRISIS = "crisis", _("Someone may be in crisis")
        MISINFORMATION = "misinformation", _("Medical misinformation")
        SPAM = "spam", _("Spam or advertising")
        HARASSMENT = "harassment", _("Harassment or unkindness")
        OTHER = "other", _("Something else")

    post = models.ForeignKey("community.Post", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a moderator decides: was the flag right?
    upheld = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="flag_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} on post {self.post_id}"


class WatchedWord(models.Model):
    """A word or pattern staff want to block, hold, flag or replace."""

    class Action(models.TextChoices):
        BLOCK = "block", _("Block (refuse the post)")
        HOLD = "hold", _("Hold for review")
        FLAG = "flag", _("Flag for a moderator")
        REPLACE = "replace", _("Replace")

    pattern = models.CharField(max_length=200)
    is_regex = models.BooleanField(default=False)
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.HOLD)
    replacement = models.CharField(max_length=100, blank=True)
    # Empty: every community (staff manage these); else one community, whose moderators
    # manage it, as they do the rest of its moderation.
    community = models.ForeignKey("community.Community", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pattern"]
        constraints = [
            models.UniqueConstraint(fields=["pattern", "action"],
                                    condition=models.Q(community__isnull=True),
                                    name="watched_word_unique"),
            models.UniqueConstraint(fields=["pattern", "action", "community"],
                                    condition=models.Q(community__isnull=False),
                                    name="watched_word_unique_in_community"),
        ]

    def __str__(self) -> str:
        return f"{self.pattern} ({self.action})"


class StaffNote(models.Model):
    """A private note about a member, for moderators and staff only."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note on {self.member_id}"
