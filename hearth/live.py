"""Publishing live events: the one way Hearth code sends to a socket group (rule 4).

Services call `publish_on_commit`; the event is sent only if the transaction commits, and a
failure to reach Redis never breaks the write that caused it (the database is the truth; a
client that missed an event catches up on reconnect).
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def publish(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "live.event", "event": event})
    except Exception:
        logger.warning("live event to %s not delivered", group, exc_info=True)


def publish_on_commit(group: str, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: publish(group, event), robust=True)
