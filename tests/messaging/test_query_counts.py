"""Query budgets of the messaging pages and of the review-queue cards for reported messages:
the same number of queries with 1 and with 10 (django_assert_num_queries)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging import services
from messaging.models import Message
from tests.conftest import client_for, join, make_user

pytestmark = pytest.mark.django_db


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx)


def writer(n: int, community):
    member = make_user(f"writer{n}")
    join(member, community)
    return member


def report_one(n: int, *, maria, diabetes) -> Message:
    """A conversation a new member starts with maria, a few messages long, one of which she
    reports."""
    sender = writer(n, diabetes)
    conversation = services.conversation_start(sender=sender, recipients=[maria],
                                               body=f"Hello {n}")
    services.message_send(sender=maria, conversation=conversation, body=f"Hi {n}")
    bad = services.message_send(sender=sender, conversation=conversation,
                                body=f"Send me money {n}")
    services.message_send(sender=maria, conversation=conversation, body=f"No {n}")
    services.message_report(user=maria, message=bad, reason="scam")
    return bad


def test_the_review_queue_asks_the_same_queries_for_1_and_10_reported_messages(
        maria, sam, diabetes, django_assert_num_queries):
    as_sam = client_for(sam)
    report_one(0, maria=maria, diabetes=diabetes)
    as_sam.get("/moderation/")  # the first visit of a session does its own once-only work
    one = queries(as_sam, "/moderation/")
    for n in range(1, 10):
        report_one(n, maria=maria, diabetes=diabetes)
    with django_assert_num_queries(one):
        page = as_sam.get("/moderation/").content.decode()
    # every card shows its message with the conversation around it
    for n in range(10):
        assert f"Send me money {n}" in page and f"Hello {n}" in page and f"No {n}" in page


def test_a_reported_messages_card_shows_five_messages_each_side(maria, sam, diabetes):
    sender = writer(0, diabetes)
    conversation = services.conversation_start(sender=sender, recipients=[maria], body="m0")
    sent = [services.message_send(sender=sender if i % 2 else maria,
                                  conversation=conversation, body=f"m{i}")
            for i in range(1, 15)]
    services.message_report(user=maria, message=sent[6], reason="harassment")  # m7
    page = client_for(sam).get("/moderation/").content.decode()
    shown = [i for i in range(15) if f"<p>m{i}</p>" in page]
    assert shown == list(range(2, 13))


def test_the_messages_list_asks_the_same_queries_for_1_and_10_conversations(
        maria, diabetes, django_assert_num_queries):
    as_maria = client_for(maria)
    conversation = services.conversation_start(sender=writer(0, diabetes), recipients=[maria],
                                               body="Hello 0")
    for path in ("/messages/", f"/messages/{conversation.pk}/"):
        as_maria.get(path)
    one = (queries(as_maria, "/messages/"), queries(as_maria, f"/messages/{conversation.pk}/"))
    for n in range(1, 10):
        other = services.conversation_start(sender=writer(n, diabetes),
                                            recipients=[maria, writer(100 + n, diabetes)],
                                            body=f"Hello {n}")
        services.message_send(sender=maria, conversation=other, body=f"Hi {n}")
        services.message_send(sender=maria, conversation=conversation, body=f"More {n}")
    with django_assert_num_queries(one[0]):
        page = as_maria.get("/messages/").content.decode()
    assert all(f"writer{n}" in page for n in range(10))
    with django_assert_num_queries(one[1]):
        as_maria.get(f"/messages/{conversation.pk}/")
