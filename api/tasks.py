"""Celery tasks: thin wrappers that take ids and call services. Idempotent and acks_late:
a delivery is claimed with an atomic UPDATE, so a task redelivered after a worker died sends
nothing twice that was already delivered (and at least once what was not)."""

from __future__ import annotations

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**TASK_OPTIONS)
def webhook_send_batch(delivery_ids: list[int]) -> dict[str, int]:
    return services.deliveries_send(delivery_ids)


@shared_task(acks_late=True)
def webhook_sweep() -> int:
    """Beat, every minute: retries that are due, and what the queue lost."""
    ids = services.webhook_due_ids()
    for start in range(0, len(ids), 50):
        webhook_send_batch.delay(ids[start:start + 50])
    return len(ids)


@shared_task(acks_late=True)
def webhook_questions_waiting() -> int:
    """Beat, every five minutes: questions waiting a day for a clinician."""
    return services.questions_waiting_queue()
