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


class DayBits(models.Field):
    """A PostgreSQL bit(366): bit i is day i of the year (1 January is bit 0)."""

    description = "days of one year as bits"

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "bit(366)"
        return "varchar(366)"

    def get_placeholder(self, value, compiler, connection):
        return "%s::bit(366)" if connection.vendor == "postgresql" else "%s"


class MemberActivity(models.Model):
    """Per-member facts kept by the rollup (issue 24): the days of one year on which a member
    was active and on which they posted, in one community (scope = its id) or over all
    (scope 0, visits included), and the time of their first public post in that scope as of
    the latest rollup that saw them. The dashboard counts these rows; it never scans history.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    scope = models.IntegerField()  # a community's id, or 0 for all communities
    year = models.SmallIntegerField()
    active = DayBits()
    posted = DayBits()
    first_post_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "year"],
                                               name="member_activity_unique")]
        indexes = [models.Index(fields=["scope", "year"], name="member_activity_scope")]

    def __str__(self) -> str:
        return f"activity of {self.user_id} in {self.scope or 'all'} {self.year}"


class WindowCount(models.Model):
    """Members counted over the window of `length` days ending on `day` (issue 24), in one
    scope (a community's id, or 0 for all), stored by the rollup of `day` for the lengths the
    dashboard's periods need (insights.windows): a page adds only today's members to them.
    `name`: "active:<source>", "new:<source>", "returning:<source>" (sources as the page
    groups them), "lang:<language>" (scope 0: active by the language of the account) and
    "stored" (the window was counted, even when every count is 0)."""

    day = models.DateField()
    length = models.SmallIntegerField()
    scope = models.IntegerField()
    name = models.CharField(max_length=40)
    value = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "scope", "length", "name"],
                                               name="window_count_unique")]

    def __str__(self) -> str:
        return f"{self.name} over {self.length} days to {self.day} in {self.scope}: {self.value}"


class ActiveDay(models.Model):
    """Who was active on a day (issue 24): the ids of the members with that day's bit in
    their stored facts (scope 0, which every community's activity sets too), written by the
    rollup of the day. The window counts of a day follow the previous day's by reading only
    the members active on the day and on the days leaving the windows (insights.windows);
    a rerun of the day clears its bits in these members' rows only (insights.facts)."""

    day = models.DateField(unique=True)
    users = models.TextField()  # a JSON list of user ids, ascending

    def __str__(self) -> str:
        return f"members active on {self.day}"


class MemberLast(models.Model):
    """Per member and scope, over every stored fact (issue 24): the three latest days active
    and the three latest days posted (year * 1000 + day of the year, 0: none) and the first
    public post, kept by the rollup for the members of the day it stores, so that the rollup
    of a day finds the members whose windows change and places them in the windows ending on
    that day and the day before without reading their facts (insights.windows). No index on
    the days (a day's members are a third of the rows, read in one pass): each night's
    update of the day's members is a HOT update (fillfactor 70), no index entry written."""

    # member_last_unique (user, scope) serves the look-ups by member
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+",
                             db_index=False)
    scope = models.IntegerField()
    last_active = models.IntegerField(default=0)
    active_2 = models.IntegerField(default=0)
    active_3 = models.IntegerField(default=0)
    last_posted = models.IntegerField(default=0)
    posted_2 = models.IntegerField(default=0)
    posted_3 = models.IntegerField(default=0)
    first_post = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope"],
                                               name="member_last_unique")]

    def __str__(self) -> str:
        return f"last days of {self.user_id} in {self.scope or 'all'}"




class DashboardSnapshot(models.Model):
    """The dashboard's computed figures for one selection (communities, period, language),
    stored (issue 24): the page, the CSV and the JSON read this row while it is fresh
    (INSIGHTS_SNAPSHOT_SECONDS), and the beat task `insights.tasks.snapshots_refresh` computes
    again the selections someone read in the last days before they go stale, so that a page
    view reads one row instead of counting a year of activity (insights.snapshots)."""

    scope = models.TextField()  # "all", or the community ids, ascending, comma-separated
    first_day = models.DateField()
    last_day = models.DateField()
    relative = models.BooleanField(default=True)  # "the last N days": follows today
    language = models.CharField(max_length=12)
    payload = models.TextField()  # JSON, its keys in the order computed (jsonb sorts them)
    computed_at = models.DateTimeField()
    compute_ms = models.IntegerField(default=0)
    read_at = models.DateTimeField()
    stale = models.BooleanField(default=False)  # a rollup changed its days: served, but due

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["scope", "first_day", "last_day", "language"],
            name="dashboard_snapshot_unique")]
        indexes = [models.Index(fields=["read_at"], name="dashboard_snapshot_read")]

    def __str__(self) -> str:
        return f"insights {self.scope} {self.first_day}–{self.last_day} ({self.language})"


from .campaign_models import Campaign, CampaignVisit  # noqa: E402, F401  (issue 23)
