"""Celery wrappers around the forum's services (rule 5: ids in, idempotent)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def thread_reads_flush() -> int:
    """The read positions that thread pages recorded in Redis, written to the database."""
    return services.thread_reads_flush()
