"""Live sockets through the real Redis channel layer."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import SESSION_KEY

from community.live import _backlog_key
from hearth.asgi import application
from hearth.lib.live import publish_on_commit, user_group
from tests.conftest import client_for, publish_reply, publish_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def fresh_live_keys(redis_client):
    """Thread ids repeat between tests (the tables are emptied): so must the live keys."""
    from community.live import _prefix

    for key in redis_client.scan_iter(f"{_prefix()}:*"):
        redis_client.delete(key)
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
    event = await receive_types(communicator, "post.created")
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


async def receive_types(communicator, *wanted, timeout=2):
    """The next events of the wanted types, skipping presence counts."""
    while True:
        event = await communicator.receive_json_from(timeout=timeout)
        if event["type"] in wanted:
            return event


async def nothing_but_presence(communicator, timeout: float = 0.3) -> bool:
    """True when nothing arrives but presence counts."""
    while not await communicator.receive_nothing(timeout=timeout):
        if (await communicator.receive_json_from())["type"] != "presence":
            return False
    return True


async def test_catch_up_after_a_disconnect_returns_exactly_the_missed_events_in_order(
        redis_client, maria, james, diabetes):
    thread = await sync_to_async(publish_thread)(maria, diabetes)
    first, connected = await connect(f"/ws/t/{thread.pk}/", HOST)
    assert connected
    await sync_to_async(publish_reply)(james, thread, "seen live")
    seen = await receive_types(first, "post.created")
    await first.disconnect()

    missed = [await sync_to_async(publish_reply)(james, thread, f"missed {i}") for i in range(3)]

    again, connected = await connect(f"/ws/t/{thread.pk}/", HOST)
    assert connected
    await again.send_json_to({"type": "catchup", "after": seen["seq"]})
    events = [await receive_types(again, "post.created") for _ in missed]
    assert [e["post"] for e in events] == [p.pk for p in missed]
    assert [e["seq"] for e in events] == [seen["seq"] + 1, seen["seq"] + 2, seen["seq"] + 3]
    assert await nothing_but_presence(again)
    await again.disconnect()


async def test_catch_up_from_before_what_is_kept_asks_the_client_to_reload(
        redis_client, maria, james, diabetes):
    thread = await sync_to_async(publish_thread)(maria, diabetes)
    await sync_to_async(publish_reply)(james, thread, "one")
    key = _backlog_key(thread.pk)
    await sync_to_async(redis_client.zremrangebyrank)(key, 0, 0)  # the oldest fell out
    communicator, connected = await connect(f"/ws/t/{thread.pk}/", HOST)
    assert connected
    await communicator.send_json_to({"type": "catchup", "after": 0})
    assert (await receive_types(communicator, "reload"))["type"] == "reload"
    await communicator.disconnect()


async def test_a_ban_closes_the_members_thread_socket(redis_client, maria, james, diabetes):
    from accounts.services import user_ban

    thread = await sync_to_async(publish_thread)(maria, diabetes)
    headers = await sync_to_async(session_headers)(james)
    communicator, connected = await connect(f"/ws/t/{thread.pk}/", headers)
    assert connected
    await sync_to_async(_ban)(user_ban, james)
    output = await communicator.receive_output(timeout=1)
    while output["type"] == "websocket.send":
        output = await communicator.receive_output(timeout=1)
    assert output == {"type": "websocket.close", "code": 4403}


def _ban(user_ban, user):
    from django.db import transaction

    with transaction.atomic():
        user_ban(user=user, reason="spam")


async def test_leaving_a_private_community_closes_its_thread_sockets(redis_client, maria,
                                                                    mental):
    from community import services

    thread = await sync_to_async(publish_thread)(maria, mental)
    headers = await sync_to_async(session_headers)(maria)
    communicator, connected = await connect(f"/ws/t/{thread.pk}/", headers)
    assert connected
    await sync_to_async(services.community_leave)(user=maria, community=mental)
    output = await communicator.receive_output(timeout=1)
    while output["type"] == "websocket.send":
        output = await communicator.receive_output(timeout=1)
    assert output == {"type": "websocket.close", "code": 4403}


async def test_typing_reaches_others_but_not_the_typist(redis_client, maria, james, diabetes):
    thread = await sync_to_async(publish_thread)(maria, diabetes)
    maria_socket, _ = await connect(f"/ws/t/{thread.pk}/",
                                    await sync_to_async(session_headers)(maria))
    james_socket, _ = await connect(f"/ws/t/{thread.pk}/",
                                    await sync_to_async(session_headers)(james))
    await james_socket.send_json_to({"type": "typing"})
    event = await receive_types(maria_socket, "typing")
    assert event == {"type": "typing", "thread": thread.pk, "name": "james"}
    assert await nothing_but_presence(james_socket)
    await maria_socket.disconnect()
    await james_socket.disconnect()


async def test_typing_in_a_community_with_anonymous_posting_names_nobody(redis_client, maria,
                                                                        sam, mental):
    thread = await sync_to_async(publish_thread)(maria, mental)
    watcher, _ = await connect(f"/ws/t/{thread.pk}/", await sync_to_async(session_headers)(sam))
    typist, _ = await connect(f"/ws/t/{thread.pk}/", await sync_to_async(session_headers)(maria))
    await typist.send_json_to({"type": "typing"})
    event = await receive_types(watcher, "typing")
    assert event["name"] == ""
    await watcher.disconnect()
    await typist.disconnect()


async def test_presence_counts_the_readers_of_a_thread(redis_client, maria, diabetes):
    thread = await sync_to_async(publish_thread)(maria, diabetes)
    first, _ = await connect(f"/ws/t/{thread.pk}/", HOST)
    assert (await receive_types(first, "presence"))["count"] == 1
    second, _ = await connect(f"/ws/t/{thread.pk}/", HOST)
    assert (await receive_types(first, "presence"))["count"] == 2
    await second.disconnect()
    assert (await receive_types(first, "presence"))["count"] == 1
    await first.disconnect()


async def test_an_anonymous_posts_live_event_carries_no_author(redis_client, maria, sam, mental):
    thread = await sync_to_async(publish_thread)(sam, mental)
    communicator, _ = await connect(f"/ws/t/{thread.pk}/",
                                    await sync_to_async(session_headers)(sam))
    await sync_to_async(publish_reply)(maria, thread, "it's me", True)
    event = await receive_types(communicator, "post.created")
    assert "maria" not in event["html"] and f'data-author="{maria.pk}"' not in event["html"]
    assert "Anonymous member" in event["html"]
    await communicator.disconnect()


async def test_a_live_post_comes_in_every_language_whatever_language_published_it(
        redis_client, maria, james, diabetes):
    from django.utils import translation

    thread = await sync_to_async(publish_thread)(maria, diabetes)
    communicator, _ = await connect(f"/ws/t/{thread.pk}/", HOST)

    def reply_in_spanish():
        with translation.override("es"):
            publish_reply(james, thread, "hola")

    await sync_to_async(reply_in_spanish)()
    event = await receive_types(communicator, "post.created")
    assert ">Helpful <" in event["html"]
    assert ">Útil <" in event["translations"]["es"] or "Útil" in event["translations"]["es"]
    await communicator.disconnect()


async def test_live_events_reach_sockets_without_a_hop_to_the_sync_thread(
        redis_client, maria, james, diabetes, monkeypatch):
    """Channels closes stale database connections before each handler through a hop to the
    one synchronous thread; with a thousand readers that hop, once per reader and event, was
    most of the delivery time (bench/bench_live.py). Live events must not make it."""
    import channels.consumer

    hops = []
    real = channels.consumer.aclose_old_connections

    async def counting():
        hops.append(1)
        await real()

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counting)
    thread = await sync_to_async(publish_thread)(maria, diabetes)
    watchers = [(await connect(f"/ws/t/{thread.pk}/", HOST))[0] for _ in range(3)]
    hops.clear()  # opening a socket may hop (it reads the database), events may not
    await sync_to_async(publish_reply)(james, thread, "No hop for this one.")
    for communicator in watchers:
        event = await receive_types(communicator, "post.created")
        assert "No hop for this one." in event["html"]
    assert hops == []
    for communicator in watchers:
        await communicator.disconnect()
