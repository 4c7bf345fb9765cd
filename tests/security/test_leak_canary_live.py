"""The leak canary on the live sockets (test_leak_canary.py has the rest): a non-member's
thread socket is refused and their own socket hears nothing of a private reply."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from community import services as forum
from hearth.asgi import application
from tests.conftest import client_for, publish_thread

from .world import CANARY


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
@pytest.mark.asyncio
async def test_sockets_carry_no_canary_to_a_non_member(redis_client, maria, james, mental,
                                                       diabetes):
    """james is not in mental-health: its thread socket refuses him, and his own socket
    hears nothing of a private reply that @-mentions him."""
    host = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]
    thread = await sync_to_async(publish_thread)(maria, mental, title="Private nights",
                                                 body=f"first {CANARY}")

    def cookie_of(user):
        return client_for(user).cookies["sessionid"].value

    james_cookie = await sync_to_async(cookie_of)(james)
    headers = [*host, (b"cookie", f"sessionid={james_cookie}".encode())]
    refused = WebsocketCommunicator(application, f"/ws/t/{thread.pk}/", headers=headers)
    connected, _code = await refused.connect(timeout=3)
    assert not connected
    me = WebsocketCommunicator(application, "/ws/me/", headers=headers)
    connected, _code = await me.connect(timeout=3)
    assert connected
    maria_cookie = await sync_to_async(cookie_of)(maria)
    member = WebsocketCommunicator(application, f"/ws/t/{thread.pk}/", headers=[
        *host, (b"cookie", f"sessionid={maria_cookie}".encode())])
    connected, _code = await member.connect(timeout=3)
    assert connected

    await sync_to_async(forum.post_reply)(author=maria, thread=thread,
                                          body=f"@james hello {CANARY} there")
    heard = []
    while not await me.receive_nothing(timeout=1.0):
        heard.append(await me.receive_output())
    assert CANARY not in json.dumps(heard), heard
    # positive control: the member's thread socket carried the reply
    seen = []
    while not await member.receive_nothing(timeout=0.5):
        seen.append(await member.receive_output())
    assert CANARY in json.dumps(seen)
    await me.disconnect()
    await member.disconnect()
