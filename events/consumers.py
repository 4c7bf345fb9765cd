"""`/ws/e/<id>/`: the live socket of an expert Q&A event, for whoever may see the event."""

from __future__ import annotations

from channels.db import database_sync_to_async

from community import permissions as forum
from hearth.lib.consumers import LiveConsumer

from . import permissions
from .live import event_group
from .models import Event


class EventConsumer(LiveConsumer):
    async def connect(self):
        self.event_id = self.scope["url_route"]["kwargs"]["event_id"]
        if not await self._allowed():
            await self.close(code=4404)
            return
        self.groups_joined = [event_group(self.event_id)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    @database_sync_to_async
    def _allowed(self) -> bool:
        user = self.scope.get("user")
        event = Event.objects.select_related("community").filter(pk=self.event_id).first()
        if event is None or user is None:
            return False
        forum.forget_memberships(user)
        return permissions.can_view_event(user, event)

    @database_sync_to_async
    def _seq(self) -> int:
        return Event.objects.values_list("event_seq", flat=True).filter(
            pk=self.event_id).first() or 0

    async def receive_json(self, content, **kwargs):
        if content.get("type") != "catchup":
            return
        try:
            after = int(content.get("after", 0))
        except (TypeError, ValueError):
            return
        if await self._seq() > after:
            await self.send_json({"type": "reload"})

    async def live_event(self, message):
        event = message["event"]
        if event.get("type") in ("access.revoked", "access.recheck"):
            if event["type"] == "access.revoked" or not await self._allowed():
                await self.close(code=4403)
            return
        text = message.get("text")
        if text is not None:
            await self.send(text_data=text)
        else:
            await self.send_json(event)
