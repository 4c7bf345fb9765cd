import logging

from community.signals import post_submitted

logger = logging.getLogger(__name__)


def enqueue_screening(sender, post, **kwargs):
    from .tasks import post_screen

    try:
        post_screen.delay(post.pk)
    except Exception:  # noqa: BLE001 - the broker is down: the sweep screens it later
        logger.warning("screening of post %s not queued; the sweep will pick it up", post.pk)


def connect() -> None:
    post_submitted.connect(enqueue_screening, dispatch_uid="moderation.enqueue_screening")
