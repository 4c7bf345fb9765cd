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
