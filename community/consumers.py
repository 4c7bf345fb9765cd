"""`/ws/t/<id>/`: the live socket of a thread.

Admits only those whom community.permissions lets see the thread (visitors may watch public
threads). A client that reconnects sends {"type": "catchup", "after": <seq>} and receives the
events it missed, in order, or {"type": "reload"} when they are no longer kept.
"""

from __future__ import annotations

import asyncio
import time

from channels.db import database_sync_to_async

from hearth.lib.consumers import LiveConsumer
from hearth.lib.live import message, user_group

from . import live, permissions, presence
from .models import Thread

TYPING_INTERVAL = 3.0


async def _announce_presence(layer, thread_id: int) -> None:
    await asyncio.sleep(presence.PRESENCE_INTERVAL)
    count = await presence.presence_count(thread_id)
    if count is not None:
        await layer.group_send(live.thread_group(thread_id), message(
            {"type": "presence", "thread": thread_id, "count": count}))


class ThreadConsumer(LiveConsumer):
    async def connect(self):
        self.thread_id = self.scope["url_route"]["kwargs"]["thread_id"]
        self.user = self.scope.get("user")
        allowed, moderator = await self._access()
        if not allowed:
            await self.close(code=4404)
            return
        self.groups_joined = [live.thread_group(self.thread_id),
                              live.community_group(self.community_id)]
        if moderator:
            self.groups_joined.append(live.thread_staff_group(self.thread_id))
        if self.user is not None and self.user.is_authenticated:
            self.groups_joined.append(user_group(self.user.pk))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self._last_typing = 0.0
        await self.accept()
        await self._presence(joined=True)

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        if getattr(self, "groups_joined", None):
            await self._presence(joined=False)

    async def _presence(self, *, joined: bool) -> None:
        """Count this reader in or out; announce the count at most once a second per thread,
        so that a crowd arriving at once costs one message per reader, not one per pair."""
        count = await presence.presence_update(self.thread_id, self.channel_name, joined=joined)
        if count is not None and await presence.presence_claim(self.thread_id):
            asyncio.get_running_loop().create_task(
                _announce_presence(self.channel_layer, self.thread_id))

    @database_sync_to_async
    def _access(self) -> tuple[bool, bool]:
        user = self.scope.get("user")
        thread = Thread.objects.select_related("community").filter(pk=self.thread_id).first()
        if thread is None or user is None:
            return False, False
        self.community_id = thread.community_id
        self.anonymous_allowed = thread.community.allow_anonymous
        permissions.forget_memberships(user)
        if not permissions.can_view_thread(user, thread):
            return False, False
        return True, permissions.can_moderate_community(user, thread.community)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        if kind == "catchup":
            try:
                after = int(content.get("after", 0))
            except (TypeError, ValueError):
                return
            events = await database_sync_to_async(live.backlog_since)(self.thread_id, after)
            if events is None:
                await self.send_json({"type": "reload"})
                return
            for event in events:
                await self.send_json(event)
        elif kind == "typing" and self.user is not None and self.user.is_authenticated:
            now = time.monotonic()
            if now - self._last_typing < TYPING_INTERVAL:
                return
            self._last_typing = now
            allowed, _moderator = await self._access()
            if allowed and await database_sync_to_async(self._can_reply)():
                # Where members may post anonymously, typing never names anyone.
                name = "" if self.anonymous_allowed else self.user.username
                await self.channel_layer.group_send(
                    live.thread_group(self.thread_id),
                    {**message(live.typing(self.thread_id, name)), "sender": self.channel_name},
                )

    async def _close_revoked(self) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []
        await self.close(code=4403)

    def _can_reply(self) -> bool:
        thread = Thread.objects.select_related("community").get(pk=self.thread_id)
        return permissions.can_reply(self.user, thread)

    async def live_event(self, message):
        if message.get("sender") == self.channel_name:
            return
        event = message["event"]
        if event.get("type") == "access.revoked":
            # The member's sessions ended (ban, suspension, deactivation): close at once.
            await self._close_revoked()
            return
        if event.get("type") == "access.recheck":
            # Left a private community, or the community turned private: ask again.
            allowed, _moderator = await self._access()
            if not allowed:
                await self._close_revoked()
            return
        if event.get("thread") not in (None, self.thread_id):
            return
        text = message.get("text")
        if text is not None:
            await self.send(text_data=text)
        else:
            await self.send_json(event)
