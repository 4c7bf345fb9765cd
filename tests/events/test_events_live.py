"""The expert's answer reaches every open event page over the socket."""

from __future__ import annotations

import datetime

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from events import services
from tests.community.test_live import HOST, connect, session_headers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _live_event(admin, community, expert):
    start = timezone.now() - datetime.timedelta(minutes=10)
    return services.event_schedule(by=admin, community=community, title="Live Q&A",
                                   expert=expert, starts_at=start,
                                   ends_at=start + datetime.timedelta(hours=1))


async def test_an_answer_arrives_live_on_a_members_and_a_visitors_page(
        redis_client, admin, diabetes, drlee, maria):
    event = await sync_to_async(_live_event)(admin, diabetes, drlee)
    question = await sync_to_async(services.question_ask)(
        author=maria, event=event, body="Is it safe to walk after insulin?")
    member, ok = await connect(f"/ws/e/{event.pk}/", await sync_to_async(session_headers)(maria))
    visitor, ok2 = await connect(f"/ws/e/{event.pk}/", HOST)
    assert ok and ok2
    await sync_to_async(services.question_answer)(
        expert=drlee, question=question, body="Yes, carry a snack with you.")
    for socket in (member, visitor):
        event_msg = await socket.receive_json_from(timeout=3)
        assert event_msg["type"] == "event.question" and event_msg["answered"]
        assert "carry a snack" in event_msg["html"]
        await socket.disconnect()


async def test_a_non_member_cannot_open_a_private_events_socket(redis_client, admin, mental,
                                                                drlee, james):
    event = await sync_to_async(_live_event)(admin, mental, drlee)
    _socket, connected = await connect(f"/ws/e/{event.pk}/",
                                       await sync_to_async(session_headers)(james))
    assert not connected


async def test_a_moderators_order_and_hide_reach_every_page_with_controls_for_each_reader(
        redis_client, admin, diabetes, drlee, maria, sam):
    event = await sync_to_async(_live_event)(admin, diabetes, drlee)
    socket, ok = await connect(f"/ws/e/{event.pk}/", await sync_to_async(session_headers)(maria))
    assert ok
    question = await sync_to_async(services.question_ask)(
        author=maria, event=event, body="Can I fast before my blood test?")
    arrived = await socket.receive_json_from(timeout=3)
    # rendered once for everyone: each control says whom it is for, hidden until the page
    # keeps its reader's; no CSRF token inside (the page adds its own); Spanish beside it
    html = arrived["html"]
    for role in ("voter", "answerer", "moderator"):
        assert f'data-for="{role}" hidden' in html
    assert "csrfmiddlewaretoken" not in html
    assert f'data-author="{maria.pk}"' in html
    assert "Ocultar" in arrived["translations"]["es"]
    await sync_to_async(services.question_moderate)(moderator=sam, question=question,
                                                    action="order", order=1)
    ordered = await socket.receive_json_from(timeout=3)
    assert ordered["type"] == "event.question" and ordered["order"] == 1
    assert 'data-order="1"' in ordered["html"]
    await sync_to_async(services.question_moderate)(moderator=sam, question=question,
                                                    action="hide")
    hidden = await socket.receive_json_from(timeout=3)
    assert hidden == {"type": "event.question.removed", "event": event.pk,
                      "seq": hidden["seq"], "question": question.pk}
    assert hidden["seq"] == ordered["seq"] + 1
    await socket.disconnect()


async def test_an_anonymous_question_arrives_without_its_author(redis_client, admin, diabetes,
                                                                 drlee, maria):
    def anonymous_event():
        diabetes.allow_anonymous = True
        diabetes.save(update_fields=["allow_anonymous"])
        return _live_event(admin, diabetes, drlee)

    event = await sync_to_async(anonymous_event)()
    socket, ok = await connect(f"/ws/e/{event.pk}/", HOST)
    assert ok
    await sync_to_async(services.question_ask)(author=maria, event=event, anonymous=True,
                                               body="Is my dose too high?")
    arrived = await socket.receive_json_from(timeout=3)
    assert 'data-author=""' in arrived["html"] and "maria" not in arrived["html"].lower()
    await socket.disconnect()
