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
