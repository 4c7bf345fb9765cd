"""Live sockets through the real Redis channel layer."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import SESSION_KEY

from hearth.asgi import application
from hearth.live import publish_on_commit, user_group
from tests.conftest import client_for, publish_reply, publish_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
HOST = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]


def session_headers(user) -> list[tuple[bytes, bytes]]:
    client = client_for(user)
    assert client.session[SESSION_KEY] == str(user.pk)
    cookie = client.cookies["sessionid"].value
    return [*HOST, (b"cookie", f"sessionid={cookie}".encode())]


async def connect(path: str, headers) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _code = await communicator.connect(timeout=3)
    return communicator, connected


async def test_me_socket_receives_events_published_after_commit(redis_client, maria):
    headers = await sync_to_async(session_headers)(maria)
    communicator, connected = await connect("/ws/me/", headers)
    assert connected

    def publish():
        from django.db import transaction

        with transaction.atomic():
            publish_on_commit(user_group(maria.pk), {"type": "notifications", "unread": 3})

    await sync_to_async(publish)()
    assert await communicator.receive_json_from(timeout=2) == {
        "type": "notifications", "unread": 3}
    await communicator.disconnect()


async def test_me_socket_refuses_a_visitor(redis_client):
    communicator, connected = await connect("/ws/me/", HOST)
    assert not connected


async def test_a_foreign_origin_is_refused(redis_client, maria):
    headers = [(b"host", b"127.0.0.1"), (b"origin", b"https://evil.example")]
    communicator, connected = await connect("/ws/me/", headers)
    assert not connected


async def test_a_reply_reaches_a_visitor_watching_a_public_thread(redis_client, maria, james,
                                                                 diabetes):
    thread = await sync_to_async(publish_thread)(maria, diabetes)
    communicator, connected = await connect(f"/ws/t/{thread.pk}/", HOST)
    assert connected
    post = await sync_to_async(publish_reply)(james, thread, "Walking after dinner helped me.")
    event = await communicator.receive_json_from(timeout=2)
    assert event["type"] == "post.created"
    assert event["post"] == post.pk
    assert "Walking after dinner helped me." in event["html"]
    await communicator.disconnect()


async def test_a_non_member_cannot_open_the_socket_of_a_private_thread(redis_client, maria,
                                                                      james, mental):
    thread = await sync_to_async(publish_thread)(maria, mental)
    headers = await sync_to_async(session_headers)(james)
    communicator, connected = await connect(f"/ws/t/{thread.pk}/", headers)
    assert not connected
    communicator, connected = await connect(f"/ws/t/{thread.pk}/", HOST)
    assert not connected
