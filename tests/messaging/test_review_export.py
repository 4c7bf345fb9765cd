"""Review of messaging's export: a member's data export holds all of their conversations."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_data_export_holds_every_message_of_a_long_conversation(as_james, maria, james):
    from accounts.services import export_gather
    from messaging.models import Conversation, Message

    # given a conversation longer than the page shows at once (50 messages)
    assert as_james.post("/messages/new/", {"to": "maria", "body": "message 0"}
                         ).status_code == 302
    conversation = Conversation.objects.get()
    Message.objects.bulk_create([
        Message(conversation=conversation, sender=maria if n % 2 else james,
                body=f"message {n}") for n in range(1, 80)])
    # when maria exports her data
    exported = export_gather(user=maria)["conversations"]
    # then every message is in it, oldest first, not only the newest page
    assert [m["text"] for m in exported[0]["messages"]] == [f"message {n}" for n in range(80)]


def test_older_messages_of_a_long_conversation_are_a_click_away(as_james, maria, james):
    from messaging.models import Conversation, Message
    from tests.conftest import client_for

    # given a conversation of 80 messages
    assert as_james.post("/messages/new/", {"to": "maria", "body": "message 0."}
                         ).status_code == 302
    conversation = Conversation.objects.get()
    Message.objects.bulk_create([
        Message(conversation=conversation, sender=maria if n % 2 else james,
                body=f"message {n}.", body_html=f"<p>message {n}.</p>") for n in range(1, 80)])
    as_maria = client_for(maria)
    # when maria opens it, she sees the newest and a link to older ones
    page = as_maria.get(f"/messages/{conversation.pk}/")
    text = page.content.decode()
    assert "message 79." in text and "message 29." not in text
    older = page.context["older"]
    assert f'href="?before={older}"' in text
    # and following it, she reads the older messages (the first one too, at the end)
    text = as_maria.get(f"/messages/{conversation.pk}/?before={older}").content.decode()
    assert "message 29." in text and "message 79." not in text
    seen = [n for n in range(80) if f"message {n}." in text]
    assert seen == list(range(0, 30))


def test_the_list_marks_a_conversation_unread_whatever_the_message_ids(as_james, maria, james):
    from messaging.models import Conversation, Message
    from tests.conftest import client_for

    # given message ids far from conversation ids, as in any real database
    scratch = Conversation.objects.create(started_by=james)
    Message.objects.bulk_create([Message(conversation=scratch, sender=james, body="x")
                                 for _n in range(10)])
    scratch.delete()
    assert as_james.post("/messages/new/", {"to": "maria", "body": "first"}).status_code == 302
    conversation = Conversation.objects.get()
    Message.objects.bulk_create([Message(conversation=conversation, sender=james,
                                         body=f"m{n}", body_html=f"<p>m{n}</p>")
                                 for n in range(40)])
    as_maria = client_for(maria)
    # when maria opens her Messages list
    page = as_maria.get("/messages/")
    # then the conversation is unread, and the header's count is still 1 after the list
    assert [c.has_unread for c in page.context["conversations"]] == [True]
    assert as_maria.get("/").context["messages_unread"] == 1
    # and once read, it is not
    as_maria.get(f"/messages/{conversation.pk}/")
    page = as_maria.get("/messages/")
    assert [c.has_unread for c in page.context["conversations"]] == [False]
