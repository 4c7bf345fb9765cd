"""Remember when a member was last here (digests go only to members who stayed away)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.utils import timezone

from accounts.models import User

logger = logging.getLogger(__name__)
THROTTLE_SECONDS = 300


class LastSeenMiddleware:
    """At most one UPDATE per member every five minutes (throttled through the cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                first = cache.add(f"last-seen:{user.pk}", 1, timeout=THROTTLE_SECONDS)
            except Exception:  # noqa: BLE001 - Redis down: skip; the next request tries again
                first = False
            if first:
                now = timezone.now()
                User.objects.filter(pk=user.pk).update(last_seen_at=now)
                user.last_seen_at = now
        return response
