"""Rate limits per token (or per signed-in member, or per address for visitors): 429 with
Retry-After. Counted in the cache (Redis); if Redis is down the request is let through, as
Hearth's other limits do, and a warning says so."""

from __future__ import annotations

import logging

from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        from .models import ApiToken

        if isinstance(request.auth, ApiToken):
            ident = f"t{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            self.rate = self.THROTTLE_RATES.get("anon", self.rate)
            self.num_requests, self.duration = self.parse_rate(self.rate)
            ident = f"a{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as error:  # noqa: BLE001 - Redis down: serve, uncounted
            logger.warning("API rate limit not applied: %s", type(error).__name__)
            return True
