"""Time every page and job of issue 24 on a built scale data set, in-process.

Each row: median and p95 over `repeat` runs (after one warm-up), the queries of one run and
its slowest query (time and the start of its SQL). Jobs that write run inside a transaction
that is rolled back, so that every run sees the same data.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from datetime import date, timedelta

from django.core.mail import get_connection
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

SLOW = 10.0  # seconds
STATEMENT_TIMEOUT = int(os.environ.get("BENCH_SCALE_STATEMENT_TIMEOUT", "60"))  # seconds


class Rollback(Exception):
    pass


def _run(fn, prepare=None, before=None):
    """fn timed, with its queries; `prepare`: run first, untimed, and everything rolled back
    after fn (the state a job finds, made for it each time); `before`: run first, untimed,
    outside any transaction."""
    if before is not None:
        before()
    with connection.cursor() as cursor:  # a statement past this fails its row (minutes)
        cursor.execute("SELECT set_config('statement_timeout', %s, false)",
                       [f"{STATEMENT_TIMEOUT}s"])
    if prepare is not None:
        result = []
        in_rollback(lambda: (prepare(), result.append(_run(fn))))()
        return result[0]
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
    return elapsed, ctx.captured_queries


# BENCH_SCALE_ONLY="fan-out,digest": only the rows whose name contains one of these words.
ONLY = [w.strip() for w in os.environ.get("BENCH_SCALE_ONLY", "").split(",") if w.strip()]


def timed(name: str, fn, repeat: int, rows: list, *, prepare=None, before=None) -> None:
    if ONLY and not any(word in name for word in ONLY):
        return
    try:
        # warm-up (caches, prepared plans, the session's first request); a row slower than
        # SLOW is reported from this one run (the issue's /insights/ took minutes)
        first, first_queries = _run(fn, prepare, before)
        times, queries = [], []
        if first > SLOW:
            times, queries, repeat = [first * 1000], first_queries, 0
        for _ in range(repeat):
            elapsed, queries = _run(fn, prepare, before)
            times.append(elapsed * 1000)
    except Exception as error:  # noqa: BLE001 - a failing row is reported, the rest go on
        rows.append((name, f"failed: {type(error).__name__}: {str(error)[:120]}"))
        print(f"{name:<52} failed: {type(error).__name__}: {str(error)[:200]}", flush=True)
        return
    times.sort()
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    slowest = max(queries, key=lambda q: float(q.get("time") or 0), default=None)
    slow = (f"{float(slowest['time']) * 1000:7.1f} ms  {' '.join(slowest['sql'].split())[:90]}"
            if slowest else "")
    rows.append((name, median, p95, len(queries), slow))
    print(f"{name:<52} {median:9.1f} {p95:9.1f} {len(queries):6d}   {slow}", flush=True)


def get(client: Client, url: str, status: int = 200):
    def fn():
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
    return fn


def print_day(day: date) -> None:
    """What a day's rollup reads: its work follows the day's activity (members active, posts),
    which grows with the members."""
    from community.models import Post
    from insights import definitions
    from insights.periods import Period

    activity = definitions.day_activity(Period(day, day))
    pairs = [key for key, days in activity.active.items() if day in days]
    posts = Post.objects.filter(created_at__date=day).count()
    print(f"{'':<4}the day rolled up: {len({u for u, _s in pairs}):,} members active "
          f"({len(pairs):,} member and community pairs), {posts:,} posts", flush=True)


def vacuum_facts() -> None:
    """The rollup's tables as autovacuum leaves them between two nights (this machine's
    PostgreSQL runs without autovacuum): each rolled-back repetition of a rollup leaves the
    rows it wrote dead, and the next one's scans would read them all."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) insights_memberactivity, insights_memberlast, "
                       "insights_windowcount, insights_dailymetric, insights_activeday")


def in_rollback(fn):
    def wrapped():
        try:
            with transaction.atomic():
                fn()
                raise Rollback
        except Rollback:
            pass
    return wrapped


def measure_all(members: int, *, repeat: int = 15) -> list:
    from accounts.models import User
    from community.models import Community, Post, Thread, ThreadFollow
    from notifications import digests, outbox, services
    from notifications.models import Outbox

    rows: list = []
    staff = User.objects.get(username="member000000")
    member = User.objects.get(username="member000020")  # home scale-0, follows the big thread
    visitor = Client(HTTP_HOST="localhost")
    client = Client(HTTP_HOST="localhost")
    client.force_login(member)
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(staff)
    hot = Thread.objects.get(slug="the-big-thread")
    c0 = Community.objects.get(slug="scale-0")
    pages = -(-c0.thread_count // 25)
    page100 = min(100, pages)
    print(f"\n== {members:,} members: {Post.objects.count():,} posts, hot thread "
          f"{hot.last_position:,} posts and {ThreadFollow.objects.filter(thread=hot).count():,} "
          f"followers, community page {page100} of {pages}", flush=True)
    print(f"{'page or job':<52} {'median':>9} {'p95':>9} {'queries':>6}   slowest query (ms)")
    timed("directory /, member", get(client, "/"), repeat, rows)
    timed("community page 1, member", get(client, f"/c/{c0.slug}/"), repeat, rows)
    timed(f"community page {page100}, member", get(client, f"/c/{c0.slug}/?page={page100}"),
          repeat, rows)
    timed(f"community page {page100}, visitor", get(visitor, f"/c/{c0.slug}/?page={page100}"),
          repeat, rows)
    timed(f"community page {page100 // 2} of top, member",
          get(client, f"/c/{c0.slug}/?tab=top&page={page100 // 2}"), repeat, rows)
    timed("hot thread first page, member", get(client, f"/t/{hot.pk}/"), repeat, rows)
    timed("hot thread last page, member", get(client, f"/t/{hot.pk}/?page=last"), repeat, rows)
    timed("hot thread last page, visitor without cache",
          get(visitor, f"/t/{hot.pk}/?page=last&nocache=1"), repeat, rows)
    timed("hot thread last page, visitor (page cache)", get(visitor, f"/t/{hot.pk}/?page=last"),
          repeat, rows)
    for word in ("insulin", "zygomaticus"):
        timed(f"search '{word}', visitor", get(visitor, f"/search/?q={word}"), repeat, rows)
        timed(f"search '{word}', member", get(client, f"/search/?q={word}"), repeat, rows)
    timed("notifications, member", get(client, "/notifications/"), repeat, rows)
    # member-facing pages beside the forum's, as the member (the generator makes no messages,
    # articles or events: those rows show the pages' fixed cost at this many members)
    busy = User.objects.get(username="member000031")  # has notifications and posts
    reader = Client(HTTP_HOST="localhost")
    reader.force_login(busy)
    timed(f"notifications, member with {busy.notifications.count()}",
          get(reader, "/notifications/"), repeat, rows)
    # the newest member with posts: a look-up by name that scans members finds them last
    newest = User.objects.get(pk=Post.objects.filter(author__isnull=False)
                              .order_by("-author_id").values("author_id")[:1])
    timed("profile of the newest member with posts, member",
          get(client, f"/u/{newest.username.upper()}/"), repeat, rows)
    timed("bookmarks, member", get(client, "/bookmarks/"), repeat, rows)
    timed("messages inbox, member", get(client, "/messages/"), repeat, rows)
    timed("library, member", get(client, f"/c/{c0.slug}/learn/"), repeat, rows)
    timed("events, member", get(client, f"/c/{c0.slug}/events/"), repeat, rows)
    timed("/moderation/, staff", get(admin, "/moderation/"), repeat, rows)
    # insights reads what the rollup stored (`rollup_metrics --since` a year back, once, up
    # to yesterday: per-member facts, daily figures, window counts, newcomers' rows)
    year = timezone.now().date()
    insights = {p: f"/insights/?period={p}" for p in ("7", "30", "90")}
    insights["365"] = (f"/insights/?period=custom&start={year - timedelta(days=364)}"
                       f"&end={year}")
    insights["30, one community,"] = f"/insights/?period=30&community={c0.pk}"
    # as served: the selection's stored figures (insights.snapshots; the warm-up run counts
    # and stores them, as the beat's refresh or the first viewer would)
    for period, url in insights.items():
        timed(f"/insights/ {period} days, staff", get(admin, url), repeat, rows)
    # counting a selection's figures: the beat's job for each selection read lately (every
    # few minutes), and the page of a selection nobody opened lately
    from insights.models import DashboardSnapshot

    def counted(fn):
        def run():
            DashboardSnapshot.objects.all().delete()
            fn()
        return run

    for period, url in insights.items():
        timed(f"/insights/ {period} days, staff, counted (snapshot job)",
              counted(get(admin, url)), max(3, repeat // 5), rows)

    cpu: dict[str, list[float]] = {}

    def with_cpu(label: str, fn):
        """The row's CPU time (time.process_time) beside its wall time: the machine may be
        shared."""
        def wrapped():
            started = time.process_time()
            fn()
            cpu.setdefault(label, []).append(time.process_time() - started)
        return wrapped

    def print_cpu(label: str) -> None:
        if cpu.get(label):
            print(f"{'':<4}{label}: CPU median {statistics.median(cpu[label]) * 1000:,.0f} ms "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)

    def reply_to_hot_thread() -> int:
        author = User.objects.get(username="member000040")
        position = hot.last_position + 1
        now = timezone.now()
        post = Post.objects.create(thread=hot, author=author, position=position,
                                   body="A reply to everyone", body_html="<p>A reply</p>",
                                   status="published", screening="clean", published_at=now)
        # with what runs after its commit (each reader's unread count to Redis); the outbox's
        # send tasks are not queued
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.notifications_for_post(post_id=post.pk)
        return post.pk

    def fanout():
        reply_to_hot_thread()

    def fanout_and_send():
        # the mail step renders a fan-out's emails: one sending task's 100 rows (locmem mail)
        post_id = reply_to_hot_thread()
        ids = list(Outbox.objects.filter(dedupe_key__endswith=f":{post_id}")
                   .order_by("pk").values_list("pk", flat=True)[:2 * outbox.SEND_BATCH])
        mail = get_connection("django.core.mail.backends.locmem.EmailBackend")
        outbox.send(ids[:outbox.SEND_BATCH], connection=mail)  # warm-up: templates, catalogs
        started = time.process_time()
        outbox.send(ids[outbox.SEND_BATCH:], connection=mail)
        cpu.setdefault("sending 100", []).append(time.process_time() - started)

    class NoSend:
        def delay(self, ids):
            pass

    outbox.set_send_task(NoSend())
    followers = ThreadFollow.objects.filter(thread=hot).count()
    name = f"fan-out of one reply to {followers:,} followers"
    timed(name, in_rollback(with_cpu("fan-out", fanout)), max(3, repeat // 5), rows)
    print_cpu("fan-out")
    if not ONLY or any(word in "fan-out, then sending 100" for word in ONLY):
        in_rollback(fanout_and_send)()
        print(f"{'':<4}sending 100 of its emails (rendered then; a worker's second batch): CPU "
              f"{cpu['sending 100'][0] * 1000:,.0f} ms", flush=True)
    due = digests.due_user_ids(ignore_morning=True, frequency="weekly")[:1000]
    timed(f"digest batch of {len(due)} members (dry run)",
          with_cpu("dry run", lambda: digests.build_batch(
              due, ignore_morning=True, dry_run=True, frequency="weekly")),
          max(3, repeat // 5), rows)
    print_cpu("dry run")
    timed(f"digest batch of {len(due)} members, stored",
          in_rollback(with_cpu("stored", lambda: digests.build_batch(
              due, ignore_morning=True, frequency="weekly"))),
          max(3, repeat // 5), rows)
    print_cpu("stored")
    day = (timezone.now() - timedelta(days=2)).date().isoformat()
    if not ONLY or "rollup" in ONLY:
        print_day(date.fromisoformat(day))
    timed(f"rollup_metrics for one day ({day}), again",
          in_rollback(lambda: call_command("rollup_metrics", since=day, until=day, verbosity=0,
                                            stdout=io.StringIO())),
          3, rows, before=vacuum_facts)

    def never_rolled_up():  # the day as the night finds it: its facts and figures not there
        from insights import definitions, facts
        from insights.models import DailyMetric, WindowCount

        # storing no activity for the day clears its bits and the members' latest days
        facts.store(date.fromisoformat(day), definitions.DayActivity(), {}, again=True)
        DailyMetric.objects.filter(date=day).delete()
        WindowCount.objects.filter(day=day).delete()

    timed(f"rollup_metrics for one day ({day}), nightly",
          lambda: call_command("rollup_metrics", since=day, until=day, verbosity=0,
                               stdout=io.StringIO()),
          3, rows, prepare=never_rolled_up, before=vacuum_facts)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database()), "
                    "pg_total_relation_size('community_post')")
        db, posts_table = cur.fetchone()
        total_posts = Post.objects.count()
        cur.execute("SELECT indexrelname, pg_relation_size(indexrelid) FROM "
                    "pg_stat_user_indexes ORDER BY 2 DESC LIMIT 8")
        largest = cur.fetchall()
    print(f"database {db / 2**20:,.0f} MB: {db / 2**20 / total_posts * 100_000:,.0f} MB per "
          f"100,000 posts (posts with their indexes {posts_table / 2**20:,.0f} MB)")
    print("largest indexes: " + ", ".join(f"{name} {size / 2**20:,.0f} MB"
                                          for name, size in largest))
    return rows
