"""Killing the Celery worker (SIGKILL) in the middle of a digest run, then starting it again:
every due member gets exactly one digest.

A real `celery -A hearth worker` subprocess on the real Redis broker and the test database
(a file, or PostgreSQL), sending to a real SMTP server. The database is the truth: digest
rows are unique per member and period, an outbox row is claimed by one atomic UPDATE, and
after the restart the beat tasks (queue the due members, sweep the outbox) finish the run.
"""

from __future__ import annotations

import email
import subprocess
from collections import defaultdict
from email import policy
from pathlib import Path

import pytest
from django.utils import timezone

from hearth.celery import app
from notifications.models import DigestRun, Outbox
from notifications.tasks import digests_queue_due, outbox_sweep
from tests.conftest import join, make_user, publish_thread
from tests.workers import kill, stop, wait_for
from tests.workers import start_worker as start_worker_process

pytestmark = [pytest.mark.redis, pytest.mark.timeout(240)]
MEMBERS = 40


def start_worker(smtp_port: int, log, workdir: Path) -> subprocess.Popen:
    return start_worker_process(log, workdir, env={"EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"})


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
    worker = start_worker(port, log, tmp_path)
    try:
        # when: beat queues the due members, and the worker is killed mid-run
        digests_queue_due.apply_async(kwargs={"ignore_morning": True})
        wait_for(lambda: len(sink.messages) >= 5, 90, "the first digests to arrive")
        kill(worker)
        delivered_at_kill = len(sink.messages)
        assert delivered_at_kill < MEMBERS, "the run finished before the kill"
        # A row the killed worker had claimed stays "sending" until its lease runs out (a
        # minute; without this shortcut every digest was out 61 s after the kill); let that
        # time pass.
        Outbox.objects.filter(status=Outbox.Status.SENDING).update(
            next_attempt_at=timezone.now())
        # then: the worker starts again and beat's tasks finish the run
        worker = start_worker(port, log, tmp_path)
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
