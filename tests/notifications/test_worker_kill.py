"""Killing the Celery worker (SIGKILL) in the middle of a digest run, then starting it again:
every due member gets exactly one digest.

A real `celery -A hearth worker` subprocess on the real Redis broker and the test database
(a file, or PostgreSQL), sending to a real SMTP server. The database is the truth: digest
rows are unique per member and period, an outbox row is claimed by one atomic UPDATE, and
after the restart the beat tasks (queue the due members, sweep the outbox) finish the run.
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from email import policy
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from hearth.celery import app
from notifications.models import DigestRun, Outbox
from notifications.tasks import digests_queue_due, outbox_sweep
from tests.conftest import join, make_user, publish_thread

pytestmark = [pytest.mark.redis, pytest.mark.timeout(240)]
MEMBERS = 40
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db.get('HOST') or '127.0.0.1'}:"
            f"{db.get('PORT') or 5432}/{db['NAME']}")


def start_worker(smtp_port: int, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hearth.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "celery", "-A", "hearth", "worker", "--pool=prefork",
               "--concurrency=2", "--without-heartbeat", "--without-gossip",
               "--without-mingle", "--loglevel=WARNING"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def stop(worker: subprocess.Popen, sig=signal.SIGTERM):
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(timeout=30)


def test_sigkill_mid_digest_run_then_restart_sends_each_due_member_exactly_one_digest(
        transactional_db, redis_client, smtp_server, tmp_path):
    sink, port = smtp_server
    sink.rcpt_delay = 0.05  # a slow relay, so that the kill lands in the middle of the run
    community = make_one_community_with_news()
    members = []
    for i in range(MEMBERS):
        member = make_user(f"member{i:02d}")
        join(member, community)
        members.append(member)
    app.conf.task_always_eager = False
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    worker = start_worker(port, log)
    try:
        # when: beat queues the due members, and the worker is killed mid-run
        digests_queue_due.apply_async(kwargs={"ignore_morning": True})
        wait_for(lambda: len(sink.messages) >= 5, 90, "the first digests to arrive")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        delivered_at_kill = len(sink.messages)
        assert delivered_at_kill < MEMBERS, "the run finished before the kill"
        # A row the killed worker had claimed stays "sending" until its lease runs out (a
        # minute; without this shortcut every digest was out 61 s after the kill); let that
        # time pass.
        Outbox.objects.filter(status=Outbox.Status.SENDING).update(
            next_attempt_at=timezone.now())
        # then: the worker starts again and beat's tasks finish the run
        worker = start_worker(port, log)
        digests_queue_due.apply_async(kwargs={"ignore_morning": True})
        outbox_sweep.apply_async()

        def all_sent():
            return Outbox.objects.filter(kind="digest", status="sent").count() >= MEMBERS

        wait_for(all_sent, 120, "every digest to be sent")
    finally:
        stop(worker)
        log.close()
        app.conf.task_always_eager = True
    # every due member: one digest row, one outbox row, and one message (by Message-ID: a
    # message handed to the server just before the kill may be handed over again, and mail
    # clients show one message per Message-ID)
    assert DigestRun.objects.filter(status="queued").count() == MEMBERS
    assert Outbox.objects.filter(kind="digest").count() == MEMBERS
    message_ids = defaultdict(set)
    raw_count = 0
    for rcpt, raw in sink.messages:
        message = email.message_from_bytes(raw, policy=policy.default)
        message_ids[rcpt[0]].add(message["Message-ID"])
        raw_count += 1
    assert set(message_ids) == {m.email for m in members}
    assert all(len(ids) == 1 for ids in message_ids.values())
    assert raw_count - MEMBERS <= 2  # at most the rows in flight at the kill (concurrency 2)


def make_one_community_with_news():
    from tests.conftest import make_community

    community = make_community("caregivers")
    author = make_user("author", last_seen_at=timezone.now())  # was here: not due
    join(author, community)
    publish_thread(author, community, title="Respite care tips", kind="discussion")
    return community
