"""Staff edit and cancel an event: audited; a cancellation reaches every registered member by
email through the outbox, in their language; nobody else may do either."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event
from moderation.models import AuditLog
from notifications.models import Outbox
from notifications.services import outbox_send
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _event(community, expert, admin) -> Event:
    start = timezone.now() + datetime.timedelta(days=3)
    return services.event_schedule(by=admin, community=community, title="Ask about insulin",
                                   expert=expert, starts_at=start,
                                   ends_at=start + datetime.timedelta(hours=1))


def test_staff_edit_an_event_and_the_change_is_audited(as_admin, admin, diabetes, drlee,
                                                        maria, sam):
    event = _event(diabetes, drlee, admin)
    url = reverse("events:edit", args=[event.pk])
    for other in (maria, sam, drlee):  # a member, a moderator, the expert
        assert client_for(other).get(url).status_code == 404
    page = as_admin.get(url)
    assert page.status_code == 200 and "Ask about insulin" in page.content.decode()
    response = as_admin.post(url, {"title": "Insulin questions", "expert": drlee.pk,
                                   "starts_at": "2031-05-04T18:00",
                                   "ends_at": "2031-05-04T19:30", "description": "New"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Insulin questions" and event.description_html
    assert event.ends_at - event.starts_at == datetime.timedelta(minutes=90)
    assert AuditLog.objects.filter(action="event_edit", target_id=str(event.pk)).exists()
    # the event page offers staff the screen
    assert url in as_admin.get(event.get_absolute_url()).content.decode()
    assert url not in client_for(maria).get(event.get_absolute_url()).content.decode()


def test_an_edit_that_ends_before_it_starts_is_refused(as_admin, admin, diabetes, drlee):
    event = _event(diabetes, drlee, admin)
    response = as_admin.post(reverse("events:edit", args=[event.pk]), {
        "title": "X", "expert": drlee.pk, "starts_at": "2031-05-04T18:00",
        "ends_at": "2031-05-04T17:00", "description": ""})
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.title == "Ask about insulin"


def test_cancelling_emails_each_registered_member_in_their_language_once(
        as_admin, admin, diabetes, drlee, maria, james, sam):
    event = _event(diabetes, drlee, admin)
    maria.language = "es"
    maria.save(update_fields=["language"])
    for member in (maria, james):
        services.event_register(user=member, event=event)
    url = reverse("events:cancel", args=[event.pk])
    assert client_for(sam).post(url).status_code == 404  # moderators do not cancel
    assert client_for(maria).post(url).status_code == 404
    response = as_admin.post(url, {"reason": "Dr. Lee is unwell."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED and event.phase() == "archived"
    audit = AuditLog.objects.get(action="event_cancel", target_id=str(event.pk))
    assert audit.reason == "Dr. Lee is unwell."
    rows = {row.recipient_id: row for row in Outbox.objects.all()}
    assert set(rows) == {maria.pk, james.pk}  # sam did not register
    assert "Cancelada" in rows[maria.pk].subject and "cancelado" in rows[maria.pk].text
    assert "Cancelled" in rows[james.pk].subject and "Dr. Lee is unwell." in rows[james.pk].text
    outbox_send([row.pk for row in rows.values()])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([maria.email, james.email])
    assert not mail.outbox[0].attachments  # no calendar file for a cancelled event
    # once: a cancelled event can be neither cancelled again nor edited, nor registered for
    assert as_admin.post(url).status_code == 404
    assert as_admin.get(reverse("events:edit", args=[event.pk])).status_code == 404
    assert Outbox.objects.count() == 2
    page = client_for(maria).get(event.get_absolute_url()).content.decode()
    assert "cancelado" in page.lower()
    # no reminder for it either
    assert services.reminders_send(now=event.starts_at - datetime.timedelta(minutes=30)) == 0
