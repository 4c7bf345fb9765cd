"""Expert Q&A events driven through their pages, the outbox and the live socket."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Question, Registration
from moderation.models import AuditLog, ModerationItem
from notifications.models import Outbox
from notifications.services import outbox_send
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _event(community, expert, admin, *, starts_in=datetime.timedelta(days=3),
           hours=1) -> Event:
    start = timezone.now() + starts_in
    return services.event_schedule(by=admin, community=community, title="Ask about insulin",
                                   expert=expert, starts_at=start,
                                   ends_at=start + datetime.timedelta(hours=hours),
                                   description="Bring your questions.")


def test_staff_schedule_an_event_with_a_verified_clinician_and_others_cannot(
        as_admin, admin, diabetes, drlee, maria, james):
    url = reverse("events:new", args=[diabetes.slug])
    assert client_for(maria).get(url).status_code == 404
    response = as_admin.post(url, {"title": "Ask about insulin", "expert": drlee.pk,
                                   "starts_at": "2031-05-04T18:00", "ends_at": "2031-05-04T19:00",
                                   "description": "Bring questions."})
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.expert == drlee and event.phase() == "upcoming"
    assert AuditLog.objects.filter(action="event_schedule", target_id=str(event.pk)).exists()
    listing = client_for(maria).get(reverse("events:list", args=[diabetes.slug]))
    assert "Ask about insulin" in listing.content.decode()
    # a patient cannot be the expert
    bad = as_admin.post(url, {"title": "X", "expert": james.pk, "starts_at": "2031-05-04T18:00",
                              "ends_at": "2031-05-04T19:00", "description": ""})
    assert bad.status_code == 200 and Event.objects.count() == 1


def test_a_registered_member_gets_the_reminders_in_their_language_with_a_calendar_file(
        admin, diabetes, drlee, maria, james, settings):
    event = _event(diabetes, drlee, admin, starts_in=datetime.timedelta(hours=20))
    maria.language, maria.time_zone = "es", "America/Mexico_City"
    maria.save(update_fields=["language", "time_zone"])
    as_maria = client_for(maria)
    assert as_maria.post(reverse("events:register", args=[event.pk])).status_code == 302
    assert Registration.objects.filter(event=event, user=maria).exists()
    # the day before: one reminder, once, to the registered member only
    assert services.reminders_send() == 1
    assert services.reminders_send() == 0
    row = Outbox.objects.get(recipient=maria)
    assert "Mañana" in row.subject
    outbox_send([row.pk])
    message = mail.outbox[-1]
    assert message.to == [maria.email]
    name, content, mimetype = message.attachments[0]
    assert name == "event.ics" and mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content and "Ask about insulin" in content
    # in her time zone (Mexico City is UTC-6)
    local = event.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=-6)))
    assert f"{local:%H:%M}" in row.text or local.strftime("%-H:%M") in row.text
    # an hour before: the second reminder
    later = event.starts_at - datetime.timedelta(minutes=50)
    assert services.reminders_send(now=later) == 1
    assert Outbox.objects.filter(recipient=maria).count() == 2
    assert not Outbox.objects.filter(recipient=james).exists()


def test_questions_are_screened_like_posts_and_voted_once_per_member(
        admin, diabetes, drlee, maria, james, sam):
    event = _event(diabetes, drlee, admin)
    as_maria, as_james = client_for(maria), client_for(james)
    as_maria.post(reverse("events:ask", args=[event.pk]),
                  {"body": "Can I take insulin before a walk?"})
    as_james.post(reverse("events:ask", args=[event.pk]),
                  {"body": "Call me at (415) 555-0123 about my dose"})
    clean = Question.objects.get(author=maria)
    held = Question.objects.get(author=james)
    assert clean.status == "published" and held.status == "held"
    assert ModerationItem.objects.filter(target_type="question", target_id=held.pk).exists()
    page = client_for(drlee).get(event.get_absolute_url()).content.decode()
    assert "insulin before a walk" in page and "555-0123" not in page
    assert "555-0123" in as_james.get(event.get_absolute_url()).content.decode()
    assert "555-0123" in client_for(sam).get(event.get_absolute_url()).content.decode()
    # votes: one per member, a second click takes it back
    vote = reverse("events:vote", args=[clean.pk])
    as_james.post(vote)
    client_for(sam).post(vote)
    clean.refresh_from_db()
    assert clean.vote_count == 2
    as_james.post(vote)
    clean.refresh_from_db()
    assert clean.vote_count == 1
    # a moderator hides a question, audited
    client_for(sam).post(reverse("events:moderate", args=[clean.pk]), {"action": "hide"})
    assert "insulin before a walk" not in as_james.get(event.get_absolute_url()).content.decode()
    assert AuditLog.objects.filter(action="event_question_hide").exists()


def test_only_the_expert_answers_and_the_archive_is_searchable(admin, diabetes, drlee, maria,
                                                               james):
    event = _event(diabetes, drlee, admin, starts_in=-datetime.timedelta(minutes=30))
    client_for(maria).post(reverse("events:ask", args=[event.pk]),
                           {"body": "Does zxinsulinpen need the fridge?"})
    question = Question.objects.get()
    answer = reverse("events:answer", args=[question.pk])
    assert client_for(james).post(answer, {"answer": "No"}).status_code == 404
    client_for(drlee).post(answer, {"answer": "Keep spare pens in the fridge."})
    question.refresh_from_db()
    assert question.answered_by == drlee and "fridge" in question.answer_html
    # afterwards: archived, no new questions, found by search
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=2))
    event.refresh_from_db()
    assert event.phase() == "archived"
    assert client_for(james).post(reverse("events:ask", args=[event.pk]),
                                  {"body": "Late question"}).status_code == 403
    found = client_for(james).get(reverse("community:search"), {"q": "zxinsulinpen"})
    assert event.get_absolute_url().encode() in found.content


def test_a_registered_member_who_opens_the_live_event_counts_as_attending(admin, diabetes,
                                                                          drlee, maria):
    event = _event(diabetes, drlee, admin, starts_in=-datetime.timedelta(minutes=5))
    as_maria = client_for(maria)
    as_maria.post(reverse("events:register", args=[event.pk]))
    as_maria.get(event.get_absolute_url())
    assert Registration.objects.get(event=event, user=maria).attended_at is not None


def test_a_private_communitys_events_and_questions_are_hidden_from_non_members(
        admin, mental, drlee, maria, james, visitor):
    event = _event(mental, drlee, admin)
    client_for(maria).post(reverse("events:ask", args=[event.pk]),
                           {"body": "Night zxeventcanary worries"})
    assert Question.objects.filter(status="published").count() == 1
    for outsider in (client_for(james), visitor):
        assert outsider.get(reverse("events:list", args=[mental.slug])).status_code == 404
        assert outsider.get(event.get_absolute_url()).status_code == 404
        assert outsider.get(reverse("events:ics", args=[event.pk])).status_code == 404
    assert client_for(james).post(reverse("events:register", args=[event.pk])).status_code \
        == 404
    assert "zxeventcanary" in client_for(maria).get(event.get_absolute_url()).content.decode()
