"""Expert Q&A events: staff schedule one in a community with a verified clinician; members
register, submit questions (screened like posts) and vote; the expert answers live; afterwards
the event is an archived Q&A."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey("community.Community", on_delete=models.CASCADE,
                                  related_name="events")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    description_html = models.TextField(blank=True, editable=False)
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="expert_events", verbose_name=_("expert"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    event_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["community", "starts_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="event_ends_after_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event", kwargs={"pk": self.pk})

    def phase(self, now=None) -> str:
        """"upcoming", "live" or "archived" (a cancelled event is archived)."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED or now >= self.ends_at:
            return "archived"
        return "live" if now >= self.starts_at else "upcoming"


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="event_registrations")
    created_at = models.DateTimeField(default=timezone.now)
    attended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"],
                                               name="registration_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} registered for {self.event_id}"


class Question(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HELD = "held", _("Awaiting review")
        HIDDEN = "hidden", _("Hidden by a moderator")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="event_questions")
    body = models.TextField(max_length=2000)
    body_html = models.TextField()
    is_anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    is_crisis = models.BooleanField(default=False)
    vote_count = models.PositiveIntegerField(default=0)
    # A moderator's order for the live session (lower first); empty: by votes.
    order = models.PositiveIntegerField(null=True, blank=True)
    answer = models.TextField(max_length=20000, blank=True)
    answer_html = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self) -> str:
        return f"Question {self.pk} of event {self.event_id}"


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="event_question_votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "user"],
                                               name="question_vote_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} voted {self.question_id}"
