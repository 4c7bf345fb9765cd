"""Celery tasks: thin wrappers that take ids and call services. Idempotent and acks_late:
a task redelivered after a worker died does nothing twice (outbox rows are claimed with an
atomic UPDATE; a digest exists once per member and period)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from . import digests, outbox, services

logger = logging.getLogger(__name__)

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}
# A database blip (a restart, a killed connection) is retried after 1, 2, 4, 8, 16 s (with
# jitter); past that, beat's fan-out sweep finishes the work from the database (rule 3).
FANOUT_OPTIONS = {
    **TASK_OPTIONS, "autoretry_for": (OperationalError, InterfaceError), "retry_backoff": 1,
    "retry_backoff_max": 60, "max_retries": 5,
}


@shared_task(**TASK_OPTIONS)
def outbox_send_batch(outbox_ids: list[int]) -> dict[str, int]:
    result = outbox.send(outbox_ids)
    if result["failed"]:
        # Try again after the shortest back-off; the sweep is the safety net if this is lost.
        retry_ids = list(outbox_ids)
        try:
            outbox_send_batch.apply_async(
                args=[retry_ids], countdown=outbox.backoff(1).total_seconds()
            )
        except Exception:  # noqa: BLE001
            logger.warning("outbox retry not queued; the sweep will retry")
    return result


@shared_task(acks_late=True)
def outbox_sweep() -> int:
    """Beat, every minute: send what the queue lost (broker down, worker killed)."""
    ids = outbox.due_ids()
    for batch in digests.batches(ids):
        outbox_send_batch.delay(batch)
    return len(ids)


@shared_task(**TASK_OPTIONS)
def digest_build_batch(user_ids: list[int], ignore_morning: bool = False,
                       frequency: str | None = None) -> int:
    result = digests.build_batch(user_ids, ignore_morning=ignore_morning, frequency=frequency)
    ids = result.outbox_ids
    for batch in digests.batches(ids):
        transaction.on_commit(lambda batch=batch: outbox_send_batch.delay(batch), robust=True)
    return result.built


@shared_task(acks_late=True)
def digests_queue_due(ignore_morning: bool = False, frequency: str | None = None) -> int:
    """Beat, every 15 minutes: queue the members who are due a digest, 100 a task."""
    ids = digests.due_user_ids(ignore_morning=ignore_morning, frequency=frequency)
    for batch in digests.batches(ids):
        digest_build_batch.delay(batch, ignore_morning, frequency)
    return len(ids)


# The forum's events fan out to followers here, not inside the screening task that published
# the post: screening stays fast however many people follow a thread.


@shared_task(**FANOUT_OPTIONS)
def notifications_for_post(post_id: int) -> None:
    services.notifications_for_post(post_id=post_id)


@shared_task(acks_late=True)
def notifications_fanout_sweep() -> int:
    """Beat, every minute: finish the fan-out of posts whose task failed or was lost."""
    return services.fanout_sweep()


@shared_task(**FANOUT_OPTIONS)
def notifications_for_reaction(reaction_id: int) -> None:
    services.notifications_for_reaction(reaction_id=reaction_id)


@shared_task(**FANOUT_OPTIONS)
def notifications_for_accepted(post_id: int, by_id: int | None) -> None:
    services.notifications_for_accepted(post_id=post_id, by_id=by_id)
