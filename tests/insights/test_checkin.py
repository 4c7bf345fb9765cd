"""The monthly check-in in the digest: "Did Hearth help you manage your health this month?",
one click from the email with no sign-in, asked once per member per month, and a second click
changes the answer instead of adding one."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.core import mail
from django.test import Client

from notifications import digests, services
from notifications.models import CheckIn
from tests.conftest import publish_thread

NOW = datetime(2026, 10, 14, 9, 0, tzinfo=UTC)


def send_digest(*users, now):
    result = digests.build_batch([u.pk for u in users], now=now, ignore_morning=True)
    services.outbox_send(result.outbox_ids)
    return result


def checkin_links(message) -> dict[str, str]:
    return dict(re.findall(r"^(Yes|Somewhat|No): (http\S+/email/checkin/\S+/)$", message.body,
                           re.MULTILINE))


def test_one_click_records_the_answer_and_a_second_click_changes_it(maria, james, diabetes):
    publish_thread(james, diabetes, title="Something new", kind="discussion")
    send_digest(maria, now=NOW)
    [message] = mail.outbox
    assert "Did Hearth help you manage your health this month?" in message.body
    html = message.alternatives[0][0]
    assert "/email/checkin/" in html
    links = checkin_links(message)
    assert set(links) == {"Yes", "Somewhat", "No"}
    assert CheckIn.objects.get().answer == ""

    visitor = Client()  # no sign-in: the signed link is the authorization
    path = "/" + links["Somewhat"].split("://", 1)[1].split("/", 1)[1]
    # opening the link (as a mail scanner does) only asks to confirm
    page = visitor.get(path)
    assert page.status_code == 200
    assert "Send my answer: Somewhat" in page.content.decode()
    assert CheckIn.objects.get().answer == ""
    # the button records it
    page = visitor.post(path)
    assert page.status_code == 200
    assert "You answered: Somewhat" in page.content.decode()
    assert list(CheckIn.objects.values_list("user__username", "month", "answer")) == [
        ("maria", "2026-10", "somewhat")]

    path = "/" + links["Yes"].split("://", 1)[1].split("/", 1)[1]
    assert visitor.post(path).status_code == 200
    assert list(CheckIn.objects.values_list("user__username", "month", "answer")) == [
        ("maria", "2026-10", "yes")]


def test_a_check_in_link_needs_its_csrf_token_to_answer(maria, james, diabetes):
    publish_thread(james, diabetes, title="Something new", kind="discussion")
    send_digest(maria, now=NOW)
    path = "/" + checkin_links(mail.outbox[0])["No"].split("://", 1)[1].split("/", 1)[1]
    assert Client(enforce_csrf_checks=True).post(path).status_code == 403
    assert CheckIn.objects.get().answer == ""


def test_the_check_in_is_asked_once_a_month(maria, james, diabetes):
    publish_thread(james, diabetes, title="First", kind="discussion")
    send_digest(maria, now=NOW)
    publish_thread(james, diabetes, title="Second", kind="discussion")
    send_digest(maria, now=NOW + timedelta(days=8))  # the next week
    first, second = (m.body for m in mail.outbox)
    assert "manage your health this month" in first
    assert "Second" in second and "manage your health this month" not in second
    publish_thread(james, diabetes, title="Third", kind="discussion")
    send_digest(maria, now=datetime(2026, 11, 2, 9, tzinfo=UTC))
    assert "manage your health this month" in mail.outbox[2].body
    assert sorted(CheckIn.objects.values_list("month", flat=True)) == ["2026-10", "2026-11"]


def test_a_forged_or_altered_link_records_nothing(maria, james, diabetes, visitor):
    publish_thread(james, diabetes, title="Something new", kind="discussion")
    send_digest(maria, now=NOW)
    link = checkin_links(mail.outbox[0])["Yes"]
    token = link.rstrip("/").split("/")[-2]
    assert visitor.get(f"/email/checkin/{token}/maybe/").status_code == 404
    assert visitor.post(f"/email/checkin/{token[:-2]}xx/yes/").status_code == 404
    assert visitor.get(f"/email/checkin/{token[:-2]}xx/yes/").status_code == 404
    user_part, rest = token.split(".", 1)
    assert visitor.get(f"/email/checkin/{int(user_part) + 1}.{rest}/yes/").status_code == 404
    assert CheckIn.objects.get().answer == ""
