"""Remember when a member was last here (digests go only to members who stayed away)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from accounts.middleware import remember_user
from accounts.models import User

logger = logging.getLogger(__name__)
THROTTLE_SECONDS = 300


class LastSeenMiddleware:
    """At most one UPDATE per member every five minutes (throttled through the cache). The
    member's row is read from the cache (accounts.middleware.cached_user) with its
    last_seen_at, so a member seen in the last five minutes costs no round trip at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _seen_lately(user):
            try:
                first = cache.add(f"last-seen:{user.pk}", 1, timeout=THROTTLE_SECONDS)
            except Exception:  # noqa: BLE001 - Redis down: skip; the next request tries again
                first = False
            if first:
                now = timezone.now()
                User.objects.filter(pk=user.pk).update(last_seen_at=now)
                user.last_seen_at = now
                remember_user(user)  # the cached row shows the new time from now on
        return response


def _seen_lately(user) -> bool:
    seen = user.last_seen_at
    return seen is not None and timezone.now() - seen < timedelta(seconds=THROTTLE_SECONDS)
