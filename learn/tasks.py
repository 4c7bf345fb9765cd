"""Celery wrappers around learn services: idempotent (the outbox's dedupe key)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def review_reminders_send() -> None:
    services.review_reminders_send()
