"""Build a large Hearth data set by bulk SQL on PostgreSQL (issue 24).

`build(members)` fills an empty database (migrated) with, per 100,000 members: 20 communities
(2 private), 50,000 threads, 1,000,000 posts, 2,000,000 reactions, 500,000 notifications, a
hot thread of 6,000 posts followed by 5,325 members, 10,000 open review items, a year of
activity. Everything the app keeps is kept here too: counters (members and threads per
community; replies, reactions, clinician answers, positions and first reply per thread;
reactions per post), search vectors (the same expression as community.search), name keys,
verified email addresses, fan-out records of recent posts, every unique constraint.

Rows are made by INSERT ... SELECT over generate_series, one statement per table; columns the
statement does not name get the model field's default. Deterministic (no random numbers).
Run: `python bench/scale/run.py --members 10000 --generate-only`.
"""

from __future__ import annotations

import io
import time
from datetime import timedelta

from django.db import connection, models
from django.utils import timezone

COMMUNITIES = 20
PRIVATE = {9, 19}  # community index % 20
THREADS_PER_MEMBER = 0.5
POSTS_PER_THREAD = 20  # on average, so 10 posts per member
HOT_POSTS, HOT_FOLLOWERS, OPEN_ITEMS = 0.06, 0.05325, 0.1  # per member
NOTIFICATIONS_PER_MEMBER = 5
DAYS = 365
PASSWORD = "!unusable"  # Django's unusable-password marker: nobody signs in as these members

SENTENCES = [
    "My insulin pump alarm keeps going off at night and I cannot sleep",
    "Has anyone tried walking after dinner to lower their blood sugar",
    "The new medication made me tired for the first two weeks",
    "I found that keeping a food diary helped me talk with my doctor",
    "Pain in my feet is worse in the morning, does anyone else notice that",
    "Thank you all for the support, it means a lot to me today",
    "Ask your care team about the education classes, they were helpful",
    "I am a caregiver for my mother and the appointments are hard to manage",
    "Fatigue and brain fog are the hardest part of this for me",
    "We switched to a different glucose monitor and the readings are steadier",
    "Does the hospital pharmacy deliver refills or do I need to pick them up",
    "Breathing exercises helped with my anxiety before the scan",
]
RARE_WORD = "zygomaticus"  # in one post of every ~10,000: the rare-word search


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def lit(value) -> str:
    """A constant of ours as an SQL literal (never input: text, numbers and times we made)."""
    if hasattr(value, "isoformat"):
        return f"'{value.isoformat()}'::timestamptz"
    return "'" + str(value).replace("'", "''") + "'"


def _insert(cursor, model, exprs: dict[str, str], source: str, params: list | None = None,
            ) -> int:
    """INSERT INTO model's table SELECT exprs FROM source; other columns get field defaults.
    The expressions take no parameters (a % in them is the operator); the source may."""
    columns, values, defaults = [], [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in exprs:
            columns.append(column)
            values.append(exprs[column].replace("%", "%%"))
        elif field.primary_key or field.null:
            continue
        else:
            default = field.get_default()
            if isinstance(field, models.JSONField):
                import json

                default = json.dumps(default)
            columns.append(column)
            values.append("%s")
            defaults.append(default)
    params = defaults + list(params or [])
    sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
           f"SELECT {', '.join(values)} FROM {source}")
    cursor.execute(sql, params)
    return cursor.rowcount


def build(members: int, *, log=print) -> dict[str, int]:
    from allauth.account.models import EmailAddress

    from accounts.models import ClinicianProfile, User
    from accounts.pseudonyms import name_key
    from community.models import Community, Membership, Post, Reaction, Thread, ThreadFollow
    from community.search import CONFIG
    from moderation.models import ModerationItem
    from notifications.models import Notification, NotificationSettings, PostFanout

    assert connection.vendor == "postgresql", "the scale generator needs PostgreSQL"
    n = members
    threads = max(COMMUNITIES, int(n * THREADS_PER_MEMBER))
    hot_posts = max(50, int(n * HOT_POSTS))
    hot_followers = max(10, int(n * HOT_FOLLOWERS))
    per_c = n // COMMUNITIES  # members whose home community is c: index % 20 == c
    assert per_c >= 10, "at least 200 members"
    now = timezone.now().replace(microsecond=0)
    start = now - timedelta(days=DAYS)
    counts: dict[str, int] = {}
    t0 = time.monotonic()

    def step(name: str, rows: int) -> None:
        counts[name] = rows
        log(f"  {name:<16} {rows:>10,} rows  {time.monotonic() - t0:7.1f} s")

    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM accounts_user")
        u0 = cur.fetchone()[0]
        # Members: COPY, because their name keys come from Python (accounts.pseudonyms).
        buf = io.StringIO()
        for i in range(n):
            name = f"member{i:06d}"
            joined = start + timedelta(seconds=int(i * DAYS * 86400 / n))
            staff = "t" if i == 0 else "f"
            buf.write(f"{u0 + 1 + i}\t{name}\t{staff}\t{joined.isoformat()}\t"
                      f"{'es' if i % 10 == 3 else 'en'}\t{name_key(name)}\n")
        cur.execute("CREATE TEMP TABLE scale_user (id bigint, username text, staff boolean, "
                    "joined timestamptz, language text, ukey text) ON COMMIT DROP")
        with cur.cursor.copy("COPY scale_user FROM STDIN") as copy:
            copy.write(buf.getvalue())
        _insert(cur, User, {
            "id": "id", "password": lit(PASSWORD), "is_superuser": "staff", "username": "username",
            "email": "username || '@example.org'", "is_staff": "staff", "is_active": "true",
            "date_joined": "joined", "language": "language", "username_key": "ukey",
            "display_key": lit(name_key("")),
            "last_seen_at": f"{lit(now)} - (id % 60) * interval '1 day'"}, "scale_user")
        step("members", n)
        cur.execute("SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), %s)",
                    [u0 + n])
        _insert(cur, EmailAddress, {"user_id": f"{u0} + 1 + g", "email":
                "'member' || lpad(g::text, 6, '0') || '@example.org'", "verified": "true",
                "primary": "true"}, "generate_series(0, %s) g", [n - 1])
        # One member in 97 is a verified clinician.
        _insert(cur, ClinicianProfile, {
            "user_id": f"{u0} + 1 + g", "credentials": "'RN'", "specialty": "'Endocrinology'",
            "organisation": "'Hearth Health'", "npi": "lpad(g::text, 10, '0')",
            "status": lit(ClinicianProfile.Status.VERIFIED), "decided_at": lit(start),
            "created_at": lit(start)}, "generate_series(0, %s) g WHERE g %% 97 = 5", [n - 1])
        _insert(cur, NotificationSettings, {"user_id": f"{u0} + 1 + g",
                "digest_frequency": "CASE WHEN g % 3 = 0 THEN 'daily' ELSE 'weekly' END"},
                "generate_series(0, %s) g", [n - 1])

        cur.execute("SELECT coalesce(max(id), 0) FROM community_community")
        c0 = cur.fetchone()[0]
        _insert(cur, Community, {
            "id": f"{c0} + 1 + g", "name": "'Scale community ' || g",
            "slug": "'scale-' || g", "description": "'A community of the scale data set'",
            "visibility": "CASE WHEN g IN (9, 19) THEN 'private' ELSE 'public' END",
            "created_at": lit(start)}, "generate_series(0, %s) g", [COMMUNITIES - 1])
        cur.execute("SELECT setval(pg_get_serial_sequence('community_community', 'id'), %s)",
                    [c0 + COMMUNITIES])
        # Home community i % 20; a second one (i / 20) % 20 when different; the first member
        # of each community moderates it.
        cur.execute("CREATE TEMP TABLE scale_member ON COMMIT DROP AS "
                    "SELECT g AS i, g %% 20 AS c FROM generate_series(0, %s) g UNION "
                    "SELECT g, (g / 20) %% 20 FROM generate_series(0, %s) g", [n - 1, n - 1])
        step("memberships", _insert(cur, Membership, {
            "user_id": f"{u0} + 1 + i", "community_id": f"{c0} + 1 + c",
            "role": "CASE WHEN i < 20 AND i % 20 = c THEN 'moderator' ELSE 'member' END",
            "status": "'active'", "level": "CASE WHEN i % 50 = 7 THEN 'muted' ELSE 'normal' END",
            "joined_at": lit(start)}, "scale_member"))

        # Threads: thread t lives in community t % 20; thread 0 is the hot one. k posts each
        # (1..39, 20 on average), created over the year, replies an hour or less apart.
        cur.execute("SELECT coalesce(max(id), 0) FROM community_thread")
        t0_id = cur.fetchone()[0]
        cur.execute(
            "CREATE TEMP TABLE scale_thread ON COMMIT DROP AS SELECT g AS t, g %% 20 AS c, "
            "CASE WHEN g = 0 THEN %s ELSE 1 + (g * 37) %% 39 END AS k, "
            "%s::timestamptz + ((g * 7919) %% %s) * (%s::interval / %s) AS created, "
            "((g * 31) %% %s) * 20 + g %% 20 AS author "
            "FROM generate_series(0, %s) g",
            [hot_posts, start, threads, timedelta(days=DAYS - 2), threads, per_c, threads - 1])
        cur.execute("UPDATE scale_thread SET created = %s WHERE t = 0",
                    [now - timedelta(days=30)])
        cur.execute("ALTER TABLE scale_thread ADD PRIMARY KEY (t); ANALYZE scale_thread")
        # the step between posts: an hour, or less so that the last post is before now
        cur.execute("ALTER TABLE scale_thread ADD COLUMN step interval")
        cur.execute("UPDATE scale_thread "
                    "SET step = least(interval '1 hour', (%s - created) / (k + 1))", [now])
        cur.execute(
            "CREATE TEMP TABLE scale_post ON COMMIT DROP AS SELECT "
            "row_number() OVER (ORDER BY s.t, p) AS id, s.t, s.c, p AS pos, "
            "s.created + (p - 1) * s.step AS at, "
            "CASE WHEN p = 1 THEN s.author ELSE ((s.t * 31 + p * 17) %% %s) * 20 + s.c END "
            "AS author FROM scale_thread s, generate_series(1, s.k) p", [per_c])
        cur.execute("ALTER TABLE scale_post ADD PRIMARY KEY (id); "
                    "CREATE INDEX ON scale_post (t, pos); ANALYZE scale_post")
        cur.execute("SELECT coalesce(max(id), 0) FROM community_post")
        p0 = cur.fetchone()[0]
        rare = max(1, min(10_000, n * 10 // 20))
        words = "ARRAY[" + ", ".join(lit(s) for s in SENTENCES) + "]"
        sentences = SENTENCES
        body = (f"({words})[1 + (sp.id * 7) % {len(sentences)}]"
                f" || '. ' || ({words})"
                f"[1 + (sp.id * 11 / 3) % {len(sentences)}] || "
                f"CASE WHEN sp.id % {rare} = 17 THEN ' {RARE_WORD}.' ELSE '.' END")
        # Clinicians (index % 97 == 5) answer questions (threads t % 3 == 0).
        clin = "(sp.pos > 1 AND sp.t % 3 = 0 AND sp.author % 97 = 5)"
        _insert(cur, Thread, {
            "id": f"{t0_id} + 1 + t", "community_id": f"{c0} + 1 + c",
            "author_id": f"{u0} + 1 + author",
            "title": "CASE WHEN t = 0 THEN 'The big thread: living with diabetes' ELSE "
                     "'Question ' || t || ' about sleep, insulin and pain' END",
            "slug": "CASE WHEN t = 0 THEN 'the-big-thread' ELSE "
                    "'question-' || t || '-about-sleep-insulin-and-pain' END",
            "kind": "CASE WHEN t % 3 = 0 THEN 'question' ELSE 'discussion' END",
            "status": "'published'", "created_at": "created", "last_activity_at": "created",
            "last_position": "k", "reply_count": "k - 1"}, "scale_thread")
        cur.execute("SELECT setval(pg_get_serial_sequence('community_thread', 'id'), %s)",
                    [t0_id + threads])
        step("threads", threads)
        _insert(cur, Post, {
            "id": f"{p0} + sp.id", "thread_id": f"{t0_id} + 1 + sp.t",
            "author_id": f"{u0} + 1 + sp.author", "position": "sp.pos", "body": body,
            "body_html": f"'<p>' || {body} || '</p>'", "status": "'published'",
            "screening": "'clean'", "is_clinician_answer": clin,
            "helpful_count": "(sp.id % 5 + 2) / 3", "support_count": "(sp.id % 5 + 1) / 3",
            "thanks_count": "(sp.id % 5) / 3", "created_at": "sp.at", "published_at": "sp.at",
            "search_vector":
                f"setweight(to_tsvector({lit(CONFIG)}::regconfig, CASE WHEN sp.pos = 1 "
                f"THEN t.title ELSE '' END), 'A') || "
                f"setweight(to_tsvector({lit(CONFIG)}::regconfig, {body}), 'B')",
        }, f"scale_post sp JOIN community_thread t ON t.id = {t0_id} + 1 + sp.t")
        cur.execute("SELECT count(*) FROM scale_post")
        step("posts", cur.fetchone()[0])
        cur.execute("SELECT setval(pg_get_serial_sequence('community_post', 'id'), "
                    "(SELECT max(id) FROM community_post))")

        # Reactions: post id % 5 of them (2 on average), by members of its community;
        # kinds j % 3 (helpful, support, thanks): the post counters above say the same.
        step("reactions", _insert(cur, Reaction, {
            "post_id": f"{p0} + sp.id",
            "user_id": f"{u0} + 1 + ((sp.id * 101 + j * 53) % {per_c}) * 20 + sp.c",
            "kind": "(ARRAY['helpful', 'support', 'thanks'])[1 + j % 3]",
            "created_at": "sp.at + interval '1 hour'"},
            "scale_post sp, generate_series(0, 4) j WHERE j < sp.id %% 5"))
        cur.execute(
            "CREATE TEMP TABLE scale_tcount ON COMMIT DROP AS SELECT t, "
            "sum((id % 5)) AS reactions, count(*) FILTER (WHERE pos > 1 AND t % 3 = 0 AND "
            "author % 97 = 5) AS clin, min(at) FILTER (WHERE pos = 2) AS first_reply, "
            "min(at) FILTER (WHERE pos > 1 AND t % 3 = 0 AND author % 97 = 5) AS first_clin, "
            "max(at) AS last_at FROM scale_post GROUP BY t")
        cur.execute(
            f"UPDATE community_thread th SET reaction_count = x.reactions, "  # noqa: S608
            f"clinician_answer_count = x.clin, first_reply_at = x.first_reply, "
            f"first_clinician_answer_at = x.first_clin, last_activity_at = x.last_at "
            f"FROM scale_tcount x WHERE th.id = {t0_id} + 1 + x.t")
        cur.execute(
            f"UPDATE community_community c SET member_count = x.m, thread_count = x.th, "  # noqa: S608
            f"last_activity_at = x.last_at FROM (SELECT c.id, "
            f"(SELECT count(*) FROM community_membership m WHERE m.community_id = c.id AND "
            f"m.status = 'active') AS m, (SELECT count(*) FROM community_thread t WHERE "
            f"t.community_id = c.id AND t.status = 'published') AS th, (SELECT "
            f"max(last_activity_at) FROM community_thread t WHERE t.community_id = c.id) AS "
            f"last_at FROM community_community c WHERE c.id > {c0}) x WHERE c.id = x.id")

        # Follows: each thread's author; the hot thread's followers (members of its community).
        follows = _insert(cur, ThreadFollow, {
            "thread_id": f"{t0_id} + 1 + t", "user_id": f"{u0} + 1 + author",
            "created_at": "created"}, "scale_thread")
        follows += _insert(cur, ThreadFollow, {
            "thread_id": f"{t0_id} + 1", "user_id": f"{u0} + 1 + i",
            "created_at": lit(now - timedelta(days=29))},
            "(SELECT DISTINCT i FROM scale_member WHERE c = 0 AND i <> "
            "(SELECT author FROM scale_thread WHERE t = 0) ORDER BY i LIMIT %s) f",
            [hot_followers])
        step("follows", follows)
        # Notifications: replies in followed threads, to their authors (most of them read).
        step("notifications", _insert(cur, Notification, {
            "recipient_id": f"{u0} + 1 + th.author", "kind": "'followed_reply'",
            "actor_id": f"{u0} + 1 + sp.author", "thread_id": f"{t0_id} + 1 + sp.t",
            "post_id": f"{p0} + sp.id", "key": f"'post:' || ({p0} + sp.id)",
            "read_at": "CASE WHEN sp.id % 5 = 0 THEN NULL ELSE sp.at + interval '1 day' END",
            "created_at": "sp.at", "updated_at": "sp.at"},
            "scale_post sp JOIN scale_thread th ON th.t = sp.t WHERE sp.pos > 1 AND "
            "sp.author <> th.author ORDER BY sp.id DESC LIMIT %s", [n * NOTIFICATIONS_PER_MEMBER]))
        # The fan-out of recent posts happened (the sweep only looks at two days).
        _insert(cur, PostFanout, {"post_id": f"{p0} + sp.id", "done_at": "sp.at"},
                "scale_post sp WHERE sp.at > %s", [now - timedelta(days=3)])
        # Open review items: held and flagged posts' reports, one in 100 a crisis.
        step("review items", _insert(cur, ModerationItem, {
            "kind": "CASE WHEN sp.id % 10000 = 3 THEN 'crisis' WHEN sp.id % 200 = 3 THEN 'flag' "
                    "ELSE 'held' END",
            "status": "'open'", "priority": "CASE WHEN sp.id % 10000 = 3 THEN 10 ELSE 50 END",
            "post_id": f"{p0} + sp.id", "community_id": f"{c0} + 1 + sp.c",
            "reason": "CASE WHEN sp.id % 10000 = 3 THEN 'crisis_risk' ELSE 'other' END",
            "created_at": "sp.at"},
            "scale_post sp WHERE sp.id %% 100 = 3 ORDER BY sp.id DESC LIMIT %s",
            [int(n * OPEN_ITEMS)]))
        cur.execute("ANALYZE")
    log(f"  built in {time.monotonic() - t0:.1f} s")
    return counts
