"""The leak canary on the member socket for private messages: a message reaches the sockets
of its conversation's members only, as a hint without its words, and never the socket of a
member who blocks its sender."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from hearth.asgi import application
from messaging import services as messaging
from messaging.models import Conversation
from tests.conftest import client_for, make_user

SECRET = "zxmsgcanary41b7"


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
@pytest.mark.asyncio
async def test_the_member_socket_carries_a_message_to_its_conversation_only(redis_client):
    """james's socket hears of maria's conversation with rosa only as "nothing"; rosa's hears
    it; and once rosa blocks maria, maria's next message no longer reaches rosa's socket."""
    host = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]

    def people():
        return make_user("maria"), make_user("rosa"), make_user("james")

    maria, rosa, james = await sync_to_async(people)()

    async def socket(user):
        cookie = await sync_to_async(lambda: client_for(user).cookies["sessionid"].value)()
        communicator = WebsocketCommunicator(application, "/ws/me/", headers=[
            *host, (b"cookie", f"sessionid={cookie}".encode())])
        connected, _code = await communicator.connect(timeout=3)
        assert connected
        return communicator

    async def heard(communicator, timeout=1.0):
        events = []
        while not await communicator.receive_nothing(timeout=timeout):
            events.append(json.loads((await communicator.receive_output())["text"]))
        return events

    james_socket, rosa_socket = await socket(james), await socket(rosa)
    conversation = await sync_to_async(messaging.conversation_start)(
        sender=maria, recipients=[rosa], body=f"Hi rosa {SECRET}")
    rosa_events = await heard(rosa_socket)
    assert any(e["type"] == "message.new" and e["conversation"] == conversation.pk
               and e["unread"] == 1 for e in rosa_events), rosa_events
    assert SECRET not in json.dumps(rosa_events)  # a hint, never the words
    assert await heard(james_socket) == []
    await sync_to_async(messaging.block_set)(user=rosa, member=maria, blocked=True)
    await heard(rosa_socket, timeout=0.5)  # her own unread count
    await sync_to_async(messaging.message_send)(sender=maria, conversation=conversation,
                                                body="Are you there?")
    assert not [e for e in await heard(rosa_socket) if e["type"] == "message.new"]
    assert await sync_to_async(
        lambda: Conversation.objects.filter(pk=conversation.pk).exists())()
    await james_socket.disconnect()
    await rosa_socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
@pytest.mark.asyncio
async def test_request_events_reach_the_team_and_the_member_only(redis_client):
    """A request to the hospital is announced to the patient-experience team's sockets and,
    for a reply, to its member's; staff off the team and other members hear nothing."""
    from django.contrib.auth.models import Group

    from messaging.permissions import PATIENT_EXPERIENCE_GROUP

    host = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]

    def people():
        pat = make_user("pat")
        pat.groups.add(Group.objects.get_or_create(name=PATIENT_EXPERIENCE_GROUP)[0])
        return make_user("maria"), make_user("james"), make_user("admin", staff=True), pat

    maria, james, admin, pat = await sync_to_async(people)()

    async def socket(user):
        cookie = await sync_to_async(lambda: client_for(user).cookies["sessionid"].value)()
        communicator = WebsocketCommunicator(application, "/ws/me/", headers=[
            *host, (b"cookie", f"sessionid={cookie}".encode())])
        connected, _code = await communicator.connect(timeout=3)
        assert connected
        return communicator

    async def heard(communicator):
        events = []
        while not await communicator.receive_nothing(timeout=1.0):
            events.append(json.loads((await communicator.receive_output())["text"]))
        return events

    sockets = {name: await socket(user) for name, user in
               (("maria", maria), ("james", james), ("admin", admin), ("pat", pat))}
    request = await sync_to_async(messaging.ask_create)(
        member=maria, topic="billing", subject="Bill", body=f"About {SECRET}")
    assert {"type": "ask.changed", "request": request.pk} in await heard(sockets["pat"])
    await sync_to_async(messaging.ask_reply)(user=pat, request_id=request.pk, body="Done")
    assert {"type": "ask.changed", "request": request.pk} in await heard(sockets["maria"])
    assert await heard(sockets["james"]) == []
    assert await heard(sockets["admin"]) == []
    for communicator in sockets.values():
        await communicator.disconnect()
