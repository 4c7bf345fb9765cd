"""What the education library, expert Q&A events and volunteer mentors bring (issue 19), for
the dashboard: counts in the period beside the previous one, in the selected communities
(None: all). Every figure counts members, so a count below the deployment's small-cell
threshold (insights.presenters.SMALL, the one the exports use) reads "fewer than N", and a
median or a share made from fewer than N members is not shown."""

from __future__ import annotations

import statistics
from datetime import UTC, timedelta

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import Membership, Post
from events.models import Question, Registration
from learn.models import ArticleLink, ArticleView, ArticleVote
from mentors.models import Welcome

from . import presenters

POSTED_WITHIN = timedelta(days=7)

LABELS = {
    "views": gettext_lazy("Article views by members"),
    "helpful": gettext_lazy("“Was this helpful?”: yes"),
    "not_helpful": gettext_lazy("“Was this helpful?”: no"),
    "started": gettext_lazy("Questions started from an article"),
    "registrations": gettext_lazy("Event registrations"),
    "attendance": gettext_lazy("Event attendance"),
    "asked": gettext_lazy("Event questions asked"),
    "answered": gettext_lazy("Event questions answered"),
    "wait": gettext_lazy("Median time to answer (minutes)"),
    "welcomes": gettext_lazy("Mentor welcomes sent"),
    "welcomed_posted": gettext_lazy("Welcomed new members who posted within 7 days"),
    "unwelcomed_posted": gettext_lazy("New members not welcomed who posted within 7 days"),
}


def _in(queryset, field: str, community_ids):
    if community_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": community_ids})


# The newcomers' figures (memberships that began in the period, welcomed or not, and whether
# they posted within 7 days) are stored per community and day of joining by the rollup
# (insights.rollup), so that a year's page does not look at every membership.
NEWCOMERS = ("edu_welcomed", "edu_welcomed_posted", "edu_unwelcomed", "edu_unwelcomed_posted")
SETTLES = POSTED_WITHIN.days + 1  # a day's figures can change for this many days after it


def newcomers_by_day(first, last, community_ids=None) -> dict:
    """{(community id, day joined): {name: n}} for the active memberships that began from
    `first` to `last` (dates, included): read from the memberships (4 grouped queries)."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from .periods import Period

    window = Period(first, last)
    new = _in(Membership.objects.filter(joined_at__gte=window.start, joined_at__lt=window.end,
                                        status="active"), "community_id", community_ids)
    welcomed_q = Exists(Welcome.objects.filter(member=OuterRef("user"),
                                               community=OuterRef("community"), status="sent"))
    posted = Exists(Post.objects.filter(
        author=OuterRef("user"), thread__community=OuterRef("community"),
        created_at__lte=OuterRef("joined_at") + POSTED_WITHIN))
    result: dict = {}
    for welcomed, prefix in ((True, "edu_welcomed"), (False, "edu_unwelcomed")):
        rows = (new.annotate(w=welcomed_q, p=posted).filter(w=welcomed)
                .annotate(day=TruncDate("joined_at", tzinfo=UTC))
                .values("community_id", "day")
                .annotate(n=Count("pk"), posted=Count("pk", filter=Q(p=True))).order_by())
        for row in rows:
            values = result.setdefault((row["community_id"], row["day"]),
                                       dict.fromkeys(NEWCOMERS, 0))
            values[prefix] = row["n"]
            values[f"{prefix}_posted"] = row["posted"]
    return result


def stored_rows(day) -> tuple[set, list]:
    """For the rollup of `day`: the days of joining whose newcomers' figures it rewrites
    (that day, the SETTLES days before it, whose members may have posted since, and the
    days on which the members welcomed that day joined) and their DailyMetric rows (zeros
    left out). Work in proportion to those days' memberships, not to all of them."""
    from .models import DailyMetric
    from .periods import Period

    first = day - timedelta(days=SETTLES)
    figures = newcomers_by_day(first, day)
    window = Period(day, day)
    welcomed = Welcome.objects.filter(status="sent", created_at__gte=window.start,
                                      created_at__lt=window.end)
    joined = Membership.objects.filter(
        Exists(welcomed.filter(member=OuterRef("user"), community=OuterRef("community"))),
        joined_at__lt=Period(first, first).start)
    days = {first + timedelta(days=i) for i in range(SETTLES + 1)}
    for when in joined.values_list("joined_at", flat=True):
        earlier = when.astimezone(UTC).date()
        if earlier not in days:
            days.add(earlier)
            figures.update(newcomers_by_day(earlier, earlier))
    rows = [DailyMetric(community_id=cid, date=when, name=name, value=values[name])
            for (cid, when), values in figures.items() for name in NEWCOMERS if values[name]]
    return days, rows


def _newcomers(community_ids, periods: dict) -> dict:
    """{key: the newcomers' four counts over the period}: stored days (one query over the
    rollup's rows for every period) and, live, the days after the stored ones that may
    still change (and any before the first rolled-up day)."""
    from .models import DailyMetric
    from .periods import today

    rolled = DailyMetric.objects.filter(community__isnull=True, name="active")
    span = rolled.aggregate(first=Min("date"), last=Max("date"))
    totals = {key: dict.fromkeys(NEWCOMERS, 0) for key in periods}
    live = {key: [(period.first_day, min(period.last_day, today()))]
            for key, period in periods.items()}
    settled_parts = {}
    if span["last"] is not None:
        # stored rows are final once SETTLES days have been rolled up after them; days
        # before the first rolled-up one (an older backfill) are read live too
        for key, period in periods.items():
            first = max(period.first_day, span["first"])
            settled = min(period.last_day, span["last"] - timedelta(days=SETTLES))
            if first <= settled:
                settled_parts[key] = (first, settled)
                live[key] = [(period.first_day, first - timedelta(days=1)),
                             (settled + timedelta(days=1), live[key][0][1])]
    if settled_parts:
        stored = _in(DailyMetric.objects.filter(
            name__in=NEWCOMERS, date__gte=min(a for a, _b in settled_parts.values()),
            date__lte=max(b for _a, b in settled_parts.values()),
            community__isnull=False), "community_id", community_ids)
        sums = {f"n_{key}": Sum("value", filter=Q(date__gte=a, date__lte=b))
                for key, (a, b) in settled_parts.items()}
        for row in stored.values("name").annotate(**sums).order_by():
            for key in settled_parts:
                totals[key][row["name"]] += row[f"n_{key}"] or 0
    for key, parts in live.items():
        for since, until in parts:
            if since <= until:
                for values in newcomers_by_day(since, until, community_ids).values():
                    for name in NEWCOMERS:
                        totals[key][name] += values[name]
    return totals


def _windowed(queryset, field: str, periods: dict, **counted) -> dict:
    """{key: {name: count}} over each period (by `field`), one query: `counted` names a
    condition (a Q, or None for every row) for each count."""
    first = min(period.start for period in periods.values())
    last = max(period.end for period in periods.values())
    aggregates = {}
    for key, period in periods.items():
        when = Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})
        for name, condition in counted.items():
            aggregates[f"{name}__{key}"] = Count(
                "pk", filter=when if condition is None else when & condition)
    row = queryset.filter(**{f"{field}__gte": first, f"{field}__lt": last}).aggregate(
        **aggregates)
    return {key: {name: row[f"{name}__{key}"] or 0 for name in counted} for key in periods}


def counts_of(*, community_ids, periods: dict) -> dict:
    """{key: the raw figures of that period}: counts, (part, whole) pairs and the median wait
    with the number of answers it is made from; every period at once (one query per table,
    whatever the number of periods)."""
    views = _windowed(_in(ArticleView.objects.all(), "article__community_id", community_ids),
                      "created_at", periods, views=None)
    votes = _windowed(_in(ArticleVote.objects.all(), "article__community_id", community_ids),
                      "created_at", periods, helpful=Q(helpful=True),
                      not_helpful=Q(helpful=False))
    started = _windowed(_in(ArticleLink.objects.filter(started_here=True),
                            "post__thread__community_id", community_ids),
                        "created_at", periods, started=None)
    registrations = _windowed(
        _in(Registration.objects.all(), "event__community_id", community_ids),
        "event__starts_at", periods, registrations=None,
        attendance=Q(attended_at__isnull=False))
    questions = _in(Question.objects.filter(status="published"), "event__community_id",
                    community_ids)
    asked = _windowed(questions, "event__starts_at", periods, asked=None)
    first = min(period.start for period in periods.values())
    last = max(period.end for period in periods.values())
    answered = list(questions.filter(answered_at__isnull=False, event__starts_at__gte=first,
                                     event__starts_at__lt=last)
                    .values_list("created_at", "answered_at", "event__starts_at"))
    welcomes = _windowed(_in(Welcome.objects.filter(status="sent"), "community_id",
                             community_ids), "created_at", periods, welcomes=None)
    newcomers = _newcomers(community_ids, periods)
    result = {}
    for key, period in periods.items():
        waits = [(done - max(when, starts)).total_seconds() / 60
                 for when, done, starts in answered if period.start <= starts < period.end]
        found = newcomers[key]
        result[key] = {
            **views[key], **votes[key], **started[key], **registrations[key], **asked[key],
            "answered": len(waits),
            "wait": (round(statistics.median(waits)) if waits else None, len(waits)),
            **welcomes[key],
            "welcomed_posted": (found["edu_welcomed_posted"], found["edu_welcomed"]),
            "unwelcomed_posted": (found["edu_unwelcomed_posted"], found["edu_unwelcomed"]),
        }
    return result


def counts(*, community_ids, period) -> dict:
    """The raw figures of one period (counts_of)."""
    return counts_of(community_ids=community_ids, periods={"p": period})["p"]


def fewer_than() -> str:
    return _("fewer than %(n)s") % {"n": presenters.SMALL}


def shown(key: str, value) -> str:
    """A raw figure as the page shows it, small cells suppressed."""
    small = presenters.SMALL
    if key == "wait":
        median, made_of = value
        if made_of == 0:
            return "–"
        return fewer_than() if made_of < small else str(median)
    if isinstance(value, tuple):
        part, whole = value
        if whole == 0:
            return "0 / 0"
        if whole < small:
            return fewer_than()
        return f"{part if part >= small or part == 0 else fewer_than()} / {whole}"
    if 0 < value < small:
        return fewer_than()
    return str(value)


def figures(*, community_ids, period) -> list[dict]:
    """One row per figure: label, this period and the previous one, as shown."""
    found = counts_of(community_ids=community_ids,
                      periods={"now": period, "before": period.previous()})
    now, before = found["now"], found["before"]
    return [{"key": key, "label": label, "cur": shown(key, now[key]),
             "prev": shown(key, before[key])} for key, label in LABELS.items()]


# --- Each person's impact page: what their articles, events and welcomes did ---------------


def _median_minutes(rows) -> int | str:
    waits = [(done - max(asked, starts)).total_seconds() / 60 for asked, done, starts in rows]
    return round(statistics.median(waits)) if waits else "–"


def _author_rows(user, window) -> dict:
    start, end = window.start, window.end
    return {
        "views": ArticleView.objects.filter(article__author=user, created_at__gte=start,
                                            created_at__lt=end).count(),
        "helpful": ArticleVote.objects.filter(article__author=user, helpful=True,
                                              created_at__gte=start, created_at__lt=end).count(),
        "started": ArticleLink.objects.filter(article__author=user, started_here=True,
                                              created_at__gte=start, created_at__lt=end).count(),
    }


def _expert_rows(user, window) -> dict:
    start, end = window.start, window.end
    registrations = Registration.objects.filter(event__expert=user, event__starts_at__gte=start,
                                                event__starts_at__lt=end)
    answered = Question.objects.filter(event__expert=user, answered_by=user,
                                       status="published", answered_at__isnull=False,
                                       event__starts_at__gte=start, event__starts_at__lt=end)
    return {
        "registrations": registrations.count(),
        "attendance": registrations.filter(attended_at__isnull=False).count(),
        "answered": answered.count(),
        "wait": _median_minutes(answered.values_list("created_at", "answered_at",
                                                     "event__starts_at")),
    }


def _mentor_rows(user, window) -> dict:
    start, end = window.start, window.end
    welcomes = Welcome.objects.filter(mentor=user, status="sent", created_at__gte=start,
                                      created_at__lt=end)
    posted = Post.objects.filter(
        author=OuterRef("member"), thread__community=OuterRef("community"),
        status="published", created_at__gte=OuterRef("created_at"),
        created_at__lte=OuterRef("created_at") + POSTED_WITHIN)
    return {
        "welcomes": welcomes.count(),
        "posted": welcomes.annotate(p=Exists(posted)).filter(p=True).count(),
    }


IMPACT = (
    ("author", gettext_lazy("Your articles"), _author_rows, (
        ("views", gettext_lazy("Article views by members")),
        ("helpful", gettext_lazy("“Was this helpful?”: yes")),
        ("started", gettext_lazy("Questions started from your articles")),
    )),
    ("expert", gettext_lazy("Your expert Q&A events"), _expert_rows, (
        ("registrations", gettext_lazy("Event registrations")),
        ("attendance", gettext_lazy("Event attendance")),
        ("answered", gettext_lazy("Questions you answered")),
        ("wait", gettext_lazy("Median time to answer (minutes)")),
    )),
    ("mentor", gettext_lazy("Your welcomes as a volunteer mentor"), _mentor_rows, (
        ("welcomes", gettext_lazy("Welcomes sent")),
        ("posted", gettext_lazy("Welcomed members who posted within 7 days of your welcome")),
    )),
)


def impact_roles(user) -> set[str]:
    """Which parts of the impact page apply: an article's author, an event's expert, a
    mentor (now or before)."""
    from learn.models import Article
    from mentors.models import MentorApplication

    roles = set()
    if Article.objects.filter(author=user).exists():
        roles.add("author")
    if user.expert_events.exists():
        roles.add("expert")
    if Welcome.objects.filter(mentor=user).exists() or MentorApplication.objects.filter(
            user=user, status=MentorApplication.Status.APPROVED).exists():
        roles.add("mentor")
    return roles


def impact(user, windows: dict) -> list[dict]:
    """The sections of the person's impact page that apply to them, each a table of rows with
    a value per window (cur, prev, all)."""
    roles = impact_roles(user)
    sections = []
    for key, title, rows_of, labels in IMPACT:
        if key not in roles:
            continue
        values = {name: rows_of(user, window) for name, window in windows.items()}
        sections.append({"key": key, "title": title, "rows": [
            {"key": figure, "label": label,
             **{name: values[name][figure] for name in windows}} for figure, label in labels]})
    return sections
