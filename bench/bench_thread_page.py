"""Requests per second of a 200-post thread page, against a trivial Django view in the same
server and settings (uvicorn, BENCH_WORKERS workers, 2 by default; PostgreSQL when DATABASE_URL
points at one). The page is measured as a visitor (first and last page, served from the
visitor page cache after the first request) and as a signed-in member (the copy shared by the
members of a reader class, filled with the member's own state: community/fragments_page.py).
Each line gives requests per second, the 99th percentile latency under that load, and the
ratio to the trivial view measured in the same run (the machine may be shared: compare ratios).

    python bench/bench_thread_page.py          # make bench runs it
Needs `wrk` (Debian package) as the load generator.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)

DURATION = os.environ.get("BENCH_SECONDS", "10")
WORKERS = os.environ.get("BENCH_WORKERS", "2")


def setup_data() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from community.models import Thread
    from tests.conftest import join, make_community, make_user, publish_reply, publish_thread

    thread = Thread.objects.filter(title="Bench thread (200 posts)").first()
    if thread:
        _analyze()
        return thread.pk
    community = make_community(f"bench-{int(time.time())}")
    people = [make_user(f"bench{int(time.time())}-{i}") for i in range(10)]
    for person in people:
        join(person, community)
    thread = publish_thread(people[0], community, title="Bench thread (200 posts)",
                            body="A long thread to measure.")
    for i in range(199):
        publish_reply(people[i % 10], thread, f"Reply {i}: **bold**, a [link](https://example.org)")
    _analyze()
    return thread.pk


def _analyze() -> None:
    """Planner statistics, as autovacuum keeps them on a live database: on a fresh bench
    database the planner would guess one row per thread and pick the wrong indexes."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def member_cookie(thread_id: int) -> str:
    """A session cookie of the thread's author (a member), so the bench also measures the page
    a signed-in member gets."""
    from django.conf import settings
    from django.test import Client

    from community.models import Thread

    client = Client()
    client.force_login(Thread.objects.get(pk=thread_id).author)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def wrk(url: str, cookie: str = "") -> tuple[float, float]:
    """Requests per second and the 99th percentile latency in milliseconds."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(["wrk", "-t2", "-c32", "--latency", f"-d{DURATION}s", *headers, url],
                         capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return float(match.group(1)), float(p99.group(1)) * scale[p99.group(2)] if p99 else 0.0


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    thread_id = setup_data()
    cookie = member_cookie(thread_id)
    port = os.environ.get("BENCH_PORT", "8765")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hearth.asgi:application", "--host", "127.0.0.1",
         "--port", port, "--workers", WORKERS, "--no-access-log", "--log-level", "warning"],
        env={**os.environ}, cwd=BASE)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):  # up to a minute: a loaded machine starts workers slowly
            try:
                urllib.request.urlopen(f"{base}/bench/trivial/", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        urllib.request.urlopen(f"{base}/t/{thread_id}/", timeout=10)  # noqa: S310 - warm up
        trivial = wrk(f"{base}/bench/trivial/")
        thread = wrk(f"{base}/t/{thread_id}/")
        page = wrk(f"{base}/t/{thread_id}/?page=last")
        member = wrk(f"{base}/t/{thread_id}/", cookie)
    finally:
        server.terminate()
        server.wait(timeout=20)
    db = os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1]
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"thread page bench ({WORKERS} uvicorn workers, database {db}, {DURATION}s each, "
          f"load average {load})")

    def line(name, figures):
        rate, p99 = figures
        print(f"  {name:22s}{rate:8.0f} req/s   p99 {p99:7.1f} ms   ratio {rate / trivial[0]:.2f}")

    line("trivial view", trivial)
    line("200-post thread p.1", thread)
    line("200-post thread last", page)
    line("signed-in member p.1", member)


if __name__ == "__main__":
    main()
