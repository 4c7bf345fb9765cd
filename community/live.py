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
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation

from hearth.lib import redis_pool
from hearth.lib.live import publish_on_commit, user_group

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
    """The key prefix shared with the channel layer (presence keys use it too)."""
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
    under the old number (hearth/lib/pagecache.py) is served again. A page that reconnects asks
    for the missing number and gets nothing, or is told to reload."""
    threads.update(event_seq=F("event_seq") + 1)


def author_threads_changed(user) -> None:
    """How this member is shown beside their posts changed (a clinician badge given or taken, an
    account erased with its posts kept): every thread they posted in is `threads_changed`."""
    threads_changed(Thread.objects.filter(
        pk__in=Post.objects.filter(author=user).values("thread_id")))


def _remember(thread_id: int, event: dict) -> None:
    """Keep the event for pages that reconnect and ask what they missed."""
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


def thread_event_on_commit(thread_id: int, build) -> None:
    """The thread-event helper: the event takes the thread's next number now (in the writer's
    transaction), is built after commit, kept for catch-up, and sent to the thread's group."""
    seq = next_seq(thread_id)

    def numbered():
        event = {**build(), "seq": seq, "thread": thread_id}
        _remember(thread_id, event)
        return event

    publish_on_commit(thread_group(thread_id), numbered)


def post_published_on_commit(post: Post) -> None:
    thread_event_on_commit(
        post.thread_id,
        lambda: {"type": "post.created", "post": post.pk, "position": post.position,
                 **post_payload(Post.objects.select_related(
                     "author__clinician", "thread__community").get(pk=post.pk))},
    )


def post_edited_on_commit(post: Post) -> None:
    thread_event_on_commit(
        post.thread_id,
        lambda: {"type": "post.edited", "post": post.pk, "position": post.position,
                 **post_payload(Post.objects.select_related(
                     "author__clinician", "thread__community").get(pk=post.pk))},
    )


def post_removed_on_commit(post: Post) -> None:
    thread_event_on_commit(post.thread_id, lambda: {"type": "post.removed", "post": post.pk})


def reactions_on_commit(post: Post) -> None:
    counts = {"helpful": post.helpful_count, "support": post.support_count,
              "thanks": post.thanks_count}
    thread_event_on_commit(
        post.thread_id, lambda: {"type": "post.reactions", "post": post.pk, "counts": counts}
    )


def thread_state_on_commit(thread: Thread) -> None:
    state = {"pinned": thread.is_pinned, "locked": thread.is_locked,
             "accepted": thread.accepted_post_id}
    thread_event_on_commit(thread.pk, lambda: {"type": "thread.state", **state})


def post_held_on_commit(post: Post) -> None:
    """Only the author and the thread's moderators hear of a held post."""
    groups = [thread_staff_group(post.thread_id)]
    if post.author_id:
        groups.append(user_group(post.author_id))
    publish_on_commit(groups, {"type": "post.held", "post": post.pk, "thread": post.thread_id})


def typing(thread_id: int, name: str) -> dict:
    return {"type": "typing", "thread": thread_id, "name": name}


def recheck_member_sockets_on_commit(*, user_id: int) -> None:
    """The member left a community: their thread sockets ask again whether they may watch."""
    publish_on_commit(user_group(user_id), {"type": "access.recheck"})


def recheck_community_sockets_on_commit(*, community_id: int) -> None:
    """The community changed who may read it (turned private): every socket asks again."""
    publish_on_commit(community_group(community_id), {"type": "access.recheck"})
