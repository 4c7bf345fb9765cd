"""Personal access tokens: `Authorization: Bearer hearth_pat_...`. The browser session
(rest_framework's SessionAuthentication, with its CSRF check) serves Hearth's own pages."""

from __future__ import annotations

import logging

from rest_framework import authentication, exceptions
from rest_framework.throttling import SimpleRateThrottle

from . import services

logger = logging.getLogger(__name__)


class FailedTokenThrottle(SimpleRateThrottle):
    """Wrong tokens, counted per address at the visitors' rate: a made-up token is not a way
    around the limits (authentication fails before DRF's throttles run)."""

    scope = "anon"

    def get_cache_key(self, request, view):
        return f"throttle_badtoken_{self.get_ident(request)}"

    def over(self, request) -> bool:
        """Already over the limit (counts nothing): no token is looked up for this address."""
        key = self.get_cache_key(request, None)
        now = self.timer()
        return len([at for at in self.cache.get(key, []) if at > now - self.duration]) \
            >= self.num_requests


def _refuse_if_over(request, *, count: bool) -> None:
    throttle = FailedTokenThrottle()
    try:
        over = not throttle.allow_request(request, None) if count else throttle.over(request)
    except Exception as error:  # noqa: BLE001 - Redis down: served uncounted, as elsewhere
        logger.warning("API token failures not counted: %s", type(error).__name__)
        return
    if over:
        raise exceptions.Throttled(wait=throttle.duration)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            raw = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("Invalid token header.") from error
        _refuse_if_over(request, count=False)
        token = services.token_authenticate(raw=raw)
        if token is None:
            _refuse_if_over(request, count=True)
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
