"""Per-member facts (issue 24): stored by the rollup, counted by the dashboard.

`store()` writes one day's activity (insights.definitions.day_activity) into MemberActivity:
one row per member, scope (a community, or 0 for all) and year, whose bit strings say on
which days they were active and posted, with the time of their first public post in that
scope. `member_counts()` answers "how many members were active / posted / wrote their first
post in each window" from those rows alone (one query), adding the days not rolled up yet
(today) from day_activity, which reads only those days' rows.
"""

# ruff: noqa: S608, S610, S611  (our own names and placeholders only; every value is a parameter)
from __future__ import annotations

import json
from collections import defaultdict
from contextvars import ContextVar
from datetime import date, timedelta
from functools import wraps

from django.db import connection, transaction
from django.db.models import Min
from django.db.models.expressions import RawSQL

from community.models import Membership

from .definitions import ALL_SCOPE, DayActivity, int_array, members
from .models import ActiveDay, MemberActivity, MemberLast
from .periods import Period

DAYS = 366
EMPTY = "0" * DAYS


def without_jit(view):
    """Run a view with PostgreSQL's JIT off (compiling the dashboard's grouped queries took
    longer than running them: 0.75 s of 1.2 s for one at 100,000 members) and memory enough
    to group 100,000 members' facts without spilling to disk."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        token = _REQUEST.set({})  # the live days are read once per request
        try:
            if connection.vendor != "postgresql":
                return view(*args, **kwargs)
            with transaction.atomic():
                jit_off()
                return view(*args, **kwargs)
        finally:
            _REQUEST.reset(token)

    return wrapped


# Within one dashboard request: the latest rolled-up day and the live days' activity, read once
# (the headline, the clinicians, reach and today's chart bar all need them).
_REQUEST: ContextVar[dict | None] = ContextVar("insights_request", default=None)


def activity_of(period: Period) -> DayActivity:
    """definitions.day_activity(period), once per dashboard request."""
    from .definitions import day_activity

    memo = _REQUEST.get()
    if memo is None:
        return day_activity(period)
    if ("activity", period) not in memo:
        memo[("activity", period)] = day_activity(period)
    return memo[("activity", period)]


def jit_off() -> None:
    """Until the end of the current transaction (PostgreSQL): JIT off, 64 MB to group in."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")


def analyze() -> None:
    """Fresh planner statistics for the facts and the latest days after a backfill
    (PostgreSQL); outside a transaction (the command) also VACUUM: each day's upsert leaves
    the rows it rewrote behind (a year at 100,000 members left 556 MB for 386,000 facts rows
    before it), and the tables are written again with their fillfactor's room for HOT
    updates."""
    if connection.vendor == "postgresql":
        # FULL: rewrite the table compact (a short exclusive lock; a backfill, not nightly)
        vacuum = "VACUUM (FULL, ANALYZE)" if not connection.in_atomic_block else "ANALYZE"
        with connection.cursor() as cursor:
            for model in (MemberActivity, MemberLast):  # each rewritten for a day's members
                cursor.execute(f"{vacuum} {model._meta.db_table}")


def day_index(day: date) -> int:
    """1-based position of the day in its year's bit string."""
    return day.timetuple().tm_yday


def _set(bits: str, day: date, value: str) -> str:
    i = day_index(day) - 1
    return bits[:i] + value + bits[i + 1:]


def _any_day(column: str, first: int, length: int) -> str:
    """SQL: the row has a 1 among `length` days from day `first` of its year."""
    if connection.vendor == "postgresql":
        return f"position(B'1' in substring({column} from {first:d} for {length:d})) > 0"
    return f"instr(substr({column}, {first:d}, {length:d}), '1') > 0"


# --- Writing (the rollup) -------------------------------------------------------------------


def store(day: date, facts: DayActivity, first_posts: dict, *, again: bool = True) -> int:
    """Make the stored facts of `day` those of `facts` (idempotent). `first_posts`:
    {(user id, scope): first public post time} for the members who posted that day.
    `again`: the day may have been stored before, so its bit is first cleared where it is
    set: in the rows of the members its stored list names (models.ActiveDay; without one, a
    pass over the year's rows); False (the day's first rollup: no row has its bit) writes
    only the rows of the members active that day. Stores the day's list of active members."""
    keys = {key for key, days in facts.active.items() if day in days}
    with transaction.atomic():
        # who had the day's bit: the day's stored list (a rerun), else every row of the year
        stale = _active_list(day) if again else []
        arrays = None
        if connection.vendor == "postgresql":
            arrays = _day_arrays(day, keys, facts, first_posts)
            cleared = _store_postgresql(day, keys, facts, first_posts, stale=stale,
                                        arrays=arrays)
        else:
            cleared = _store_portable(day, keys, facts, first_posts, stale=stale)
        users = sorted({user for user, scope in keys if scope == ALL_SCOPE})
        ActiveDay.objects.update_or_create(day=day, defaults={"users": json.dumps(users)})
        with connection.cursor() as cursor:
            _add_day_to_last(day, keys, facts, first_posts, cursor, arrays=arrays)
        # a rerun that took the day from a member: their latest days again, from the facts
        rebuild_last({user for user, scope in cleared - keys})
    return len(keys)


def _day_arrays(day: date, keys: set, facts: DayActivity, first_posts: dict) -> list[str]:
    """The day's members' (user, scope) pairs, whether they posted that day and their first
    post, in key order, as PostgreSQL arrays in text form (to be cast: int[], int[], bool[],
    timestamptz[]): one join each, where psycopg dumps a list or json a dict item by item."""
    ordered = sorted(keys)
    return [int_array(user for user, _scope in ordered),
            int_array(scope for _user, scope in ordered),
            "{" + ",".join("t" if day in facts.posted.get(key, ()) else "f"
                           for key in ordered) + "}",
            "{" + ",".join(f'"{first_posts[key].isoformat()}"'
                           if first_posts.get(key) is not None else "NULL"
                           for key in ordered) + "}"]


def _active_list(day: date) -> list[int] | None:
    """The members active on `day` as its latest rollup stored them, None if not stored."""
    users = ActiveDay.objects.filter(day=day).values_list("users", flat=True).first()
    return None if users is None else json.loads(users)


def _add_day_to_last(day: date, keys: set, facts: DayActivity, first_posts: dict,
                     cursor, *, arrays: list[str] | None = None) -> None:
    """MemberLast of the day's members: the day put among their three latest days active
    (and posted), their first post if earlier (one statement). `arrays`: _day_arrays'."""
    if not keys:
        return
    k, table = day_key(day), MemberLast._meta.db_table
    if connection.vendor == "postgresql":
        params = arrays or _day_arrays(day, keys, facts, first_posts)
        source = ("SELECT x.user_id, x.scope, x.posted, x.first_post FROM unnest(%s::int[], "
                  "%s::int[], %s::bool[], %s::timestamptz[]) AS x(user_id, scope, posted, "
                  "first_post)")
    else:
        as_text = _dt_text()
        params = [json.dumps([{"user_id": user, "scope": scope,
                               "posted": day in facts.posted.get((user, scope), ()),
                               "first_post": as_text(first_posts.get((user, scope)))}
                              for user, scope in sorted(keys)])]
        source = ("SELECT json_extract(value, '$.user_id') AS user_id, "
                  "json_extract(value, '$.scope') AS scope, "
                  "json_extract(value, '$.posted') AS posted, "
                  "json_extract(value, '$.first_post') AS first_post FROM json_each(%s)")

    def put(first: str, second: str, third: str) -> list[str]:
        """The three latest days with `k` put among them (unchanged if there already)."""
        first, second, third = (f"{table}.{c}" for c in (first, second, third))
        there = f"{k:d} IN ({first}, {second}, {third})"
        return [f"CASE WHEN {k:d} > {first} THEN {k:d} ELSE {first} END",
                f"CASE WHEN {there} THEN {second} WHEN {k:d} > {first} THEN {first} "
                f"WHEN {k:d} > {second} THEN {k:d} ELSE {second} END",
                f"CASE WHEN {there} THEN {third} WHEN {k:d} > {second} THEN {second} "
                f"WHEN {k:d} > {third} THEN {k:d} ELSE {third} END"]

    active = put("last_active", "active_2", "active_3")
    posted = [f"CASE WHEN excluded.last_posted = 0 THEN {table}.{column} ELSE {value} END"
              for column, value in zip(("last_posted", "posted_2", "posted_3"),
                                       put("last_posted", "posted_2", "posted_3"), strict=True)]
    sets = ", ".join(f"{column} = {value}" for column, value in zip(
        ("last_active", "active_2", "active_3", "last_posted", "posted_2", "posted_3"),
        [*active, *posted], strict=True))
    cursor.execute(
        f"INSERT INTO {table} (user_id, scope, last_active, active_2, active_3, last_posted, "
        f"posted_2, posted_3, first_post) SELECT s.user_id, s.scope, {k:d}, 0, 0, "
        f"CASE WHEN s.posted THEN {k:d} ELSE 0 END, 0, 0, s.first_post FROM ({source}) s "
        f"WHERE 1 = 1 ON CONFLICT (user_id, scope) DO UPDATE SET {sets}, first_post = CASE "
        f"WHEN excluded.first_post IS NULL THEN {table}.first_post "
        f"WHEN {table}.first_post IS NULL OR excluded.first_post < {table}.first_post "
        f"THEN excluded.first_post ELSE {table}.first_post END "
        # a row that has the day already, as posted or not, and an earlier first post (a
        # rerun) is left unwritten: every one of its indexed columns would be rewritten
        f"WHERE NOT ({k:d} IN ({table}.last_active, {table}.active_2, {table}.active_3) "
        f"AND (excluded.last_posted = 0 "
        f"OR {k:d} IN ({table}.last_posted, {table}.posted_2, {table}.posted_3)) "
        f"AND (excluded.first_post IS NULL OR {table}.first_post <= excluded.first_post))",
        params)


def rebuild_last(users, *, connection=connection) -> None:
    """MemberLast of these members (None: of every member) made again from their stored
    facts: after a rerun took a day from some of them, and once when the table was made."""
    table, last = MemberActivity._meta.db_table, MemberLast._meta.db_table
    text = "::text" if connection.vendor == "postgresql" else ""
    params: list = []
    where = ""
    if users is not None:
        ids = sorted(int(user) for user in users)
        if not ids:
            return
        where = (" WHERE user_id = ANY(%s)" if connection.vendor == "postgresql"
                 else " WHERE user_id IN (SELECT value FROM json_each(%s))")
        params = [ids if connection.vendor == "postgresql" else json.dumps(ids)]
    found: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT user_id, scope, year, active{text}, posted{text}, "
                       f"first_post_at FROM {table}{where}", params)
        while rows := cursor.fetchmany(5000):
            for user, scope, year, active, posted, first_post in rows:
                seen = found.setdefault((user, scope), [[], [], None])
                for days, bits in zip(seen[:2], (active, posted), strict=True):
                    end = len(bits)
                    for _ in range(3):
                        end = bits.rfind("1", 0, end)
                        if end < 0:
                            break
                        days.append(year * 1000 + end + 1)
                if first_post is not None and (seen[2] is None or first_post < seen[2]):
                    seen[2] = first_post
        cursor.execute(f"DELETE FROM {last}{where}", params)
        values = []
        for (user, scope), (active, posted, first_post) in found.items():
            active, posted = sorted(active, reverse=True), sorted(posted, reverse=True)
            values.append((user, scope, *(active + [0, 0, 0])[:3], *(posted + [0, 0, 0])[:3],
                           first_post))
        for i in range(0, len(values), 5000):
            cursor.executemany(
                f"INSERT INTO {last} (user_id, scope, last_active, active_2, active_3, "
                f"last_posted, posted_2, posted_3, first_post) VALUES "
                f"(%s, %s, %s, %s, %s, %s, %s, %s, %s)", values[i:i + 5000])


def day_key(day: date) -> int:
    """A day as MemberLast keeps it: year * 1000 + day of the year."""
    return day.year * 1000 + day_index(day)


def _store_postgresql(day: date, keys: set, facts: DayActivity, first_posts: dict, *,
                      stale: list[int] | None,
                      arrays: list[str] | None = None) -> set[tuple[int, int]]:
    """Two statements: clear the day's bit where an earlier run set it (in the rows of
    `stale`, the members it stored; None: every row of the year), then upsert."""
    table, i = MemberActivity._meta.db_table, day_index(day)
    users, scopes, posted, firsts = arrays or _day_arrays(day, keys, facts, first_posts)
    one = f"overlay(repeat('0', {DAYS})::bit({DAYS}) placing B'1' from {i:d} for 1)"
    bit = f"substring({{}} from {i:d} for 1)"
    with connection.cursor() as cursor:
        if stale is None or stale:
            # only the rows of members no longer active that day lose its bits: the day's
            # members' rows are set below (their posted bit to what it is now)
            among, among_params = (("", []) if stale is None else
                                   (" AND user_id = ANY(%s::bigint[])", [int_array(stale)]))
            cursor.execute(
                f"UPDATE {table} SET active = overlay(active placing B'0' from {i:d} for 1), "
                f"posted = overlay(posted placing B'0' from {i:d} for 1) "
                f"WHERE year = %s AND {bit.format('active')} = B'1'{among} "
                f"AND (user_id, scope) NOT IN (SELECT * FROM unnest(%s::int[], %s::int[])) "
                f"RETURNING user_id, scope", [day.year, *among_params, users, scopes])
            cleared = set(cursor.fetchall())
        else:
            cleared = set()
        # a row whose day's bits and first post are already so (a rerun) is left unwritten
        cursor.execute(
            f"INSERT INTO {table} AS f (user_id, scope, year, active, posted, first_post_at) "
            f"SELECT x.user_id, x.scope, %s, {one}, "
            f"CASE WHEN x.posted THEN {one} ELSE repeat('0', {DAYS})::bit({DAYS}) END, "
            f"x.first_post_at FROM unnest(%s::int[], %s::int[], %s::bool[], "
            f"%s::timestamptz[]) AS x(user_id, scope, posted, first_post_at) "
            f"ON CONFLICT (user_id, scope, year) DO UPDATE SET "
            f"active = f.active | EXCLUDED.active, "
            f"posted = overlay(f.posted placing {bit.format('EXCLUDED.posted')} "
            f"from {i:d} for 1), "
            f"first_post_at = COALESCE(EXCLUDED.first_post_at, f.first_post_at) "
            f"WHERE {bit.format('f.active')} = B'0' "
            f"OR {bit.format('f.posted')} <> {bit.format('EXCLUDED.posted')} "
            f"OR f.first_post_at IS DISTINCT FROM "
            f"COALESCE(EXCLUDED.first_post_at, f.first_post_at)",
            [day.year, users, scopes, posted, firsts])
    return cleared


def _store_portable(day: date, keys: set, facts: DayActivity, first_posts: dict, *,
                    stale: list[int] | None) -> set[tuple[int, int]]:
    year, i = day.year, day_index(day)
    rows = MemberActivity.objects.filter(year=year).extra(where=[_any_day("active", i, 1)])
    if stale is not None:
        rows = rows.filter(user_id__in=stale)
    stale = (list(rows.only("user_id", "scope", "active", "posted"))
             if stale is None or stale else [])
    for row in stale:
        row.active, row.posted = _set(row.active, day, "0"), _set(row.posted, day, "0")
    MemberActivity.objects.bulk_update(stale, ["active", "posted"], batch_size=1000)
    by_scope: dict = defaultdict(set)
    for user, scope in keys:
        by_scope[scope].add(user)
    existing = {}
    for scope, users in by_scope.items():
        for row in MemberActivity.objects.filter(year=year, scope=scope, user_id__in=users):
            existing[(row.user_id, scope)] = row
    changed, new = [], []
    for key in keys:
        row = existing.get(key) or MemberActivity(user_id=key[0], scope=key[1], year=year,
                                                  active=EMPTY, posted=EMPTY)
        row.active = _set(row.active, day, "1")
        if day in facts.posted.get(key, ()):
            row.posted = _set(row.posted, day, "1")
        if key in first_posts:
            row.first_post_at = first_posts[key]
        (changed if row.pk else new).append(row)
    MemberActivity.objects.bulk_update(changed, ["active", "posted", "first_post_at"],
                                       batch_size=1000)
    MemberActivity.objects.bulk_create(new, batch_size=1000)
    return {(row.user_id, row.scope) for row in stale}


def first_posts_of(facts: DayActivity, day: date | None = None) -> dict:
    """{(user, scope): first public post} for the members who posted (on `day`)."""
    from .definitions import any_of, public_posts

    authors = {user for (user, _scope), days in facts.posted.items()
               if day is None or day in days}
    result: dict = {}
    rows = (public_posts().filter(any_of("author_id", authors))  # one query always
            .values("author_id", "thread__community_id")
            .annotate(first=Min("created_at")).order_by())
    for row in rows:
        user, first = row["author_id"], row["first"]
        for scope in (row["thread__community_id"], ALL_SCOPE):
            if result.get((user, scope)) is None or first < result[(user, scope)]:
                result[(user, scope)] = first
    return result


def _dt_text():
    """`_dt(value, text=True)` as a function of the value alone, the database's vendor read
    once (reading it goes through a thread-local: 16,000 rows a day at 100,000 members)."""
    if connection.vendor == "postgresql":
        return lambda value: None if value is None else value.isoformat()
    adapt = connection.ops.adapt_datetimefield_value
    return lambda value: None if value is None else adapt(value)


def _dt(value, *, text: bool = False):
    """A time as the database compares it (SQLite keeps text), or as JSON text."""
    if value is None:
        return None
    if connection.vendor != "postgresql":
        return connection.ops.adapt_datetimefield_value(value)
    return value.isoformat() if text else value


# --- Reading (the dashboard) ----------------------------------------------------------------


def _window_sql(column: str, period: Period, params: list) -> str:
    """SQL: the row's year has a 1 in `column` on a day of `period`."""
    parts = []
    for year in range(period.first_day.year, period.last_day.year + 1):
        first = max(period.first_day, date(year, 1, 1))
        last = min(period.last_day, date(year, 12, 31))
        parts.append(f"(f.year = {year:d} AND "
                     f"{_any_day(column, day_index(first), (last - first).days + 1)})")
    return "(" + " OR ".join(parts) + ")"


def _live_rows(facts: DayActivity, scopes, first_posts: dict) -> list[dict]:
    rows: dict = {}
    for (user, scope), days in facts.active.items():
        if scopes is not None and scope not in scopes:
            continue
        for day in days:
            row = rows.setdefault((user, scope, day.year), {
                "user_id": user, "year": day.year, "active": EMPTY, "posted": EMPTY,
                "first_post_at": first_posts.get((user, scope))})
            row["active"] = _set(row["active"], day, "1")
            if day in facts.posted.get((user, scope), ()):
                row["posted"] = _set(row["posted"], day, "1")
    for row in rows.values():
        row["first_post_at"] = _dt(row["first_post_at"], text=True)
    return list(rows.values())


def _live_sql(rows: list[dict], params: list) -> str:
    params.append(json.dumps(rows))
    if connection.vendor == "postgresql":
        return ("SELECT t.user_id, t.year, t.active::bit(366) AS active, "
                "t.posted::bit(366) AS posted, t.first_post_at "
                "FROM jsonb_to_recordset(%s::jsonb) AS t(user_id int, year int, active text, "
                "posted text, first_post_at timestamptz)")
    return ("SELECT json_extract(value, '$.user_id') AS user_id, "
            "json_extract(value, '$.year') AS year, json_extract(value, '$.active') AS active, "
            "json_extract(value, '$.posted') AS posted, "
            "json_extract(value, '$.first_post_at') AS first_post_at FROM json_each(%s)")


def live_days(last_day: date) -> Period | None:
    """The days up to `last_day` not rolled up yet: after the latest rolled-up day."""
    from .models import DailyMetric
    from .periods import today

    memo = _REQUEST.get()
    if memo is not None and "latest" in memo:
        latest = memo["latest"]
    else:
        latest = (DailyMetric.objects.filter(community__isnull=True, name="active")
                  .order_by("-date").values_list("date", flat=True).first())
        if memo is not None:
            memo["latest"] = latest
    first = (latest + timedelta(days=1)) if latest else None
    last = min(last_day, today())
    if first is None:
        first = last - timedelta(days=2 * 366)
    return Period(first, last) if first <= last else None


def live_activity(first_day: date, last_day: date) -> DayActivity | None:
    """The facts of the days from `first_day` to `last_day` not rolled up yet (today), read
    from those days' rows only; None when every one of them is stored."""
    days = live_days(last_day)
    if days is None or days.last_day < first_day:
        return None
    return activity_of(Period(max(days.first_day, first_day), days.last_day))


def member_counts(community_ids, active_windows: dict, posting_windows: dict,
                  live: tuple[DayActivity, dict] | None = None, *,
                  group: str = "signup_source") -> dict:
    """{signup_source: {"active:<name>": n, "new:<name>": n, "returning:<name>": n}} for the
    members of the scope (one query). `active_windows`: {name: Period}, active at all in it;
    `posting_windows`: {name: Period}, wrote their first post in it (new) or posted in it
    after an earlier first post (returning). `live`: facts of days not rolled up, added."""
    periods = [*active_windows.values(), *posting_windows.values()]
    years = sorted({y for p in periods for y in range(p.first_day.year, p.last_day.year + 1)})
    scopes = [ALL_SCOPE] if community_ids is None else sorted(community_ids)
    # Only our own names and placeholders are put into the SQL; every value is a parameter.
    params: list = []
    stored = (f"SELECT user_id, year, active, posted, first_post_at "
              f"FROM {MemberActivity._meta.db_table} "
              f"WHERE scope IN ({', '.join(['%s'] * len(scopes))}) "
              f"AND year IN ({', '.join(['%s'] * len(years))})")
    params += [*scopes, *years]
    union = stored
    rows = _live_rows(live[0], set(scopes), live[1]) if live is not None else []
    # One row per member when the facts are one scope's of one year (PostgreSQL): the live
    # days' bits are OR-ed in by a join, and nothing is grouped per member.
    merged = connection.vendor == "postgresql" and len(scopes) == len(years) == 1
    if rows and merged:
        zero = f"repeat('0', {DAYS})::bit({DAYS})"
        live_sql = _live_sql(rows, params)
        union = (f"SELECT COALESCE(s.user_id, l.user_id) AS user_id, {years[0]:d} AS year, "
                 f"COALESCE(s.active, {zero}) | COALESCE(l.active, {zero}) AS active, "
                 f"COALESCE(s.posted, {zero}) | COALESCE(l.posted, {zero}) AS posted, "
                 f"LEAST(s.first_post_at, l.first_post_at) AS first_post_at "
                 f"FROM ({stored}) s FULL JOIN ({live_sql}) l ON l.user_id = s.user_id")
    elif rows:
        union += " UNION ALL " + _live_sql(rows, params)
    assert group in ("signup_source", "language")
    one, grouping = ("", "") if merged else ("MAX", f"GROUP BY f.user_id, acc.{group}")
    flags, sums = [], []
    for name, period in active_windows.items():
        flags.append(f"{one}(CASE WHEN {_window_sql('f.active', period, params)} "
                     f"THEN 1 ELSE 0 END) AS a_{name}")
        sums.append(f"SUM(u.a_{name})")
    for name, period in posting_windows.items():
        flags.append(f"{one}(CASE WHEN {_window_sql('f.posted', period, params)} "
                     f"THEN 1 ELSE 0 END) AS p_{name}")
        sums.append("SUM(CASE WHEN u.first_post >= %s AND u.first_post < %s "
                    "THEN 1 ELSE 0 END)")
        sums.append(f"SUM(CASE WHEN u.first_post < %s AND u.p_{name} = 1 THEN 1 ELSE 0 END)")
    sum_params = []
    for period in posting_windows.values():
        sum_params += [_dt(period.start), _dt(period.end), _dt(period.start)]
    member_sql, member_params = (members().values("id", group)
                                 .query.sql_with_params())
    where, where_params = "", []
    if community_ids is not None:
        where = (f"WHERE EXISTS (SELECT 1 FROM community_membership m WHERE m.user_id = f.user_id "
                 f"AND m.status = 'active' AND m.community_id IN "
                 f"({', '.join(['%s'] * len(scopes))}))")
        where_params = scopes
    # members joined before grouping: the planner sees every row and hashes both sides
    sql = (f"SELECT u.{group}, {', '.join(sums)} FROM ("
           f"SELECT f.user_id, acc.{group}, {', '.join(flags)}, "
           f"{one and 'MIN'}(f.first_post_at) AS first_post "
           f"FROM ({union}) AS f JOIN ({member_sql}) acc ON acc.id = f.user_id {where} "
           f"{grouping}) AS u "
           f"GROUP BY u.{group}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sum_params, *params, *member_params, *where_params])  # in order
        result = {}
        for row in cursor.fetchall():
            values = iter(row[1:])
            out = {}
            for name in active_windows:
                out[f"active:{name}"] = next(values) or 0
            for name in posting_windows:
                out[f"new:{name}"] = next(values) or 0
                out[f"returning:{name}"] = next(values) or 0
            result[row[0]] = out
    return result


def scopes(community_ids) -> list[int]:
    return [ALL_SCOPE] if community_ids is None else sorted(community_ids)


def active_sql(scopes, period: Period, live: DayActivity | None = None, *,
               column: str = "active", among=None) -> tuple[str, list]:
    """SQL selecting (user_id, scope) for each member active (or who posted: column
    "posted") in `period` in each of `scopes` (0: over all communities), from the stored
    facts and the live days' facts."""
    assert column in ("active", "posted")
    scopes = sorted(scopes)
    years = list(range(period.first_day.year, period.last_day.year + 1))
    params: list = [*scopes, *years]
    # no scope (no community yet): nothing, rather than an "IN ()" the databases refuse
    in_scopes = f"f.scope IN ({', '.join(['%s'] * len(scopes))})" if scopes else "1 = 0"
    sql = (f"SELECT f.user_id, f.scope FROM {MemberActivity._meta.db_table} f "
           f"WHERE {in_scopes} "
           f"AND f.year IN ({', '.join(['%s'] * len(years))}) "
           f"AND {_window_sql('f.' + column, period, params)}")
    if among is not None:  # a queryset of a few user ids: read only their rows
        among_sql, among_params = among.query.sql_with_params()
        sql += f" AND f.user_id IN ({among_sql})"
        params += among_params
    if live is not None:
        pairs = [{"user_id": user, "scope": scope}
                 for (user, scope), days in getattr(live, column).items()
                 if scope in scopes and any(period.first_day <= d <= period.last_day
                                            for d in days)]
        if pairs:
            params.append(json.dumps(pairs))
            if connection.vendor == "postgresql":
                sql += (" UNION SELECT t.user_id, t.scope FROM jsonb_to_recordset(%s::jsonb) "
                        "AS t(user_id int, scope int)")
            else:
                sql += (" UNION SELECT json_extract(value, '$.user_id'), "
                        "json_extract(value, '$.scope') FROM json_each(%s)")
    return sql, params


def posted_user_ids(scopes, period: Period, live: DayActivity | None = None, *,
                    among=None) -> RawSQL:
    """The ids of the accounts (of `among`, a queryset of user ids) that wrote a public post
    in `period` in one of `scopes`."""
    sql, params = active_sql(scopes, period, live, column="posted", among=among)
    return RawSQL(f"SELECT a.user_id FROM ({sql}) a", params)


def active_user_ids(period: Period, live: DayActivity | None = None, *,
                    among=None) -> RawSQL:
    """The ids of the accounts (of `among`, a queryset of user ids, if given) active in
    `period` over all communities (visits included)."""
    sql, params = active_sql([ALL_SCOPE], period, live, among=among)
    return RawSQL(f"SELECT a.user_id FROM ({sql}) a", params)


def active_membership_ids(scopes, period: Period, live: DayActivity | None = None) -> RawSQL:
    """The ids of the memberships whose member was active in that community in `period`."""
    sql, params = active_sql(scopes, period, live)
    return RawSQL(f"SELECT m.id FROM {Membership._meta.db_table} m JOIN ({sql}) a "
                  "ON a.user_id = m.user_id AND a.scope = m.community_id", params)
