"""Notices for one member, shown on their next page (a shared helper, like messages, but
addressable by user id from code that has no request: receivers and tasks).

Kept in the cache for an hour; losing one is harmless (the same help is on the page where
it matters). A notice names a template and a small context.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)
TTL = 3600


def _key(user_id: int) -> str:
    return f"notices:{user_id}"


def notice_add(*, user_id: int, template: str, context: dict | None = None,
               ttl: int = TTL) -> None:
    """`ttl`: how long the member's pending notices wait for their next page (a mentor's
    welcome waits for days)."""
    try:
        notices = cache.get(_key(user_id)) or []
        entry = {"template": template, "context": context or {}}
        if ttl != TTL:
            entry["ttl"] = ttl
        if entry not in notices:
            notices.append(entry)
        notices = notices[-5:]
        cache.set(_key(user_id), notices, max(n.get("ttl", TTL) for n in notices))
    except Exception:  # noqa: BLE001 - the cache is down; the page still shows the help
        logger.warning("notice for a member not stored")


def notices_pop(user_id: int) -> list[dict]:
    try:
        notices = cache.get(_key(user_id))
        if notices:
            cache.delete(_key(user_id))
        return notices or []
    except Exception:  # noqa: BLE001
        return []


class _PendingNotices:
    """Read (and so consumed) only when a template shows them: a partial that never mentions
    ``hearth_notices`` (an htmx answer) must not swallow a notice meant for the member."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self._notices: list[dict] | None = None

    def _load(self) -> list[dict]:
        if self._notices is None:
            self._notices = notices_pop(self.user_id)
        return self._notices

    def __iter__(self):
        return iter(self._load())

    def __bool__(self) -> bool:
        return bool(self._load())

    def __len__(self) -> int:
        return len(self._load())


def notices(request):
    """Context processor: the member's pending notices (one cache read, when shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"hearth_notices": _PendingNotices(user.pk)}
