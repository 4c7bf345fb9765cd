"""Volunteer mentors: members appointed by staff, per community, after an application (like
the clinician one); a mentor welcomes each new member once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MentorApplication(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Volunteer mentor")
        REJECTED = "rejected", _("Not approved")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="mentor_applications")
    community = models.ForeignKey("community.Community", on_delete=models.CASCADE,
                                  related_name="mentor_applications")
    motivation = models.TextField(_("why you would like to mentor"), max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "community"],
                                               name="mentor_application_unique")]

    def __str__(self) -> str:
        return f"{self.user} mentor of {self.community_id} ({self.status})"


class Welcome(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        HELD = "held", _("Awaiting review")

    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="welcomes_sent")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="welcomes")
    community = models.ForeignKey("community.Community", on_delete=models.CASCADE,
                                  related_name="welcomes")
    body = models.TextField(max_length=2000)
    body_html = models.TextField()
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.SENT)
    created_at = models.DateTimeField(default=timezone.now)
    # The member said they read it ("Thank you"): the notice is not shown again.
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "community"],
                                               name="welcome_once_per_member")]

    def __str__(self) -> str:
        return f"welcome of {self.member_id} in {self.community_id}"
