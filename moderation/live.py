"""The review queue's live count on `/ws/me/` for moderators and staff.

A change is announced to `moderation.c<community id>` and `moderation.all` (staff); each
moderator's socket then counts what *it* may see (one query), so nobody learns of items
outside their communities.
"""

from __future__ import annotations

from hearth.lib.live import publish_on_commit

ALL_GROUP = "moderation.all"


def queue_group(community_id: int | None) -> str:
    """A community's moderators (staff listen on ALL_GROUP)."""
    return f"moderation.c{community_id}" if community_id else ALL_GROUP


def queue_changed_on_commit(*, community_id: int | None, item=None) -> None:
    groups = [ALL_GROUP] + ([queue_group(community_id)] if community_id else [])
    publish_on_commit(groups, {"type": "queue.changed",
                               "crisis": bool(item and item.kind == "crisis")})


def groups_for(user) -> list[str]:
    from community.permissions import moderated_community_ids

    from .permissions import can_use_queue

    if not can_use_queue(user):
        return []
    ids = moderated_community_ids(user)
    if ids is None:
        return [ALL_GROUP]
    return [queue_group(cid) for cid in sorted(ids)]


def open_count(user) -> int:
    from .models import ModerationItem
    from .permissions import items_visible_to

    return items_visible_to(user).filter(status=ModerationItem.Status.OPEN).count()
