"""Publishing live events: the one way Hearth code sends to a socket group (rule 4).

Services call `publish_on_commit` (or the thread-event helper built on it,
`community.live.thread_event_on_commit`, which numbers a thread's events and keeps them for
catch-up); nothing else calls `transaction.on_commit` to publish. The event is sent only if the
transaction commits, and a failure to reach Redis never breaks the write that caused it (the
database is the truth; a client that missed an event catches up on reconnect). Payload
builders only build: they return the event, and this module sends it.
"""

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

Event = dict[str, Any]
# An event, or a function that builds it after commit (it may read what the transaction wrote;
# it runs once, whatever the number of groups; None sends nothing).
EventOrBuilder = Event | Callable[[], Event | None]


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def message(event: dict[str, Any]) -> dict[str, Any]:
    """The channel-layer message: the event, and its JSON text serialised once here rather
    than once per open socket."""
    return {"type": "live.event", "event": event, "text": json.dumps(event)}


def publish(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message(event))
    except Exception:
        logger.warning("live event to %s not delivered", group, exc_info=True)


def publish_on_commit(groups: str | Sequence[str], event: EventOrBuilder) -> None:
    """Send ``event`` to ``groups`` once the current transaction commits."""
    targets = [groups] if isinstance(groups, str) else list(groups)

    def send():
        built = event() if callable(event) else event
        if built is None:
            return
        if len(targets) == 1:
            publish(targets[0], built)
        else:
            publish_many([(group, built) for group in targets])

    transaction.on_commit(send, robust=True)


def publish_many(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Several events in one trip to the event loop (one per group is much slower)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all():
        many = getattr(layer, "group_send_many", None)  # one pipeline (the pub/sub layer)
        if many is not None:
            await many([(group, message(event)) for group, event in messages])
            return
        for group, event in messages:
            await layer.group_send(group, message(event))

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.warning("%s live events not delivered", len(messages), exc_info=True)


def publish_many_on_commit(messages: list[tuple[str, dict[str, Any]]]) -> None:
    transaction.on_commit(lambda: publish_many(messages), robust=True)


# --- What `/ws/me/` carries besides the member's own group ---------------------------------
# Apps register, in their AppConfig.ready(), the extra groups a member's socket joins and how
# an event on those groups becomes what this member may see (e.g. the moderation queue count).

MeGroups = Callable[[Any], list[str]]
MeHandler = Callable[[Any, dict], "dict | None"]
_me_groups: list[MeGroups] = []
_me_handlers: dict[str, MeHandler] = {}


def register_me_socket(*, groups: MeGroups, handlers: dict[str, MeHandler]) -> None:
    if groups not in _me_groups:
        _me_groups.append(groups)
    _me_handlers.update(handlers)


def me_groups(user) -> list[str]:
    return [group for provider in _me_groups for group in provider(user)]


def me_handler(event_type: str) -> MeHandler | None:
    return _me_handlers.get(event_type)
