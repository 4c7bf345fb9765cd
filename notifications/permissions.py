"""Who a notification may name. One rule for the write (services: a notification stores no
actor its recipient may not see) and for every sentence shown or emailed (presenters)."""

from __future__ import annotations

from community.permissions import can_see_author


def may_name_actor(user, *, thread, post) -> bool:
    """An anonymous post or thread names nobody involved to a reader who may not see its
    author: the forum pages' rule, community.permissions.can_see_author (the author,
    the community's moderators and staff)."""
    return not any(item is not None and item.is_anonymous and not can_see_author(user, item)
                   for item in (post, thread))
