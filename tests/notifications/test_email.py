"""The outbox and immediate emails: sent once, with back-off, in the member's language,
with a one-click unsubscribe that needs no cookies."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from community.models import ThreadFollow
from notifications import emails, outbox, services, tokens
from notifications.models import NotificationSettings, Outbox
from tests.conftest import client_for, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


def _outbox_row(user, key="test:1", **extra) -> Outbox:
    values = {"recipient": user, "kind": Outbox.Kind.REPLY, "dedupe_key": key,
              "subject": "Hello", "text": "Plain text", "html": "<p>HTML</p>"}
    values.update(extra)
    return Outbox.objects.create(**values)


def test_a_reply_sends_one_multipart_email_without_the_post_text(maria, james, diabetes,
                                                                   committed):
    thread = publish_thread(maria, diabetes, title="Night-time lows")
    with committed():
        publish_reply(james, thread, "My private story about insulin doses.")
    [message] = mail.outbox
    assert message.to == ["maria@example.org"]
    assert "Night-time lows" in message.subject
    assert "insulin doses" not in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "insulin doses" not in html
    assert "<style" not in html and 'style="' in html  # CSS inlined
    assert "<img" not in html  # no remote images, no tracking pixel
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    row = Outbox.objects.get()
    assert row.status == Outbox.Status.SENT and row.sent_at and row.attempts == 1


def test_at_most_one_email_per_thread_every_15_minutes(maria, james, diabetes, committed):
    first = publish_thread(maria, diabetes, title="First")
    second = publish_thread(maria, diabetes, title="Second")
    with committed():
        publish_reply(james, first, "One.")
    with committed():
        publish_reply(james, first, "Two, a little later.")
    with committed():
        publish_reply(james, second, "Three, elsewhere.")
    assert sorted(m.subject for m in mail.outbox) == ["New in “First”", "New in “Second”"]
    Outbox.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    with committed():
        publish_reply(james, first, "Four, much later.")
    assert len(mail.outbox) == 3


def test_reply_emails_follow_the_members_settings(maria, james, diabetes, committed):
    services.settings_update(user=maria, email_replies=False)
    thread = publish_thread(maria, diabetes)
    with committed():
        publish_reply(james, thread, "No email for this.")
    assert mail.outbox == []
    with committed():
        publish_reply(james, thread, "But @maria is mentioned here.")
    assert len(mail.outbox) == 0  # the same post already notified as a reply


def test_a_mention_email_is_in_the_members_language(maria, james, diabetes, committed):
    maria.language = "es"
    maria.save(update_fields=["language"])
    thread = publish_thread(james, diabetes)
    with committed():
        publish_reply(james, thread, "Thanks @maria!")
    [message] = mail.outbox
    assert 'lang="es"' in message.alternatives[0][0]


def test_an_anonymous_reply_email_does_not_name_the_author(maria, james, mental, committed):
    from tests.conftest import join

    join(james, mental)
    thread = publish_thread(maria, mental, kind="discussion")
    with committed():
        publish_reply(james, thread, "Quietly here.", anonymous=True)
    [message] = mail.outbox
    assert "james" not in message.body and "james" not in message.alternatives[0][0]


def test_a_row_is_claimed_by_one_sender_only(maria):
    row = _outbox_row(maria)
    assert outbox.claim(row.pk) is True
    assert outbox.claim(row.pk) is False


def test_sending_twice_sends_once(maria):
    row = _outbox_row(maria)
    outbox.send([row.pk])
    outbox.send([row.pk])
    assert len(mail.outbox) == 1


def test_a_dedupe_key_exists_once(maria):
    from django.db import IntegrityError

    _outbox_row(maria, key="digest:1:weekly:2026-W48")
    with pytest.raises(IntegrityError):
        _outbox_row(maria, key="digest:1:weekly:2026-W48")


def test_a_failure_backs_off_and_records_a_redacted_error(maria):
    row = _outbox_row(maria)
    boom = mock.patch("django.core.mail.message.EmailMessage.send",
                      side_effect=OSError("refused for maria@example.org"))
    with boom:
        result = outbox.send([row.pk])
    assert result["failed"] == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.PENDING and row.attempts == 1
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=30)
    assert "maria@example.org" not in row.last_error and "[email]" in row.last_error
    assert outbox.send([row.pk])["skipped"] == 1  # not before its time
    assert outbox.backoff(1) < outbox.backoff(2) < outbox.backoff(3)


def test_a_row_that_keeps_failing_is_given_up(maria):
    row = _outbox_row(maria, attempts=outbox.MAX_ATTEMPTS - 1)
    with mock.patch("django.core.mail.message.EmailMessage.send", side_effect=OSError("down")):
        outbox.send([row.pk])
    row.refresh_from_db()
    assert row.status == Outbox.Status.FAILED


def test_the_sweep_finishes_rows_left_behind(maria):
    from notifications.tasks import outbox_sweep

    pending = _outbox_row(maria, key="a")
    abandoned = _outbox_row(maria, key="b", status=Outbox.Status.SENDING,
                            next_attempt_at=timezone.now() - timedelta(seconds=1))
    in_flight = _outbox_row(maria, key="c", status=Outbox.Status.SENDING,
                            next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert outbox_sweep() == 2
    statuses = dict(Outbox.objects.values_list("pk", "status"))
    assert statuses[pending.pk] == statuses[abandoned.pk] == Outbox.Status.SENT
    assert statuses[in_flight.pk] == Outbox.Status.SENDING
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("problem", ["banned", "suspended", "inactive", "unverified"])
def test_no_email_to_members_who_cannot_get_one(maria, problem):
    from allauth.account.models import EmailAddress

    if problem == "banned":
        maria.banned_at = timezone.now()
    elif problem == "suspended":
        maria.suspended_until = timezone.now() + timedelta(days=2)
    elif problem == "inactive":
        maria.is_active = False
    else:
        EmailAddress.objects.filter(user=maria).update(verified=False)
    maria.save()
    row = _outbox_row(maria)
    assert outbox.send([row.pk])["cancelled"] == 1
    assert mail.outbox == []


def test_message_id_is_stable_per_row_and_reveals_no_ids():
    assert emails.message_id("digest:12:weekly:2026-W48") == \
        emails.message_id("digest:12:weekly:2026-W48")
    assert "12" not in emails.message_id("digest:12:weekly:2026-W48").split("@")[0][:2]


# --- Unsubscribe -----------------------------------------------------------------------------


def test_unsubscribe_get_confirms_and_changes_nothing(maria):
    token = tokens.unsubscribe_token(maria.pk, "digest")
    response = Client().get(f"/email/unsubscribe/{token}/")
    assert response.status_code == 200
    assert b"Stop these emails?" in response.content
    assert services.settings_for(maria).digest_frequency == "weekly"


def test_one_click_unsubscribe_is_a_post_without_cookies_or_csrf(maria):
    row = _outbox_row(maria, key="digest:x", kind=Outbox.Kind.DIGEST)
    token = tokens.unsubscribe_token(maria.pk, "digest")
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/email/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationSettings.objects.get(user=maria).digest_frequency == "never"
    row.refresh_from_db()
    assert row.status == Outbox.Status.CANCELLED


def test_unsubscribe_from_reply_emails(maria):
    token = tokens.unsubscribe_token(maria.pk, "replies")
    Client().post(f"/email/unsubscribe/{token}/")
    prefs = NotificationSettings.objects.get(user=maria)
    assert prefs.email_replies is False and prefs.email_mentions is True
    assert prefs.digest_frequency == "weekly"


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJsIjoiZGlnZXN0In0:1abc:xyz"])
def test_a_forged_unsubscribe_token_is_a_404(maria, token):
    assert Client().post(f"/email/unsubscribe/{token}/").status_code == 404


def test_a_click_token_cannot_be_used_to_unsubscribe(maria):
    token = tokens.click_token(user_id=maria.pk, thread_id=1, frequency="weekly",
                               period="2026-W48")
    assert Client().post(f"/email/unsubscribe/{token}/").status_code == 404


# --- Settings page -------------------------------------------------------------------------


def test_the_settings_page_saves_choices(maria):
    client = client_for(maria)
    html = client.get("/settings/notifications/").content.decode()
    assert "<h1>Email and notifications</h1>" in html
    assert 'for="id_email_replies"' in html
    response = client.post("/settings/notifications/", {
        "digest_frequency": "daily", "email_mentions": "on"})
    assert response.status_code == 302
    prefs = NotificationSettings.objects.get(user=maria)
    assert (prefs.digest_frequency, prefs.email_replies, prefs.email_mentions) == (
        "daily", False, True)


def test_settings_are_created_lazily_with_the_defaults(maria):
    prefs = services.settings_for(maria)
    assert prefs.pk is None or not NotificationSettings.objects.filter(user=maria).exists()
    assert (prefs.digest_frequency, prefs.email_replies, prefs.email_mentions) == (
        "weekly", True, True)


def test_following_a_thread_brings_reply_emails(maria, james, drlee, diabetes, committed):
    thread = publish_thread(maria, diabetes)
    ThreadFollow.objects.create(thread=thread, user=drlee)
    with committed():
        publish_reply(james, thread, "News!")
    assert sorted(m.to[0] for m in mail.outbox) == ["drlee@example.org", "maria@example.org"]


def test_a_prepared_signer_signs_as_djangos_signer_does():
    """A digest batch signs its click links with the key derived once: the same tokens."""
    from django.core import signing

    signer = tokens.click_signer()
    for value in ("12.345.w2026-W48", "1.2.d2026-11-30", "ünï.côdé"):
        assert signer.sign(value) == signing.Signer(salt=tokens.CLICK_SALT).sign(value)
    token = tokens.click_token(user_id=7, thread_id=9, frequency="weekly", period="2026-W48",
                               signer=signer)
    assert tokens.read_click_token(token).user_id == 7
