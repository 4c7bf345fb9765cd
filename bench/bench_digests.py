"""Digests at scale: 10,000 members in 5 communities with 500 active threads.

Times building every digest into the outbox (batches of 100, as the Celery tasks do) and
sending them to a local SMTP server (aiosmtpd in its own process). Goal on the 2-core
development machine: build < 40 s, send >= 250 a second.

Runs standalone (`make bench`, or `python bench/bench_digests.py` with REDIS_URL set); uses
its own throwaway SQLite database under var/bench/ unless BENCH_DATABASE_URL is given.
Options through the environment: BENCH_MEMBERS (10000), BENCH_SENDERS (1, parallel sending
processes, as several Celery workers would).
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DIR = ROOT / "var" / "bench"
DB_FILE = BENCH_DIR / "digests.sqlite3"
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "10000"))
SENDERS = int(os.environ.get("BENCH_SENDERS", "1"))
COMMUNITIES = 5
THREADS = 500


def setup_django() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{DB_FILE}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("CACHE_KEY_PREFIX", "hearth-bench")
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed() -> None:
    from allauth.account.models import EmailAddress
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import ClinicianProfile, User
    from community.models import Community, Membership, Post, Thread

    call_command("migrate", verbosity=0)
    if User.objects.filter(username="bench00000").exists():
        return
    rng = random.Random(7)
    now = timezone.now()
    communities = Community.objects.bulk_create([
        Community(slug=f"bench-{i}", name=f"Bench community {i}",
                  visibility="private" if i == 4 else "public")
        for i in range(COMMUNITIES)
    ])
    users = User.objects.bulk_create([
        User(username=f"bench{i:05d}", email=f"bench{i:05d}@example.org", password="!",
             date_joined=now - timedelta(days=90),
             last_seen_at=now - timedelta(days=rng.randint(8, 60)),
             time_zone=rng.choice(["UTC", "America/Chicago", "Europe/Madrid"]),
             language=rng.choice(["", "en", "es"]))
        for i in range(MEMBERS)
    ], batch_size=2000)
    EmailAddress.objects.bulk_create([
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    ], batch_size=2000)
    ClinicianProfile.objects.bulk_create([
        ClinicianProfile(user=u, credentials="MD", specialty="Cardiology", organisation="Bench",
                         npi="1234567893", status="verified")
        for u in users[:50]
    ])
    memberships = []
    for user in users:
        for community in rng.sample(communities, rng.randint(1, 3)):
            level = "muted" if rng.random() < 0.05 else "normal"
            memberships.append(Membership(user=user, community=community, level=level))
    Membership.objects.bulk_create(memberships, batch_size=5000)
    threads = []
    for i in range(THREADS):
        community = communities[i % COMMUNITIES]
        question = i % 3 == 0
        replies = 0 if question and i % 2 else rng.randint(0, 40)
        threads.append(Thread(
            community=community, author=users[i % len(users)],
            title=f"Bench thread {i}: what helps?",
            slug=f"bench-thread-{i}", kind="question" if question else "discussion",
            status="published", reply_count=replies, reaction_count=rng.randint(0, 60),
            clinician_answer_count=1 if question and replies and i % 4 == 0 else 0,
            last_position=1, created_at=now - timedelta(days=rng.randint(0, 6)),
            last_activity_at=now - timedelta(hours=rng.randint(1, 150)),
            is_crisis=i % 97 == 0,
        ))
    threads = Thread.objects.bulk_create(threads)
    Post.objects.bulk_create([
        Post(thread=t, author_id=t.author_id, position=1, body="Bench post.",
             body_html="<p>Bench post.</p>", screening="clean", created_at=t.created_at)
        for t in threads
    ])


def build() -> tuple[list[int], float, int]:
    from notifications import digests

    started = time.perf_counter()
    ids = digests.due_user_ids(ignore_morning=True)
    outbox_ids, empty = [], 0
    for batch in digests.batches(ids):
        result = digests.build_batch(batch, ignore_morning=True)
        outbox_ids += result.outbox_ids
        empty += result.empty
    return outbox_ids, time.perf_counter() - started, empty


def send_chunk(outbox_ids: list[int], port: int) -> int:
    from django.core.mail import get_connection

    from notifications import outbox

    connection = get_connection("django.core.mail.backends.smtp.EmailBackend",
                                host="127.0.0.1", port=port, timeout=10)
    sent = 0
    for start in range(0, len(outbox_ids), 100):
        sent += outbox.send(outbox_ids[start:start + 100], connection=connection)["sent"]
    return sent


def send(outbox_ids: list[int]) -> tuple[int, float]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        from django.db import connections

        started = time.perf_counter()
        if SENDERS == 1:
            sent = send_chunk(outbox_ids, port)
        else:
            from concurrent.futures import ProcessPoolExecutor

            connections.close_all()
            chunks = [outbox_ids[i::SENDERS] for i in range(SENDERS)]
            with ProcessPoolExecutor(SENDERS, initializer=setup_child) as pool:
                sent = sum(pool.map(send_chunk, chunks, [port] * SENDERS))
        return sent, time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)


def setup_child() -> None:
    import django

    django.setup()


def main() -> int:
    setup_django()
    from notifications.models import Outbox

    t0 = time.perf_counter()
    seed()
    seeded = time.perf_counter() - t0
    outbox_ids, build_seconds, empty = build()
    sent, send_seconds = send(outbox_ids)
    built = len(outbox_ids)
    rate = sent / send_seconds if send_seconds else 0.0
    print(f"digests: {MEMBERS} members, {COMMUNITIES} communities, {THREADS} threads "
          f"(seeded in {seeded:.1f} s)")
    print(f"digests: built {built} digests ({empty} members with nothing new) in "
          f"{build_seconds:.1f} s ({built / build_seconds:.0f}/s) [goal < 40 s]")
    print(f"digests: sent {sent} to a local SMTP server in {send_seconds:.1f} s = "
          f"{rate:.0f}/s with {SENDERS} sender(s) [goal >= 250/s]")
    unsent = Outbox.objects.exclude(status="sent").count()
    ok = build_seconds < 40 and rate >= 250 and unsent == 0
    print(f"digests: {'OK' if ok else 'BELOW GOAL'}; rows not sent: {unsent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
