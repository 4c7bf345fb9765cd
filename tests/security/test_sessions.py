"""A ban, a suspension or a deactivation ends every session (all devices) and every open socket
of the member at once, through the real Redis channel layer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from accounts import services as accounts
from hearth.asgi import application
from moderation import services as moderation
from tests.conftest import client_for, publish_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio, pytest.mark.redis]
HOST = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]


def restrict(kind: str, member, by):
    if kind == "ban":
        moderation.member_ban(user=by, member=member, reason="spam")
    elif kind == "suspend":
        moderation.member_suspend(user=by, member=member, reason="heated",
                                  until=timezone.now() + timedelta(days=3))
    else:
        accounts.user_deactivate(user=member)


def two_devices(user) -> list[Client]:
    return [client_for(user), client_for(user)]


async def open_socket(path: str, client: Client) -> WebsocketCommunicator:
    cookie = client.cookies["sessionid"].value
    communicator = WebsocketCommunicator(
        application, path, headers=[*HOST, (b"cookie", f"sessionid={cookie}".encode())])
    connected, _code = await communicator.connect(timeout=3)
    assert connected, path
    return communicator


async def closed(communicator: WebsocketCommunicator, timeout: float = 3) -> bool:
    while True:
        message = await communicator.receive_output(timeout=timeout)
        if message["type"] == "websocket.close":
            return True


@pytest.mark.parametrize("kind", ["ban", "suspend", "deactivate"])
async def test_a_restriction_ends_every_session_and_socket_at_once(kind, redis_client, maria,
                                                                   james, diabetes, admin):
    thread = await sync_to_async(publish_thread)(maria, diabetes)
    devices = await sync_to_async(two_devices)(james)
    sockets = [await open_socket(f"/ws/t/{thread.pk}/", devices[0]),
               await open_socket("/ws/me/", devices[1])]
    # when
    await sync_to_async(restrict)(kind, james, admin)
    # then: both sockets close, and the next request of either device is a visitor's
    for socket in sockets:
        assert await closed(socket), f"{kind}: a socket stayed open"

    def next_requests():
        return [device.get("/settings/") for device in devices]

    for response in await sync_to_async(next_requests)():
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


async def test_after_a_ban_a_socket_with_the_old_cookie_is_refused(redis_client, maria, james,
                                                                   mental, admin):
    thread = await sync_to_async(publish_thread)(maria, mental)
    [device] = await sync_to_async(lambda: [client_for(maria)])()
    await sync_to_async(restrict)("ban", maria, admin)
    cookie = device.cookies["sessionid"].value
    for path in (f"/ws/t/{thread.pk}/", "/ws/me/"):
        communicator = WebsocketCommunicator(
            application, path, headers=[*HOST, (b"cookie", f"sessionid={cookie}".encode())])
        connected, _code = await communicator.connect(timeout=3)
        assert not connected, path
