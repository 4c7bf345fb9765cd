"""Members counted over windows of days, stored (issue 24): how many members were active,
wrote their first post, or posted again after an earlier first post, over the last n days.

A count of different members over a window cannot be added up from daily figures, and
reading every member's facts on each page view grows with the members. So the rollup of a
day stores, for the window lengths the dashboard's periods need (LENGTHS), the counts of the
windows that end on that day, per scope (0: all communities; each community), by source
(and, for all communities, active members by language): `store()`.

A page asks for windows that end on a stored day (the previous period) or today. For a
window ending today it reads the stored window of one day less ending yesterday and adds
only today's members: those active today who were not active in the stored part (their
own facts rows, looked up by id), those whose first post is today, and those who posted
today for the first time in the window after an earlier first post. The work of a page
view follows today's activity, not the number of members.

Anything else (a period of another length, several communities, a rollup that is behind)
returns None, and the caller counts from the per-member facts (insights.facts): the same
figures, more slowly. The counts are the members' as of the latest rollup (an account
closed since still counts until the next night).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from community.models import Membership

from . import facts
from .definitions import ALL_SCOPE, members
from .models import MemberActivity, WindowCount
from .periods import Period, day_start, today
from .sources import normalise_source

# the periods of 7, 30, 90 and 365 days and, for a period ending today, one day less; the
# daily, weekly and monthly spans of the previous period
LENGTHS = (1, 6, 7, 29, 30, 89, 90, 364, 365)
KINDS = ("active", "new", "returning")


def language_code(language: str | None) -> str:
    return (language or "en")[:2].lower()


def _window(last: date, days: int) -> Period:
    return Period(last - timedelta(days=days - 1), last)


# --- Writing (the rollup of `day`) -----------------------------------------------------------


def store(day: date, community_ids) -> int:
    """Count the windows of LENGTHS ending on `day` from the stored facts (which must hold
    `day` already): one query per scope, one more by language. Returns rows."""
    windows = {f"w{n}": _window(day, n) for n in LENGTHS}
    rows = []
    for scope in [ALL_SCOPE, *sorted(community_ids)]:
        totals: dict = defaultdict(int)
        counts = facts.member_counts(None if scope == ALL_SCOPE else {scope}, windows, windows)
        for source, row in counts.items():
            key = normalise_source(source)
            for n in LENGTHS:
                for kind in KINDS:
                    totals[(n, f"{kind}:{key}")] += row[f"{kind}:w{n}"]
        if scope == ALL_SCOPE:
            for language, row in facts.member_counts(None, windows, {},
                                                     group="language").items():
                for n in LENGTHS:
                    totals[(n, f"lang:{language_code(language)}")] += row[f"active:w{n}"]
        for n in LENGTHS:
            totals[(n, "stored")] = 1
        rows += [WindowCount(day=day, length=n, scope=scope, name=name, value=value)
                 for (n, name), value in totals.items() if value]
    WindowCount.objects.filter(day=day).delete()
    WindowCount.objects.bulk_create(rows)
    return len(rows)


# --- Reading (the dashboard) -----------------------------------------------------------------


def _plan(window: Period, current_day: date):
    """(stored day, stored length, plus today) for a window, or None if it is not stored."""
    if window.last_day == current_day:
        days = window.days - 1
        if days and days not in LENGTHS:
            return None
        return (current_day - timedelta(days=1), days, True)
    if window.last_day < current_day and window.days in LENGTHS:
        return (window.last_day, window.days, False)
    return None


def counts(scopes: list[int], active: dict[str, Period], posting: dict[str, Period], *,
           by: str = "source") -> dict | None:
    """{scope: {group: {"active:<key>": n, "new:<key>": n, "returning:<key>": n}}} for the
    windows, each scope counted alone; groups are sources (by="source") or languages
    (by="language": active only, scope 0 only). None when a window is not stored."""
    current_day = today()
    live_days = facts.live_days(current_day)
    if live_days is None or live_days.first_day != current_day:
        return None  # the rollup is behind (or never ran): not every stored day is there
    plans = {}
    for key, window in [*((("active", k), w) for k, w in active.items()),
                        *((("posting", k), w) for k, w in posting.items())]:
        plans[key] = _plan(window, current_day)
        if plans[key] is None:
            return None
    pairs = {(day, n) for day, n, _plus in plans.values() if n}
    result: dict = {scope: defaultdict(lambda: defaultdict(int)) for scope in scopes}
    if pairs:
        found = set()
        rows = WindowCount.objects.filter(scope__in=scopes, day__in={d for d, _n in pairs},
                                          length__in={n for _d, n in pairs})
        if by == "language":
            rows = rows.filter(name__startswith="lang:") | rows.filter(name="stored")
        stored: dict = defaultdict(dict)
        for scope, day, n, name, value in rows.values_list("scope", "day", "length", "name",
                                                          "value"):
            if (day, n) in pairs:
                stored[(scope, day, n)][name] = value
                if name == "stored":
                    found.add((scope, day, n))
        if len(found) != len(pairs) * len(scopes):
            return None
        for scope in scopes:
            for (kind, key), (day, n, _plus) in plans.items():
                if not n:
                    continue
                for name, value in stored[(scope, day, n)].items():
                    what, _sep, group = name.partition(":")
                    wanted = ({"lang": "active"} if by == "language"
                              else {"active": "active"} if kind == "active"
                              else {"new": "new", "returning": "returning"})
                    if what in wanted:
                        result[scope][group][f"{wanted[what]}:{key}"] += value
    if any(plus for _day, _n, plus in plans.values()):
        _add_today(result, scopes, plans, current_day, by=by)
    return result


def _add_today(result: dict, scopes, plans: dict, current_day: date, *, by: str) -> None:
    """Add today's members to the windows that end today (a few queries over today's
    members only)."""
    live = facts.live_activity(current_day, current_day)
    if live is None:
        return
    today_active = {(user, scope) for (user, scope), days in live.active.items()
                    if scope in scopes and current_day in days}
    if not today_active:
        return
    today_posted = {(user, scope) for (user, scope), days in live.posted.items()
                    if scope in scopes and current_day in days}
    users = {user for user, _scope in today_active}
    group_field = "signup_source" if by == "source" else "language"
    groups = dict(members().filter(pk__in=users).values_list("pk", group_field))
    communities = [scope for scope in scopes if scope != ALL_SCOPE]
    belongs = set(Membership.objects.filter(
        user_id__in=list(groups) or [0], community_id__in=communities or [0],
        status=Membership.Status.ACTIVE).values_list("user_id", "community_id"))
    first_days = [plan[0] - timedelta(days=plan[1] - 1) for plan in plans.values() if plan[1]]
    years = sorted({d.year for d in first_days} | {current_day.year - 1, current_day.year})
    bits: dict = defaultdict(dict)
    first_post: dict = {}
    for user, scope, year, active, posted, first in (
            MemberActivity.objects.filter(user_id__in=list(groups) or [0], scope__in=scopes,
                                          year__in=years)
            .values_list("user_id", "scope", "year", "active", "posted", "first_post_at")):
        bits[(user, scope)][year] = (active, posted)
        if first is not None and (first_post.get((user, scope)) is None
                                  or first < first_post[(user, scope)]):
            first_post[(user, scope)] = first
    if any(key[0] == "posting" for key in plans):
        for key, first in facts.first_posts_of(live).items():
            if key in today_posted and (first_post.get(key) is None or first < first_post[key]):
                first_post[key] = first
    today_start = day_start(current_day)
    for user, scope in today_active:
        if user not in groups or (scope != ALL_SCOPE and (user, scope) not in belongs):
            continue  # not a member (staff, closed), or not of this community
        group = (normalise_source(groups[user]) if by == "source"
                 else language_code(groups[user]))
        counted = result[scope][group]
        for (kind, key), (day, n, plus) in plans.items():
            if not plus:
                continue
            earlier = _window(day, n) if n else None
            if kind == "active":
                if earlier is None or not _any(bits[(user, scope)], earlier, 0):
                    counted[f"active:{key}"] += 1
                continue
            if (user, scope) not in today_posted:
                continue
            first = first_post.get((user, scope))
            if first is None:
                continue
            if first >= today_start:
                counted[f"new:{key}"] += 1
            elif earlier is None or (first < earlier.start
                                     and not _any(bits[(user, scope)], earlier, 1)):
                counted[f"returning:{key}"] += 1


def _any(years: dict, window: Period, column: int) -> bool:
    """A 1 in the stored bits (column 0: active, 1: posted) on a day of `window`."""
    for year in range(window.first_day.year, window.last_day.year + 1):
        if year not in years:
            continue
        first = max(window.first_day, date(year, 1, 1))
        last = min(window.last_day, date(year, 12, 31))
        i = facts.day_index(first) - 1
        if "1" in years[year][column][i:i + (last - first).days + 1]:
            return True
    return False
