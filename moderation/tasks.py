"""Celery tasks: thin wrappers that take ids and call services (idempotent, acks_late)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,),
             retry_backoff=True, max_retries=5)
def post_screen(post_id: int) -> None:
    services.post_screen(post_id=post_id)


@shared_task(acks_late=True)
def sweep_unscreened() -> int:
    """Screen what the queue lost (broker down, worker killed): posts pending over a minute."""
    ids = services.unscreened_post_ids()
    for post_id in ids:
        services.post_screen(post_id=post_id)
    return len(ids)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def crisis_alert(item_id: int) -> None:
    services.crisis_alert_send(item_id=item_id)
