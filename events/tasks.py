"""Celery wrappers around events services: idempotent (the outbox's dedupe keys)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def reminders_send() -> None:
    services.reminders_send()
