"""A Celery worker SIGKILLed in the middle of sending webhooks loses nothing: after a restart
and beat's sweep, the receiver has every delivery id (at most the rows in flight at the kill
twice, which receivers dedupe by webhook-id).

A real `celery -A hearth worker` subprocess on the real Redis broker and the test database,
posting to a real HTTP server on 127.0.0.1 (allowed for the worker through
HEARTH_WEBHOOK_ALLOWED_HOSTS)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from api import services
from api.models import WebhookDelivery, WebhookEndpoint
from api.tasks import webhook_sweep
from hearth.celery import app
from tests.workers import kill, stop, wait_for
from tests.workers import start_worker as start_worker_process

pytestmark = [pytest.mark.redis, pytest.mark.timeout(240)]
EVENTS = 30


def start_worker(log, workdir):
    return start_worker_process(log, workdir, env={"HEARTH_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
                                                   "HEARTH_WEBHOOK_REQUIRE_HTTPS": "0"})


def test_sigkill_mid_delivery_then_restart_delivers_every_event(
        transactional_db, redis_client, receiver, tmp_path):
    receiver.delay = 0.3  # a slow receiver, so that the kill lands mid-run
    WebhookEndpoint.objects.create(url=receiver.url, secret="whsec_" + "QUFB" * 11,
                                   events=["member.joined"])
    app.conf.task_always_eager = False
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    worker = start_worker(log, tmp_path)
    try:
        # when: thirty events are queued (their tasks go to the broker after commit) and the
        # worker is killed after the first few were received
        ids = []
        for n in range(EVENTS):
            ids += services.event_queue(event="member.joined", key=f"m{n}",
                                        data={"membership_id": n})
        wait_for(lambda: len(receiver.requests) >= 4, 90, "the first deliveries")
        kill(worker)
        assert len(receiver.requests) < EVENTS, "the run finished before the kill"
        # A delivery the killed worker had claimed stays "sending" until its lease (a minute)
        # runs out; let that time pass.
        WebhookDelivery.objects.filter(status="sending").update(next_attempt_at=timezone.now())
        # then: the worker starts again and beat's sweep finishes the run
        worker = start_worker(log, tmp_path)
        webhook_sweep.apply_async()
        wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").count() == EVENTS,
                 120, "every delivery")
    finally:
        stop(worker)
        log.close()
        app.conf.task_always_eager = True
    received = Counter(r["headers"]["webhook-id"] for r in receiver.requests)
    expected = set(WebhookDelivery.objects.filter(pk__in=ids).values_list("msg_id", flat=True))
    assert set(received) == expected and len(expected) == EVENTS
    assert sum(received.values()) - EVENTS <= 2  # at most the two in flight at the kill
