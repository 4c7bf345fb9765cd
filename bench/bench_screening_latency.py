"""Time from posting a reply to its screening being done, with a real Celery worker.

Posts go through community.services.post_reply (the service the view calls); the worker
screens them; this process polls the database every 10 ms and records when each post left
`pending`. Prints p50, p99 and max in ms.     POSTS=200 python bench/bench_screening_latency.py
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)

POSTS = int(os.environ.get("POSTS", "200"))
INTERVAL = float(os.environ.get("INTERVAL", "0.2"))


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from community import services
    from community.models import Post
    from tests.conftest import join, make_community, make_user, publish_thread

    stamp = int(time.time())
    community = make_community(f"screen-bench-{stamp}")
    people = [make_user(f"screenbench{stamp}-{i}") for i in range(20)]
    for person in people:
        join(person, community)
    thread = publish_thread(people[0], community, title="Screening bench", body="Replies.")

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hearth", "worker", "--loglevel", "WARNING",
         "--concurrency", "2", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        env={**os.environ}, cwd=BASE, stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        from hearth.celery import app

        for _ in range(100):
            if app.control.ping(timeout=0.5):
                break
        else:
            raise SystemExit("the Celery worker did not answer within 50 s")
        posted: dict[int, float] = {}
        screened: dict[int, float] = {}
        long_post = ("My endocrinologist moved my appointment to March and the pharmacy keeps "
                     "getting my metformin refill wrong, so I have been rationing strips. ") * 13
        bodies = ["A walk after dinner helps me a lot.", "Call me at 555-201-3344 tonight.",
                  "My A1C went from 8.1 to 7.2 this spring!", long_post[:2000]]
        next_post = time.perf_counter()
        deadline = next_post + 120 + POSTS * INTERVAL
        while len(screened) < POSTS:
            if time.perf_counter() > deadline:
                raise SystemExit(f"only {len(screened)} of {POSTS} posts were screened in time: "
                                 "is the worker running?")
            now = time.perf_counter()
            if len(posted) < POSTS and now >= next_post:
                author = people[len(posted) % len(people)]
                body = f"{bodies[len(posted) % len(bodies)]} (#{len(posted)} {stamp})"
                post = services.post_reply(author=author, thread=thread, body=body)
                posted[post.pk] = time.perf_counter()
                next_post = now + INTERVAL
            pending = [pk for pk in posted if pk not in screened]
            if pending:
                done = Post.objects.filter(pk__in=pending).exclude(
                    screening=Post.Screening.PENDING).values_list("pk", flat=True)
                seen = time.perf_counter()
                for pk in done:
                    screened[pk] = seen
            time.sleep(0.01)
        # The figures first: stopping the worker can take long, and must not lose them.
        latencies = sorted((screened[pk] - posted[pk]) * 1000 for pk in posted)
        print(f"screening latency: {POSTS} replies (a quarter of 2,000 characters), one every "
              f"{INTERVAL * 1000:.0f} ms, Celery worker with 2 processes, crisis model on")
        print(f"  posting to screened: p50 {statistics.median(latencies):.0f} ms  "
              f"p99 {latencies[int(len(latencies) * 0.99) - 1]:.0f} ms  "
              f"max {latencies[-1]:.0f} ms  (load average {os.getloadavg()[0]:.1f})", flush=True)
    finally:
        stop(worker)


def stop(worker: subprocess.Popen, grace: float = 5.0) -> None:
    """Stop the worker and its pool processes: a warm shutdown, then a kill after ``grace``
    seconds (a Celery worker with a loaded model can take longer than a caller waits)."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
        try:
            os.killpg(worker.pid, sig)
        except ProcessLookupError:
            return
        try:
            worker.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):  # a pool process left behind
        os.killpg(worker.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
