from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .live import user_group


class MeConsumer(AsyncJsonWebsocketConsumer):
    """`/ws/me/`: what concerns the signed-in member alone (notification count, staff queue)."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.groups_joined = [user_group(user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def live_event(self, message):
        await self.send_json(message["event"])

    async def live_close(self, message):
        await self.close(code=4403)
