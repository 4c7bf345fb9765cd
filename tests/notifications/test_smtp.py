"""A digest through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import pytest
from django.core.mail import get_connection

from notifications import digests, emails, outbox
from notifications.models import Outbox
from tests.conftest import publish_thread

pytestmark = pytest.mark.django_db


def test_a_digest_arrives_at_a_real_smtp_server(maria, james, diabetes, smtp_server):
    sink, port = smtp_server
    publish_thread(james, diabetes, title="Breakfast ideas", kind="discussion")
    result = digests.build_batch([maria.pk, james.pk], ignore_morning=True)
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend",
                                host="127.0.0.1", port=port, use_tls=False, timeout=5)
    sent = outbox.send(result.outbox_ids, connection=connection)
    assert sent["sent"] == 2
    by_recipient = {rcpt[0]: raw for rcpt, raw in sink.messages}
    assert set(by_recipient) == {"maria@example.org", "james@example.org"}
    [message] = [m for m in sink.parsed() if m["To"] == "maria@example.org"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Breakfast ideas" in text and "Breakfast ideas" in html
    assert "<img" not in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/email/unsubscribe/" in message["List-Unsubscribe"]
    row = Outbox.objects.get(recipient=maria)
    assert message["Message-ID"] == emails.message_id(row.dedupe_key)
    assert row.status == Outbox.Status.SENT


def test_an_smtp_server_that_is_down_leaves_the_row_to_retry(maria, james, diabetes):
    from hearth.embedded import free_port

    publish_thread(james, diabetes, title="Breakfast ideas", kind="discussion")
    result = digests.build_batch([maria.pk], ignore_morning=True)
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend",
                                host="127.0.0.1", port=free_port(), timeout=2)
    with pytest.raises(OSError):
        outbox.send(result.outbox_ids, connection=connection)
    row = Outbox.objects.get(recipient=maria)
    assert row.status == Outbox.Status.PENDING and row.attempts == 0
