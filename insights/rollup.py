"""Daily figures per community, for the charts: rolled up each night for yesterday, computed
live for today. Each day is computed in a fixed number of grouped queries (8), whatever the
number of communities or posts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_noop

from community.models import AnswerVote, Membership, Reaction, Thread
from moderation.models import ModerationItem
from notifications.models import CheckIn, DigestClick

from . import definitions, education, facts, metrics, snapshots, windows
from .models import DailyMetric
from .periods import Period, today

# The daily series, in the order the dashboard draws them.
SERIES = {
    "members_new": gettext_noop("New members"),
    "active": gettext_noop("Active members"),
    "threads": gettext_noop("Discussions and questions started"),
    "questions": gettext_noop("Questions asked"),
    "replies": gettext_noop("Replies"),
    "clinician_answers": gettext_noop("Clinician answers"),
    "reactions": gettext_noop("Reactions"),
    "moderation_items": gettext_noop("Items for moderators"),
    "digest_clicks": gettext_noop("Digest clicks"),
    "helped": gettext_noop("Said Hearth or an answer helped"),
}
# Stored with the series but not drawn: read by the dashboard's figures (stored.py).
STORED = (*SERIES, "clinician_helpful")
# Figures that are not sums over communities (a member active in two counts once overall).
DISTINCT_SERIES = {"members_new", "active"}
ALL = None  # the all-communities row


def active_members(activity: definitions.DayActivity, day: date, ids) -> dict:
    """{community id: members of it active in it that day, None: members active at all}
    (two queries), from the day's facts (insights.definitions)."""
    pairs = {(user, scope) for (user, scope), days in activity.active.items()
             if day in days and scope != definitions.ALL_SCOPE
             and (ids is None or scope in ids)}
    counts: dict = defaultdict(int)
    overall = activity.active_on(day, definitions.ALL_SCOPE) if ids is None else set()
    # the members among them, by id (a join with members() hashed every account), then
    # their memberships; one query each whatever the day (an empty list matches nothing)
    member_ids = set(definitions.members().filter(definitions.any_of(
        "pk", overall | {user for user, _scope in pairs})).values_list("pk", flat=True))
    memberships = Membership.objects.filter(
        definitions.any_of("user_id", {user for user, _scope in pairs if user in member_ids}),
        definitions.any_of("community_id", {scope for _user, scope in pairs}),
        status=Membership.Status.ACTIVE)
    for pair in memberships.values_list("user_id", "community_id"):
        if pair in pairs:
            counts[pair[1]] += 1
    if ids is None:
        counts[ALL] = len(overall & member_ids)
    return counts


def day_figures(day: date, community_ids: Iterable[int] | None = None, *,
                activity: definitions.DayActivity | None = None) -> dict:
    """{community id, or None for all communities: {series name: value}} for one UTC day."""
    window = Period(day, day)
    ids = None if community_ids is None else list(community_ids)
    rows: dict = defaultdict(lambda: dict.fromkeys(STORED, 0))

    memberships = Membership.objects.filter(status=Membership.Status.ACTIVE,
                                            user__is_staff=False, user__is_active=True)
    if ids is not None:
        memberships = memberships.filter(community_id__in=ids)
    for row in (memberships.filter(joined_at__gte=window.start, joined_at__lt=window.end)
                .values("community_id").annotate(n=Count("pk")).order_by()):
        rows[row["community_id"]]["members_new"] = row["n"]

    activity = activity if activity is not None else facts.activity_of(window)
    for cid, n in active_members(activity, day, ids).items():
        rows[cid]["active"] = n

    posts = definitions.public_posts(ids).filter(created_at__gte=window.start,
                                             created_at__lt=window.end)
    for row in (posts.values("thread__community_id").annotate(
            threads=Count("pk", filter=Q(position=1)),
            questions=Count("pk", filter=Q(position=1, thread__kind=Thread.Kind.QUESTION)),
            replies=Count("pk", filter=Q(position__gt=1)),
            clinician_answers=Count("pk", filter=Q(is_clinician_answer=True)),
    ).order_by()):
        for name in ("threads", "questions", "replies", "clinician_answers"):
            rows[row["thread__community_id"]][name] = row[name]

    for row in (definitions.reactions_in(ids)
                .filter(created_at__gte=window.start, created_at__lt=window.end)
                .values("post__thread__community_id").annotate(
                    n=Count("pk"), helpful=Count("pk", filter=Q(
                        kind=Reaction.Kind.HELPFUL, post__is_clinician_answer=True)))
                .order_by()):
        rows[row["post__thread__community_id"]]["reactions"] = row["n"]
        rows[row["post__thread__community_id"]]["clinician_helpful"] = row["helpful"]

    items = ModerationItem.objects.filter(kind__in=metrics.SAFETY_KINDS,
                                          created_at__gte=window.start, created_at__lt=window.end)
    if ids is not None:
        items = items.filter(community_id__in=ids)
    moderation_all = 0
    for row in items.values("community_id").annotate(n=Count("pk")).order_by():
        moderation_all += row["n"]
        if row["community_id"] is not None:
            rows[row["community_id"]]["moderation_items"] = row["n"]

    clicks = DigestClick.objects.filter(created_at__gte=window.start, created_at__lt=window.end)
    if ids is not None:
        clicks = clicks.filter(thread__community_id__in=ids)
    for row in clicks.values("thread__community_id").annotate(n=Count("pk")).order_by():
        rows[row["thread__community_id"]]["digest_clicks"] = row["n"]

    votes = AnswerVote.objects.filter(helped=True, user__is_staff=False,
                                      updated_at__gte=window.start, updated_at__lt=window.end)
    if ids is not None:
        votes = votes.filter(post__thread__community_id__in=ids)
    for row in votes.values("post__thread__community_id").annotate(n=Count("pk")).order_by():
        rows[row["post__thread__community_id"]]["helped"] = row["n"]

    all_active = rows.pop(ALL, {}).get("active", 0)
    result = {cid: dict(values) for cid, values in rows.items()}
    if ids is not None:
        for cid in ids:
            result.setdefault(cid, dict.fromkeys(STORED, 0))
        return result
    overall = dict.fromkeys(STORED, 0)
    for values in result.values():
        for name in STORED:
            if name not in DISTINCT_SERIES:
                overall[name] += values[name]
    overall["moderation_items"] = moderation_all
    overall["members_new"] = definitions.members().filter(
        date_joined__gte=window.start, date_joined__lt=window.end).count()
    overall["active"] = all_active
    # The monthly check-in belongs to no community: it counts for all communities only.
    overall["helped"] += CheckIn.objects.filter(
        answer__in=("yes", "somewhat"), user__is_staff=False,
        answered_at__gte=window.start, answered_at__lt=window.end).count()
    result[ALL] = overall
    return result


def rollup_day(day: date, *, activity: definitions.DayActivity | None = None,
               first_posts: dict | None = None, recount: bool = False) -> int:
    """Write the day's figures for every community and for all, and the members' facts of
    that day; idempotent. Returns rows. `activity` (and `first_posts`): facts read for a
    range of days that includes this one (rollup_range), else read for this day.
    `recount`: count the day's windows over every member's facts (insights.windows.store)
    instead of following the previous day's."""
    from community.models import Community

    with transaction.atomic():
        facts.jit_off()  # compiling these grouped queries costs more than running them
        community_ids = list(Community.objects.values_list("pk", flat=True))
        if activity is None:
            activity = definitions.day_activity(Period(day, day))
            first_posts = facts.first_posts_of(activity, day)
        # never rolled up: no stored fact has this day's bit, nothing to clear
        again = DailyMetric.objects.filter(date=day).exists()
        figures = day_figures(day, activity=activity)
        rows = []
        for cid in [*community_ids, ALL]:
            values = figures.get(cid) or dict.fromkeys(STORED, 0)
            rows.extend(DailyMetric(community_id=cid, date=day, name=name, value=values[name])
                        for name in STORED)
        facts.store(day, activity, first_posts, again=again)
        windows.store(day, community_ids, full=recount)
        newcomer_days, newcomer_rows = education.stored_rows(day)
        DailyMetric.objects.filter(date=day).delete()
        DailyMetric.objects.filter(date__in=newcomer_days, name__in=education.NEWCOMERS).delete()
        DailyMetric.objects.bulk_create([*rows, *newcomer_rows])
    return len(rows)


CHUNK = 7  # days whose members' activity is read in one pass by rollup_range


def rollup_range(since: date, until: date, *, progress: Callable | None = None,
                 recount: bool = False) -> int:
    """Roll up every day from `since` to `until` (both included): the members' activity is
    read a week at a time, the daily figures a day at a time. The window counts of the
    first day are counted over every member's facts when `recount` or for a backfill (longer
    than a week), then each day's follow the day before's."""
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    written = 0
    covered = activity = first_posts = None
    for day in progress(days) if progress else days:
        if covered is None or day > covered.last_day:
            covered = Period(day, min(day + timedelta(days=CHUNK - 1), until))
            with transaction.atomic():
                facts.jit_off()
                activity = definitions.day_activity(covered)
                first_posts = facts.first_posts_of(activity)
        written += rollup_day(day, activity=activity, first_posts=first_posts,
                              recount=day == since and (recount or len(days) > CHUNK))
    if len(days) > CHUNK:  # a backfill: fresh statistics for the planner (nightly: autovacuum)
        facts.analyze()
    snapshots.rolled_up(since, until)  # the dashboard's stored figures over these days: due
    return written


def series(*, community_ids, period: Period) -> dict[str, list[tuple[date, int | None]]]:
    """Each series over the period: stored days from DailyMetric (one query), today live
    (8 queries) when the period includes today. Days not rolled up yet are None."""
    current_day = today()
    stored = DailyMetric.objects.filter(date__gte=period.first_day,
                                        date__lte=min(period.last_day, current_day - timedelta(1)))
    if community_ids is None:
        stored = stored.filter(community__isnull=True)
    else:
        stored = stored.filter(community_id__in=community_ids)
    values: dict = defaultdict(dict)
    for name, day, value in stored.values_list("name", "date", "value"):
        values[name][day] = values[name].get(day, 0) + value
    if period.first_day <= current_day <= period.last_day:
        live = day_figures(current_day, community_ids)
        keys = [ALL] if community_ids is None else list(community_ids)
        for name in SERIES:
            values[name][current_day] = sum(live.get(k, {}).get(name, 0) for k in keys)
    return {name: [(day, values[name].get(day)) for day in period.dates()] for name in SERIES}


WEEKS_AFTER = 92  # a longer period's day-by-day charts show weeks (about 52 bars, not 365)


def by_week(points: list[tuple[date, int | None]], *, average: bool = False
            ) -> list[tuple[date, int | None]]:
    """Days grouped into weeks (Monday to Sunday; the first and last may be partial), each
    labelled by its first day in the period: sums, or with `average` (a series of members,
    "active") the average per stored day; a week with no stored day is None. For the page's
    long charts only: the CSV and JSON keep days."""
    weeks: dict = {}
    for day, value in points:
        monday = day - timedelta(days=day.weekday())
        first, total, stored = weeks.get(monday, (day, 0, 0))
        weeks[monday] = (first, total + (value or 0), stored + (value is not None))
    return [(first, None if not stored else round(total / stored) if average else total)
            for first, total, stored in weeks.values()]


# Weekly trends: the shape of six months on one screen.
TREND_WEEKS = 26
TRENDS = ("active", "members_new", "clinician_answers", "helped", "digest_clicks")
AVERAGED = {"active"}  # a member active on two days of a week is not two members


def weekly(*, community_ids, weeks: int = TREND_WEEKS, until: date | None = None,
           names=TRENDS) -> dict[str, list[tuple[date, int | None]]]:
    """Each series by week (Monday first) over the last `weeks` whole or current weeks, from
    the stored days (one query). A week with no stored day is None; "active" is the average
    per stored day, the others are sums."""
    until = until or today() - timedelta(days=1)
    first_monday = until - timedelta(days=until.weekday()) - timedelta(weeks=weeks - 1)
    stored = DailyMetric.objects.filter(date__gte=first_monday, date__lte=until,
                                        name__in=list(names))
    if community_ids is None:
        stored = stored.filter(community__isnull=True)
    else:
        stored = stored.filter(community_id__in=community_ids)
    sums: dict = defaultdict(lambda: defaultdict(int))
    days: dict = defaultdict(lambda: defaultdict(set))
    for name, day, value in stored.values_list("name", "date", "value"):
        monday = day - timedelta(days=day.weekday())
        sums[name][monday] += value
        days[name][monday].add(day)
    mondays = [first_monday + timedelta(weeks=i) for i in range(weeks)]
    result = {}
    for name in names:
        points = []
        for monday in mondays:
            stored_days = len(days[name].get(monday, ()))
            if not stored_days:
                points.append((monday, None))
            elif name in AVERAGED:
                points.append((monday, round(sums[name][monday] / stored_days)))
            else:
                points.append((monday, sums[name][monday]))
        result[name] = points
    return result
