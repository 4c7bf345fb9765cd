from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .live import me_groups, me_handler, user_group


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """A socket that receives live events (`hearth.lib.live.message`).

    Channels closes stale database connections before every handler it dispatches, through a
    hop to the one thread that runs synchronous code. With a thousand readers of a thread
    that was a thousand hops, one after another, for each reply: most of the time it took to
    reach the last reader. A live event is handled without that hop; handlers that do touch
    the database go through `database_sync_to_async`, which closes stale connections itself.
    """

    async def dispatch(self, message):
        if message.get("type") == "live.event":
            await self.live_event(message)
            return
        await super().dispatch(message)

    async def live_event(self, message):
        raise NotImplementedError


class MeConsumer(LiveConsumer):
    """`/ws/me/`: what concerns the signed-in member alone (notification count, and for
    moderators the review-queue count)."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.user = user
        self.groups_joined = [user_group(user.pk), *await database_sync_to_async(me_groups)(user)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def live_event(self, message):
        event = message["event"]
        if event.get("type") == "access.revoked":
            for group in self.groups_joined:
                await self.channel_layer.group_discard(group, self.channel_name)
            self.groups_joined = []
            await self.close(code=4403)
            return
        handler = me_handler(event.get("type", ""))
        if handler is not None:
            event = await database_sync_to_async(handler)(self.user, event)
            if event is None:
                return
        await self.send_json(event)
