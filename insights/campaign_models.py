"""Campaign links and the visits they (and members' shared links) bring. Imported by models.py.

A visit names a campaign (a staff member's link, `hc=`) or a shared page (`hs=`, a share id of
community.sharing), never the member who shared it; it is written once per browser (first
touch), and gets its account at sign-up, once (the account is unique).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    class Source(models.TextChoices):
        X = "x", _("X (Twitter)")
        FACEBOOK = "facebook", _("Facebook")
        EMAIL = "email", _("Email")
        OTHER = "other", _("Other links")

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community")
        ARTICLE = "article", _("Article")
        EVENT = "event", _("Event")

    name = models.CharField(_("campaign name"), max_length=80)
    slug = models.SlugField(max_length=80)  # utm_campaign
    code = models.CharField(max_length=12, unique=True)  # hc=
    source = models.CharField(_("where you will post it"), max_length=10,
                              choices=Source.choices, default=Source.X)
    target_kind = models.CharField(max_length=10, choices=Kind.choices)
    target_path = models.CharField(max_length=300)
    target_label = models.CharField(max_length=200)
    community = models.ForeignKey("community.Community", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class CampaignVisit(models.Model):
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="visits")
    share_id = models.CharField(max_length=24, blank=True, default="")
    community = models.ForeignKey("community.Community", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    visited_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    signed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One account is brought by one visit at most: a sign-up counts once.
            models.UniqueConstraint(fields=["user"], condition=Q(user__isnull=False),
                                    name="campaign_visit_user_once"),
            models.CheckConstraint(condition=Q(campaign__isnull=False) | ~Q(share_id=""),
                                   name="campaign_visit_has_origin"),
        ]
        indexes = [models.Index(fields=["campaign", "visited_at"]),
                   models.Index(fields=["share_id", "visited_at"])]

    def __str__(self) -> str:
        return f"visit {self.pk}"
