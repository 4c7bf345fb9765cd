"""500 members on one expert Q&A page while the expert answers: each answer is posted over
HTTP and each page's time to receive it is measured (p50, p99, max). Issue 19 asks p99 ≤ 500 ms.

    python bench/bench_event_live.py     # CLIENTS=500 ROUNDS=10 by default (after 3 warm-ups)
"""

from __future__ import annotations

import asyncio
import datetime
import http.cookiejar
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ["BENCH_EAGER"] = "1"

from bench.bench_live import PORT, WORKERS, NoRedirect, Watcher  # noqa: E402

CLIENTS = int(os.environ.get("CLIENTS", "500"))
ROUNDS = int(os.environ.get("ROUNDS", "10"))
WARMUP = 3


def setup() -> tuple[int, list[int], str]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import ClinicianProfile
    from events.models import Event, Question
    from tests.conftest import join, make_community, make_user

    call_command("migrate", verbosity=0)
    stamp = int(time.time())
    community = make_community(f"event-bench-{stamp}")
    expert = make_user(f"eventexpert{stamp}")
    ClinicianProfile.objects.create(user=expert, credentials="MD", specialty="Endocrinology",
                                    organisation="Bench", npi="1234567893",
                                    status=ClinicianProfile.Status.VERIFIED)
    member = make_user(f"eventmember{stamp}")
    for person in (expert, member):
        join(person, community)
    start = timezone.now() - datetime.timedelta(minutes=5)
    event = Event.objects.create(community=community, title="Bench Q&A", expert=expert,
                                 starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    questions = [Question.objects.create(event=event, author=member, body=f"Question {i}",
                                         body_html=f"<p>Question {i}</p>").pk
                 for i in range(WARMUP + ROUNDS)]
    session = SessionStore()
    session[SESSION_KEY] = str(expert.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = expert.get_session_auth_hash()
    session.create()
    return event.pk, questions, session.session_key


def csrf_token(event_id: int, session_key: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Cookie", f"sessionid={session_key}")]
    opener.open(f"http://127.0.0.1:{PORT}/events/{event_id}/").read()
    return next(c.value for c in jar if c.name == "csrftoken")


def post_answer(event_id: int, question_id: int, session_key: str, token: str,
                body: str) -> None:
    base = f"http://127.0.0.1:{PORT}"
    data = urllib.parse.urlencode({"answer": body}).encode()
    request = urllib.request.Request(f"{base}/events/q/{question_id}/answer/", data=data,
                                     headers={"Cookie": f"sessionid={session_key}; "
                                                        f"csrftoken={token}",
                                              "X-CSRFToken": token,
                                              "Referer": f"{base}/events/{event_id}/"})
    urllib.request.build_opener(NoRedirect).open(request).read()


async def run(event_id: int, questions: list[int], session_key: str) -> dict:
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hearth.asgi:application", "--host", "127.0.0.1",
         "--port", str(PORT), "--no-access-log", "--log-level", "warning",
         "--ws", "websockets-sansio", "--workers", WORKERS, "--ws-per-message-deflate",
         "false"], env=dict(os.environ), cwd=BASE)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/trivial/", timeout=1)  # noqa: S310
                break
            except OSError:
                await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        url = f"ws://127.0.0.1:{PORT}/ws/e/{event_id}/"
        loop = asyncio.get_running_loop()
        watchers: list[Watcher] = []
        for start in range(0, CLIENTS, 100):
            batch = [Watcher(url) for _ in range(start, min(start + 100, CLIENTS))]
            await asyncio.gather(*(loop.create_connection(lambda w=w: w, "127.0.0.1", PORT)
                                   for w in batch))
            await asyncio.wait_for(asyncio.gather(*(w.opened for w in batch)), timeout=30)
            watchers += batch
        await asyncio.sleep(2)
        latencies: list[float] = []
        for round_no, question_id in zip(range(-WARMUP, ROUNDS), questions, strict=True):
            marker = f"answer-{round_no}-{time.time()}"
            for watcher in watchers:
                watcher.expect(marker)
            await asyncio.sleep(0.5)
            token = await asyncio.to_thread(csrf_token, event_id, session_key)
            start = time.perf_counter()
            await asyncio.to_thread(post_answer, event_id, question_id, session_key, token,
                                    marker)
            received = await asyncio.wait_for(asyncio.gather(*(w.seen for w in watchers)),
                                              timeout=60)
            if round_no >= 0:
                latencies += [(t - start) * 1000 for t in received]
        for watcher in watchers:
            watcher.transport.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    latencies.sort()
    return {"p50": statistics.median(latencies),
            "p99": latencies[int(len(latencies) * 0.99) - 1],
            "max": latencies[-1], "n": len(latencies)}


def main() -> None:
    event_id, questions, session_key = setup()
    import uvloop

    r = uvloop.run(run(event_id, questions, session_key))
    print(f"event live bench: {CLIENTS} members on one expert Q&A page, {ROUNDS} answers, "
          f"{WORKERS} uvicorn workers; ms from sending the answer (POST) to each page's receipt")
    print(f"  p50 {r['p50']:7.1f}  p99 {r['p99']:7.1f}  max {r['max']:7.1f}  "
          f"({r['n']} deliveries; target p99 <= 500)")


if __name__ == "__main__":
    main()
