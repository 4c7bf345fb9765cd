"""Redis connections kept per process (and, for asyncio, per event loop), not per request.

Under ASGI Django builds a new cache backend object for every request (the cache handler is
context-local), and each `RedisCache` object used to make its own connection pool: every page
opened, and later dropped, a Redis connection. `SharedConnectionPool` (the cache's
`pool_class`) hands every caller the same pool for the same URL and options; redis-py resets a
pool in a forked child by itself, so Celery's and uvicorn's workers are safe.
"""

from __future__ import annotations

import asyncio
import threading
import weakref

import redis
from django.conf import settings
from redis import asyncio as aioredis

_lock = threading.Lock()
_pools: dict[tuple, redis.ConnectionPool] = {}
_async_pools: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

OPTIONS = {"socket_timeout": 1, "socket_connect_timeout": 1}


class SharedConnectionPool(redis.ConnectionPool):
    @classmethod
    def from_url(cls, url: str, **kwargs) -> redis.ConnectionPool:
        key = (url, repr(sorted(kwargs.items())))
        with _lock:
            pool = _pools.get(key)
            if pool is None:
                pool = _pools[key] = super().from_url(url, **kwargs)
            return pool


def client() -> redis.Redis:
    """A client of `settings.REDIS_URL` on the process's shared pool."""
    return redis.Redis(connection_pool=SharedConnectionPool.from_url(settings.REDIS_URL,
                                                                      **OPTIONS))


def async_client() -> aioredis.Redis:
    """An asyncio client on a pool shared by everything on the running event loop."""
    loop = asyncio.get_running_loop()
    pools = _async_pools.setdefault(loop, {})
    pool = pools.get(settings.REDIS_URL)
    if pool is None:
        pool = pools[settings.REDIS_URL] = aioredis.ConnectionPool.from_url(
            settings.REDIS_URL, **OPTIONS)
    return aioredis.Redis(connection_pool=pool)
