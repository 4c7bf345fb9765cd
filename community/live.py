"""Live events of the forum (rule 4): built once per event after commit, sent to the thread's
group, kept for catch-up, each with the thread's next sequence number.

Groups: `thread.<id>` (everyone watching), `thread.<id>.staff` (its moderators: held posts,
real authors of anonymous posts), `user.<id>` (one member's own sockets).
"""

from __future__ import annotations

import json
import logging

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation

from hearth import redis_pool
from hearth.live import publish, user_group

from .models import Post, Thread

logger = logging.getLogger(__name__)

BACKLOG_SIZE = 500
BACKLOG_SECONDS = 15 * 60


def thread_group(thread_id: int) -> str:
    return f"thread.{thread_id}"


def community_group(community_id: int) -> str:
    return f"community.{community_id}"


def thread_staff_group(thread_id: int) -> str:
    return f"thread.{thread_id}.staff"


def _prefix() -> str:
    return settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("prefix", "hearth")


def _backlog_key(thread_id: int) -> str:
    return f"{_prefix()}:live:thread:{thread_id}"


def _redis() -> redis.Redis:
    return redis_pool.client()


def next_seq(thread_id: int) -> int:
    """The thread's next event number, taken in the writer's transaction."""
    Thread.objects.filter(pk=thread_id).update(event_seq=F("event_seq") + 1)
    return Thread.objects.values_list("event_seq", flat=True).get(pk=thread_id)


def threads_changed(threads) -> None:
    """Something the threads show changed with no event for open pages (a deleted member's
    kept posts now name a "Former member"): move their event numbers, so that no page cached
    under the old number (hearth/pagecache.py) is served again. A page that reconnects asks
    for the missing number and gets nothing, or is told to reload."""
    threads.update(event_seq=F("event_seq") + 1)


def _send(thread_id: int, event: dict) -> None:
    try:
        client = _redis()
        key = _backlog_key(thread_id)
        pipe = client.pipeline()
        pipe.zadd(key, {json.dumps(event): event["seq"]})
        pipe.zremrangebyrank(key, 0, -BACKLOG_SIZE - 1)
        pipe.expire(key, BACKLOG_SECONDS)
        pipe.execute()
    except Exception:  # noqa: BLE001 - a lost hint; clients catch up or reload
        logger.warning("live backlog for thread %s not stored", thread_id)
    publish(thread_group(thread_id), event)


def backlog_since(thread_id: int, seq: int) -> list[dict] | None:
    """Events after `seq`, in order; None when some of them are no longer kept."""
    try:
        client = _redis()
        key = _backlog_key(thread_id)
        rows = client.zrangebyscore(key, f"({seq}", "+inf")
        oldest = client.zrange(key, 0, 0, withscores=True)
    except Exception:  # noqa: BLE001
        return None
    events = [json.loads(row) for row in rows]
    current = Thread.objects.filter(pk=thread_id).values_list("event_seq", flat=True).first() or 0
    if seq >= current:
        return []
    first_kept = int(oldest[0][1]) if oldest else current + 1
    if first_kept > seq + 1:
        return None
    return events


def render_post(post: Post) -> str:
    """The post as every reader sees it: no per-viewer controls, no anonymous author; in the
    site's default language, whatever language the code that published it was using."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("community/_post.html", {"post": post, "live": True})


def post_payload(post: Post) -> dict:
    """`html` in the default language and `translations` in the others: rendered once per
    event and language, never per viewer. The page picks its own language."""
    html = render_post(post)
    translations = {}
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE:
            with translation.override(code):
                translations[code] = render_to_string(
                    "community/_post.html", {"post": post, "live": True})
    return {"html": html, "translations": translations}


def _on_commit_thread_event(thread_id: int, build) -> None:
    seq = next_seq(thread_id)

    def send():
        event = build()
        event["seq"] = seq
        event["thread"] = thread_id
        _send(thread_id, event)

    transaction.on_commit(send, robust=True)


def post_published_on_commit(post: Post) -> None:
    _on_commit_thread_event(
        post.thread_id,
        lambda: {"type": "post.created", "post": post.pk, "position": post.position,
                 **post_payload(Post.objects.select_related(
                     "author__clinician", "thread__community").get(pk=post.pk))},
    )


def post_edited_on_commit(post: Post) -> None:
    _on_commit_thread_event(
        post.thread_id,
        lambda: {"type": "post.edited", "post": post.pk, "position": post.position,
                 **post_payload(Post.objects.select_related(
                     "author__clinician", "thread__community").get(pk=post.pk))},
    )


def post_removed_on_commit(post: Post) -> None:
    _on_commit_thread_event(post.thread_id, lambda: {"type": "post.removed", "post": post.pk})


def reactions_on_commit(post: Post) -> None:
    counts = {"helpful": post.helpful_count, "support": post.support_count,
              "thanks": post.thanks_count}
    _on_commit_thread_event(
        post.thread_id, lambda: {"type": "post.reactions", "post": post.pk, "counts": counts}
    )


def thread_state_on_commit(thread: Thread) -> None:
    state = {"pinned": thread.is_pinned, "locked": thread.is_locked,
             "accepted": thread.accepted_post_id}
    _on_commit_thread_event(thread.pk, lambda: {"type": "thread.state", **state})


def post_held_on_commit(post: Post) -> None:
    """Only the author and the thread's moderators hear of a held post."""

    def send():
        event = {"type": "post.held", "post": post.pk, "thread": post.thread_id}
        publish(thread_staff_group(post.thread_id), event)
        if post.author_id:
            publish(user_group(post.author_id), event)

    transaction.on_commit(send, robust=True)


def typing(thread_id: int, name: str) -> dict:
    return {"type": "typing", "thread": thread_id, "name": name}


def recheck_member_sockets_on_commit(*, user_id: int) -> None:
    """The member left a community: their thread sockets ask again whether they may watch."""
    transaction.on_commit(lambda: publish(user_group(user_id), {"type": "access.recheck"}),
                          robust=True)


def recheck_community_sockets_on_commit(*, community_id: int) -> None:
    """The community changed who may read it (turned private): every socket asks again."""
    transaction.on_commit(
        lambda: publish(community_group(community_id), {"type": "access.recheck"}), robust=True
    )


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
    import time

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
