"""The daily rollup: yesterday's figures per community, kept so that charts over months read
a few hundred rows instead of scanning the forum. Headline figures are computed live."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class DailyMetric(models.Model):
    """One figure for one UTC day: per community, or for all communities (community empty)."""

    community = models.ForeignKey(
        "community.Community", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField()
    name = models.CharField(max_length=40)
    value = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "date", "name"], condition=Q(community__isnull=False),
                name="daily_metric_unique",
            ),
            # NULL is distinct in a unique index: the all-communities row needs its own.
            models.UniqueConstraint(
                fields=["date", "name"], condition=Q(community__isnull=True),
                name="daily_metric_all_unique",
            ),
        ]
        indexes = [models.Index(fields=["date", "name"], name="daily_metric_date")]

    def __str__(self) -> str:
        where = self.community_id or "all"
        return f"{self.name} {self.date} {where}: {self.value}"


class ReportSubscription(models.Model):
    """A staff member who gets the monthly report by email on the first of the month."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="insights_report_subscription",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"monthly report for {self.user_id}"


from .campaign_models import Campaign, CampaignVisit  # noqa: E402, F401  (issue 23)
