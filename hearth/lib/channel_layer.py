"""The channel layer: channels_redis's, able to reconnect after Redis restarts.

redis-py's asyncio connections do not retry by default. After a Redis restart the pub/sub
connection a server process holds is dead, and the first socket that subscribed to a group
through it failed ("Connection lost") before the next one found a fresh connection. Each
Redis host here carries a retry policy: on a connection error redis-py reconnects (the
pub/sub connection subscribes again to every channel it had) and sends the command again.
"""

from __future__ import annotations

from collections import defaultdict

from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer
from channels_redis.utils import decode_hosts
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRIES = 3  # reconnect attempts per command: 50, 100, 200 ms apart
PIPELINE = 1000  # PUBLISHes a round trip in group_send_many


def reconnecting_hosts(hosts) -> list[dict]:
    """channels_redis host entries (URLs, (host, port) pairs or dicts) with a retry policy."""
    return [
        {"retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), RETRIES),
         "retry_on_error": [RedisConnectionError, RedisTimeoutError], **host}
        for host in decode_hosts(hosts)
    ]


class PubSubChannelLayer(RedisPubSubChannelLayer):
    def __init__(self, *args, hosts=None, **kwargs) -> None:
        super().__init__(*args, hosts=reconnecting_hosts(hosts), **kwargs)

    async def group_send_many(self, messages: list[tuple[str, dict]]) -> None:
        """group_send of many (group, message) pairs: their PUBLISHes go in one pipeline per
        Redis shard, PIPELINE at a time (a fan-out's thousands of unread counts were one round
        trip each). hearth.lib.live.publish_many uses it."""
        layer = self._get_layer()
        by_shard: dict = defaultdict(list)
        for group, message in messages:
            channel = layer._get_group_channel_name(group)  # noqa: SLF001
            by_shard[layer._get_shard(channel)].append((channel, self.serialize(message)))  # noqa: SLF001
        for shard, items in by_shard.items():
            for start in range(0, len(items), PIPELINE):
                async with shard._lock:  # noqa: SLF001 - the shard's own publish lock
                    shard._ensure_redis()  # noqa: SLF001
                    pipe = shard._redis.pipeline(transaction=False)  # noqa: SLF001
                    for channel, payload in items[start:start + PIPELINE]:
                        pipe.publish(channel, payload)
                    await pipe.execute()


class CoreChannelLayer(RedisChannelLayer):
    def __init__(self, hosts=None, **kwargs) -> None:
        super().__init__(hosts=reconnecting_hosts(hosts), **kwargs)
