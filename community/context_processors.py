"""The header's "Questions waiting" link for verified clinicians, with its count."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from accounts.middleware import register_member_companion
from accounts.permissions import is_verified_clinician

from . import selectors

logger = logging.getLogger(__name__)
SECONDS = 60


def clinician_nav(request):
    """`clinician_nav`: {"show": bool, "waiting": n}, computed only when a template asks, and
    kept a minute in the cache, so a page pays one cache read and no query for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"clinician_nav": SimpleLazyObject(lambda: _nav(user))}


def is_verified_clinician_cached(user) -> bool:
    """The same rule (accounts.permissions.is_verified_clinician), read through the header's
    one-minute cache entry: thread-page code that needs it asks no query."""
    return bool(user.is_authenticated and _nav(user)["show"])


def _nav(user) -> dict:
    """Read once per request (kept on the user object: the header and the thread page's
    "may attach" both ask)."""
    found = getattr(user, "_hearth_clinician_nav", None)
    if found is None:
        found = _kept_nav(user)
        user._hearth_clinician_nav = found
    return found


def _nav_key(user_id) -> str:
    return f"nav:clinician:{user_id}"


# Read with the member's row, in the same round trip (accounts.middleware.cached_user).
register_member_companion("_hearth_clinician_nav", _nav_key)


def _kept_nav(user) -> dict:
    key = _nav_key(user.pk)
    try:
        kept = cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down: work it out from the database
        logger.warning("cache unavailable for the clinician nav")
        kept = None
    if kept is not None:
        return kept
    if is_verified_clinician(user):
        kept = {"show": True, "waiting": selectors.questions_awaiting_clinician(user=user).count()}
    else:
        kept = {"show": False, "waiting": 0}
    try:
        cache.set(key, kept, SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable for the clinician nav")
    return kept
