"""The unread count reaches the member's own socket (/ws/me/) after commit."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import SESSION_KEY

from hearth.asgi import application
from tests.conftest import client_for, publish_reply, publish_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
HOST = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]


def session_headers(user):
    client = client_for(user)
    assert client.session[SESSION_KEY] == str(user.pk)
    return [*HOST, (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]


async def next_count(communicator) -> int:
    while True:
        event = await communicator.receive_json_from(timeout=3)
        if event.get("type") == "notifications":
            return event["unread"]


async def test_a_reply_sends_the_new_unread_count_to_the_authors_socket(redis_client, maria,
                                                                        james, diabetes):
    thread = await sync_to_async(publish_thread)(maria, diabetes)
    communicator = WebsocketCommunicator(application, "/ws/me/",
                                         headers=await sync_to_async(session_headers)(maria))
    connected, _code = await communicator.connect(timeout=3)
    assert connected
    await sync_to_async(publish_reply)(james, thread, "Welcome, you are not alone.")
    assert await next_count(communicator) == 1
    client = await sync_to_async(client_for)(maria)
    await sync_to_async(client.post)("/notifications/read-all/")
    assert await next_count(communicator) == 0
    await communicator.disconnect()
