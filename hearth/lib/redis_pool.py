"""Redis connections kept per process (and, for asyncio, per event loop), not per request.

Under ASGI Django builds a new cache backend object for every request (the cache handler is
context-local), and each `RedisCache` object used to make its own connection pool: every page
opened, and later dropped, a Redis connection. `SharedConnectionPool` (the cache's
`pool_class`) hands every caller the same pool for the same URL and options; redis-py resets a
pool in a forked child by itself, so Celery's and uvicorn's workers are safe.

Django's cache also builds a new redis-py client for every cache call, and building one sets
up some 170 response callbacks (about a third of a millisecond: more than the round trip on a
member's thread page). `SharedRedisCache` (the cache's BACKEND) and `client()` keep one client
per shared pool; a client holds no connection of its own, so threads may share it.
"""

from __future__ import annotations

import asyncio
import threading
import weakref

import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import asyncio as aioredis
from redis import exceptions as redis_errors

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


_clients: dict[int, redis.Redis] = {}


def client_for(pool: redis.ConnectionPool) -> redis.Redis:
    """The one client of a shared pool (pools live as long as the process)."""
    found = _clients.get(id(pool))
    if found is None or found.connection_pool is not pool:
        found = _clients[id(pool)] = redis.Redis(connection_pool=pool)
    return found


def client() -> redis.Redis:
    """A client of `settings.REDIS_URL` on the process's shared pool."""
    return client_for(SharedConnectionPool.from_url(settings.REDIS_URL, **OPTIONS))


def batch_take(pending: str, flushing: str) -> dict[bytes, bytes]:
    """A batch recorded in the hash `pending`, for a flush task to write: renamed to `flushing`
    so that new records start a new batch, and left there until the task deletes it once
    written (a batch whose task died is taken again first). Empty: nothing recorded."""
    redis = client()
    if not redis.exists(flushing):
        try:
            redis.rename(pending, flushing)
        except redis_errors.ResponseError as error:  # nothing pending (no such key)
            if "no such key" in str(error).lower():
                return {}
            raise
    return redis.hgetall(flushing)


class _SharedClientCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        return client_for(self._get_connection_pool(write))


class SharedRedisCache(RedisCache):
    """Django's Redis cache with one redis-py client per shared pool (see the module)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClientCacheClient


def async_client() -> aioredis.Redis:
    """An asyncio client on a pool shared by everything on the running event loop."""
    loop = asyncio.get_running_loop()
    pools = _async_pools.setdefault(loop, {})
    pool = pools.get(settings.REDIS_URL)
    if pool is None:
        pool = pools[settings.REDIS_URL] = aioredis.ConnectionPool.from_url(
            settings.REDIS_URL, **OPTIONS)
    return aioredis.Redis(connection_pool=pool)
