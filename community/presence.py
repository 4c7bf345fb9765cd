"""Who is reading a thread now: "N reading now", counted per open socket in Redis.

A nicety: any failure answers None and the socket carries on.
"""

from __future__ import annotations

import time

from hearth.lib import redis_pool

from .live import _prefix

PRESENCE_SECONDS = 3600
PRESENCE_INTERVAL = 1.0


def _aioredis():
    return redis_pool.async_client()


async def presence_claim(thread_id: int) -> bool:
    """True for the one socket that announces the count in the coming second."""
    try:
        async with _aioredis() as client:
            key = f"{_prefix()}:presence-due:thread:{thread_id}"
            return bool(await client.set(key, 1, nx=True, px=int(PRESENCE_INTERVAL * 1000)))
    except Exception:  # noqa: BLE001
        return False


async def presence_count(thread_id: int) -> int | None:
    try:
        async with _aioredis() as client:
            return int(await client.zcard(f"{_prefix()}:presence:thread:{thread_id}"))
    except Exception:  # noqa: BLE001
        return None


async def presence_update(thread_id: int, channel_name: str, *, joined: bool) -> int | None:
    """Who is reading the thread now (members and visitors), counted per open socket."""
    key = f"{_prefix()}:presence:thread:{thread_id}"
    try:
        async with _aioredis() as client:
            now = time.time()
            pipe = client.pipeline()
            if joined:
                pipe.zadd(key, {channel_name: now})
            else:
                pipe.zrem(key, channel_name)
            pipe.zremrangebyscore(key, 0, now - PRESENCE_SECONDS)
            pipe.zcard(key)
            pipe.expire(key, PRESENCE_SECONDS)
            results = await pipe.execute()
            return int(results[2])
    except Exception:  # noqa: BLE001 - presence is a nicety; never break the socket for it
        return None
