"""The review queue's count reaches moderators live on /ws/me/, and nobody else."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from tests.community.test_live import connect, session_headers
from tests.conftest import join, make_community, make_user, publish_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def held_reply(thread, author):
    from django.db import transaction

    from community import services
    from moderation.services import post_screen

    with transaction.atomic():
        post = services._new_post(thread=thread, author=author,
                                  body="text me on 555-201-3344", anonymous=False)
    post_screen(post_id=post.pk)


async def test_a_held_post_updates_the_moderators_queue_count_and_no_one_elses(
        redis_client, maria, james, sam, diabetes):
    other = await sync_to_async(make_community)("elsewhere")
    outsider_mod = await sync_to_async(make_user)("othermod")
    await sync_to_async(join)(outsider_mod, other, "moderator")
    thread = await sync_to_async(publish_thread)(maria, diabetes)

    sam_socket, ok = await connect("/ws/me/", await sync_to_async(session_headers)(sam))
    assert ok
    other_socket, ok = await connect("/ws/me/",
                                     await sync_to_async(session_headers)(outsider_mod))
    assert ok
    maria_socket, ok = await connect("/ws/me/", await sync_to_async(session_headers)(maria))
    assert ok

    await sync_to_async(held_reply)(thread, james)

    event = await sam_socket.receive_json_from(timeout=2)
    assert event == {"type": "queue", "open": 1, "crisis": False}
    assert await other_socket.receive_nothing(timeout=0.5)
    assert await maria_socket.receive_nothing(timeout=0.2)
    for socket in (sam_socket, other_socket, maria_socket):
        await socket.disconnect()
