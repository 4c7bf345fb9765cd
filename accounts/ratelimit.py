"""allauth's uses of the cache when Redis is unreachable: degrade, log, never answer 500.

allauth counts sign-ins, sign-ups and password resets in the cache (Redis), behind a lock
taken with `cache.add`. With Redis down that raised ConnectionError and every sign-in answered
500, while pages and posting kept working. `FailOpenCache` stands in for the cache inside
allauth's rate-limit module only: when Redis cannot be reached the attempt is let through
without counting, and a warning says so. With Redis back, counting resumes. (Password checks
stay as slow as the hasher makes them, so the limit is a second line, not the only one.)

The same stands in for the cache of allauth's TOTP check, which remembers each used code for
its 30 s period so that it cannot be replayed: while Redis is down, staff and clinicians still
sign in with their code, and the used codes are remembered by this process alone.
"""

from __future__ import annotations

import logging
from typing import Any

import redis

logger = logging.getLogger(__name__)


class FailOpenCache:
    """The cache calls allauth's rate limiting makes, answered as "nothing counted yet" when
    Redis fails: `add` takes the lock, `get` finds no history, `set` and `delete` do nothing."""

    def __init__(self, cache, *, local=None, warning: str = "rate limit not applied") -> None:
        self._cache = cache
        self._local = local  # a process-local cache that answers instead, if given
        self._warning = warning

    def _call(self, method: str, fallback: Any, *args, **kwargs) -> Any:
        try:
            return getattr(self._cache, method)(*args, **kwargs)
        except (redis.RedisError, OSError) as exc:
            if method == "add":  # once per rate checked: the lock is taken first
                logger.warning("%s: the cache is unreachable (%s)", self._warning,
                               type(exc).__name__)
            if self._local is not None:
                return getattr(self._local, method)(*args, **kwargs)
            return fallback

    def add(self, *args, **kwargs) -> bool:
        return self._call("add", True, *args, **kwargs)

    def get(self, key, default=None, *args, **kwargs):
        return self._call("get", default, key, default, *args, **kwargs)

    def set(self, *args, **kwargs) -> None:
        return self._call("set", None, *args, **kwargs)

    def delete(self, *args, **kwargs) -> bool:
        return self._call("delete", False, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._cache, name)


def install() -> None:
    """Called from AccountsConfig.ready()."""
    from allauth.core.internal import ratelimit
    from allauth.mfa.totp.internal import auth as totp
    from django.core.cache.backends.locmem import LocMemCache

    if not isinstance(ratelimit.cache, FailOpenCache):
        ratelimit.cache = FailOpenCache(ratelimit.cache)
    if not isinstance(totp.cache, FailOpenCache):
        totp.cache = FailOpenCache(
            totp.cache, local=LocMemCache("hearth-totp-used", {"TIMEOUT": 300}),
            warning="used TOTP codes remembered by this process only")
