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

# ruff: noqa: S608  (our own names and placeholders only; every value is a parameter)
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import connection

from community.models import Membership

from . import facts
from .definitions import ALL_SCOPE, any_of, members
from .models import ActiveDay, MemberActivity, MemberLast, WindowCount
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


def store(day: date, community_ids, *, full: bool = False) -> int:
    """Store the counts of the windows of LENGTHS ending on `day` for all communities and
    each community, from the stored facts (which must hold `day` already): the previous
    day's counts changed by the members who entered or left a window (`_changes`: the
    members active on `day` and on the days leaving the windows, read by id), or, when the
    previous day's are not all there (or `full`), counted over every member (`_count_all`).
    Returns rows."""
    scopes = [ALL_SCOPE, *community_ids]
    totals = None if full else _previous(day, scopes)
    changes = None if totals is None else _changes(day)
    if changes is None:
        totals = _count_all(day)
    else:
        for key, value in changes.items():
            if key[0] in totals.scopes:
                totals[key] += value
    for scope in scopes:
        for n in LENGTHS:
            totals[(scope, n, "stored")] = 1
    rows = [(n, scope, name, value)
            for (scope, n, name), value in totals.items() if value and scope in scopes]
    WindowCount.objects.filter(day=day).delete()
    if connection.vendor == "postgresql":  # one statement of arrays: no model per row
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {WindowCount._meta.db_table} (day, length, scope, name, value) "
                f"SELECT %s, * FROM unnest(%s::smallint[], %s::int[], %s::text[], %s::int[])",
                [day, *(list(column) for column in zip(*rows, strict=True))] if rows
                else [day, [], [], [], []])
    else:
        WindowCount.objects.bulk_create(
            [WindowCount(day=day, length=n, scope=scope, name=name, value=value)
             for n, scope, name, value in rows])
    return len(rows)


class _Totals(defaultdict):
    scopes: set


def _previous(day: date, scopes: list[int]) -> _Totals | None:
    """The counts of the windows ending the day before (one query), None unless every
    scope's every length is stored."""
    totals = _Totals(int)
    totals.scopes = set(scopes)
    stored = set()
    for scope, n, name, value in (WindowCount.objects.filter(day=day - timedelta(days=1))
                                  .values_list("scope", "length", "name", "value")):
        if name == "stored":
            stored.add((scope, n))
        elif scope in totals.scopes:
            totals[(scope, n, name)] = value
    if any((scope, n) not in stored for scope in scopes for n in LENGTHS):
        return None
    return totals


def _changes(day: date) -> dict | None:
    """{(scope, length, name): change} from the windows ending the day before to those
    ending on `day`, from MemberLast (one query): only a member active on `day` (entering a
    window), or whose last activity, last post or first post fell on a day a window leaves
    behind (day - length: leaving it), can change a count; they are found in one pass over
    MemberLast (on the scale data set, a third of its rows) and placed in both windows of
    each length by their three latest days, as `_count_all` would place them. None when
    later days than the day after are stored (the three latest days may not reach back to
    `day`)."""
    # a later day than the day after stored with members active on it (by its unique index:
    # MemberLast's days are not indexed)
    if ActiveDay.objects.filter(day__gt=day + timedelta(days=1)).exclude(users="[]").exists():
        return None
    now, before = facts.day_key(day), facts.day_key(day - timedelta(days=1))
    leaving = [day - timedelta(days=n) for n in LENGTHS]
    params: list = []

    def as_of(key: int, columns: tuple[str, str, str]) -> str:
        """The latest of the three days on or before `key` (at most two are after it)."""
        first, second, third = (f"m.{c}" for c in columns)
        return (f"CASE WHEN {first} <= {key:d} THEN {first} "
                f"WHEN {second} <= {key:d} THEN {second} ELSE {third} END")

    active, posted = ("last_active", "active_2", "active_3"), ("last_posted", "posted_2",
                                                                "posted_3")
    days = (f"{as_of(now, active)} AS a_now, {as_of(before, active)} AS a_before, "
            f"{as_of(now, posted)} AS p_now, {as_of(before, posted)} AS p_before")
    sums, sum_params = [], []
    for n in LENGTHS:
        first_now, first_before = day - timedelta(days=n - 1), day - timedelta(days=n)
        k_now, k_before = facts.day_key(first_now), facts.day_key(first_before)
        sums += [f"SUM((CASE WHEN u.a_now >= {k_now:d} THEN 1 ELSE 0 END) - "
                 f"(CASE WHEN u.a_before >= {k_before:d} THEN 1 ELSE 0 END))",
                 "SUM((CASE WHEN u.fp >= %s AND u.fp < %s THEN 1 ELSE 0 END) - "
                 "(CASE WHEN u.fp >= %s AND u.fp < %s THEN 1 ELSE 0 END))",
                 f"SUM((CASE WHEN u.fp < %s AND u.p_now >= {k_now:d} THEN 1 ELSE 0 END) - "
                 f"(CASE WHEN u.fp < %s AND u.p_before >= {k_before:d} THEN 1 ELSE 0 END))"]
        sum_params += [facts._dt(day_start(first_now)), facts._dt(day_start(day + timedelta(1))),
                       facts._dt(day_start(first_before)), facts._dt(day_start(day)),
                       facts._dt(day_start(first_now)), facts._dt(day_start(first_before))]
    keys = ", ".join(str(facts.day_key(d)) for d in leaving)
    first_posts = " OR ".join("(m.first_post >= %s AND m.first_post < %s)" for _d in leaving)
    params += [p for d in leaving for p in (facts._dt(day_start(d)),
                                            facts._dt(day_start(d + timedelta(days=1))))]
    member_sql, member_params = (members().values("id", "signup_source", "language")
                                 .query.sql_with_params())
    sql = (f"SELECT u.scope, u.signup_source, u.language, {', '.join(sums)} FROM ("
           f"SELECT m.scope, acc.signup_source, acc.language, m.first_post AS fp, {days} "
           f"FROM {MemberLast._meta.db_table} m JOIN ({member_sql}) acc ON acc.id = m.user_id "
           f"LEFT JOIN {Membership._meta.db_table} ms ON ms.user_id = m.user_id "
           f"AND ms.community_id = m.scope AND ms.status = %s "
           f"WHERE (m.scope = {ALL_SCOPE:d} OR ms.id IS NOT NULL) AND ("
           f"m.last_active IN ({keys}) OR m.last_active >= {now:d} "
           f"OR m.last_posted IN ({keys}) OR m.last_posted >= {now:d} OR {first_posts})"
           f") AS u GROUP BY u.scope, u.signup_source, u.language")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sum_params, *member_params, Membership.Status.ACTIVE, *params])
        return _tally(cursor.fetchall())


def _tally(rows) -> dict:
    """{(scope, length, name): value} from rows (scope, source, language, then active, new
    and returning for each of LENGTHS), as `_changes` and `_count_all` select them."""
    totals: dict = defaultdict(int)
    for scope, source, language, *values in rows:
        key, values = normalise_source(source), iter(values)
        for n in LENGTHS:
            active = next(values) or 0
            totals[(scope, n, f"active:{key}")] += active
            totals[(scope, n, f"new:{key}")] += next(values) or 0
            totals[(scope, n, f"returning:{key}")] += next(values) or 0
            if scope == ALL_SCOPE:
                totals[(scope, n, f"lang:{language_code(language)}")] += active
    return totals


def _count_all(day: date) -> dict:
    """{(scope, length, name): value} for the windows ending on `day`, counted from every
    member's stored facts of the years concerned (one query, every scope and window at
    once): the first rollup, after a gap, a backfill's first day, a recount."""

    windows = {n: _window(day, n) for n in LENGTHS}
    years = list(range(windows[max(LENGTHS)].first_day.year, day.year + 1))
    params: list = []
    flags, sums, sum_params = [], [], []
    # PostgreSQL: a window is a constant mask AND-ed with the row's bits (a few bytes), much
    # cheaper than cutting a substring and searching it bit by bit
    within = _masked if connection.vendor == "postgresql" else facts._window_sql
    for n, window in windows.items():
        flags.append(f"MAX(CASE WHEN {within('f.active', window, params)} "
                     f"THEN 1 ELSE 0 END) AS a{n}")
        flags.append(f"MAX(CASE WHEN {within('f.posted', window, params)} "
                     f"THEN 1 ELSE 0 END) AS p{n}")
    active, posted = "u.a{n:d} = 1", "u.p{n:d} = 1"
    for n, window in windows.items():
        sums += [f"SUM(CASE WHEN {active.format(n=n)} THEN 1 ELSE 0 END)",
                 "SUM(CASE WHEN u.first_post >= %s AND u.first_post < %s THEN 1 ELSE 0 END)",
                 f"SUM(CASE WHEN u.first_post < %s AND {posted.format(n=n)} "
                 f"THEN 1 ELSE 0 END)"]
        sum_params += [facts._dt(window.start), facts._dt(window.end), facts._dt(window.start)]
    member_sql, member_params = (members().values("id", "signup_source", "language")
                                 .query.sql_with_params())
    table = MemberActivity._meta.db_table
    # a community's facts count for its members only (as facts.member_counts)
    sql = (f"SELECT u.scope, u.signup_source, u.language, {', '.join(sums)} FROM ("
           f"SELECT f.user_id, f.scope, acc.signup_source, acc.language, {', '.join(flags)}, "
           f"MIN(f.first_post_at) AS first_post FROM {table} f "
           f"JOIN ({member_sql}) acc ON acc.id = f.user_id "
           # at most one membership per member and community: a join, hashed, not a look-up
           f"LEFT JOIN {Membership._meta.db_table} m ON m.user_id = f.user_id "
           f"AND m.community_id = f.scope AND m.status = %s "
           f"WHERE f.year IN ({', '.join(['%s'] * len(years))}) AND (f.scope = {ALL_SCOPE:d} "
           f"OR m.id IS NOT NULL) "
           f"GROUP BY f.user_id, f.scope, acc.signup_source, acc.language) AS u "
           f"GROUP BY u.scope, u.signup_source, u.language")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sum_params, *params, *member_params, Membership.Status.ACTIVE,
                             *years])
        return _tally(cursor.fetchall())


def _masked(column: str, window: Period, params: list) -> str:
    """SQL (PostgreSQL): the row's year has a 1 in `column` on a day of `window`."""
    zero = "0" * facts.DAYS
    parts = []
    for year in range(window.first_day.year, window.last_day.year + 1):
        first = facts.day_index(max(window.first_day, date(year, 1, 1)))
        last = facts.day_index(min(window.last_day, date(year, 12, 31)))
        mask = "0" * (first - 1) + "1" * (last - first + 1) + "0" * (facts.DAYS - last)
        parts.append(f"(f.year = {year:d} AND ({column} & B'{mask}') <> B'{zero}')")
    return "(" + " OR ".join(parts) + ")"


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


def _today(current_day: date, live, scopes) -> dict:
    """Today's members, read once per dashboard request (three queries over today's members
    only, by id, and their first posts): who they are (source, language), their
    communities, their stored facts of this year and the last. For one community, only its
    members active in it today; otherwise every scope at once."""
    only = set(scopes) if len(scopes) == 1 and ALL_SCOPE not in scopes else None
    memo_key = ("today", current_day, frozenset(only or ()))
    memo = facts._REQUEST.get()
    if memo is not None and memo_key in memo:
        return memo[memo_key]
    active = {key for key, days in live.active.items()
              if current_day in days and (only is None or key[1] in only)}
    posted = {key for key, days in live.posted.items()
              if current_day in days and (only is None or key[1] in only)}
    users = list({user for user, _scope in active})
    who = {pk: (source, language) for pk, source, language in
           members().filter(any_of("pk", users)).values_list("pk", "signup_source", "language")}
    belongs = Membership.objects.filter(any_of("user_id", who),
                                        status=Membership.Status.ACTIVE)
    mine = MemberActivity.objects.filter(any_of("user_id", who),
                                         year__in=[current_day.year - 1, current_day.year])
    if only is not None:
        belongs, mine = belongs.filter(community_id__in=only), mine.filter(scope__in=only)
    belongs = set(belongs.values_list("user_id", "community_id"))
    bits: dict = defaultdict(dict)
    first_post: dict = {}
    for user, scope, year, active_bits, posted_bits, first in (
            mine.values_list("user_id", "scope", "year", "active", "posted", "first_post_at")):
        bits[(user, scope)][year] = (active_bits, posted_bits)
        if first is not None and (first_post.get((user, scope)) is None
                                  or first < first_post[(user, scope)]):
            first_post[(user, scope)] = first
    for key, first in facts.first_posts_of(live).items():
        if key in posted and (first_post.get(key) is None or first < first_post[key]):
            first_post[key] = first
    found = {"active": active, "posted": posted, "who": who, "belongs": belongs, "bits": bits,
             "first_post": first_post}
    if memo is not None:
        memo[memo_key] = found
    return found


def _add_today(result: dict, scopes, plans: dict, current_day: date, *, by: str) -> None:
    """Add today's members to the windows that end today (their rows only)."""
    live = facts.live_activity(current_day, current_day)
    if live is None:
        return
    today = _today(current_day, live, scopes)
    bits, first_post, today_posted = today["bits"], today["first_post"], today["posted"]
    wanted = set(scopes)
    today_start = day_start(current_day)
    for user, scope in today["active"]:
        if scope not in wanted or user not in today["who"] or (
                scope != ALL_SCOPE and (user, scope) not in today["belongs"]):
            continue  # not a member (staff, closed), or not of this community
        source, language = today["who"][user]
        group = normalise_source(source) if by == "source" else language_code(language)
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
