"""Celery wrappers around accounts services: they take ids and are idempotent."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def data_export_build(export_id: int) -> None:
    services.data_export_build(export_id=export_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def data_exports_sweep() -> None:
    services.data_exports_sweep()


@shared_task(acks_late=True)
def users_seen_flush() -> int:
    """The last-seen times that requests recorded in Redis, written to the database."""
    return services.users_seen_flush()
