"""An expert Q&A that ended with answers is in the digest of its community's members (the
archive is the community's, like its discussions): never a non-member's, never one without an
answer, never a cancelled one, and never the digest's only item."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import Event
from notifications import digests, outbox
from tests.conftest import join, make_user, publish_thread

pytestmark = pytest.mark.django_db


def _ended_event(admin, community, expert, title, *, asker, answer=True, cancel=False):
    """An event asked and answered while live, then moved to have ended 2 hours ago."""
    now = timezone.now()
    event = services.event_schedule(by=admin, community=community, title=title, expert=expert,
                                    starts_at=now - datetime.timedelta(minutes=10),
                                    ends_at=now + datetime.timedelta(minutes=50))
    question = services.question_ask(author=asker, event=event, body="Can I run with insulin?")
    if answer:
        services.question_answer(expert=expert, question=question, body="Yes, with a snack.")
    if cancel:
        services.event_cancel(by=admin, event=event)
    Event.objects.filter(pk=event.pk).update(starts_at=now - datetime.timedelta(hours=3),
                                             ends_at=now - datetime.timedelta(hours=2))
    return event


def _digest(user) -> str:
    texts = [m.body for m in mail.outbox if m.to == [user.email]]
    return texts[0] if texts else ""


def test_an_ended_event_with_answers_is_in_its_members_digests_only(
        admin, diabetes, mental, drlee, maria, james):
    join(drlee, mental)
    answered = _ended_event(admin, diabetes, drlee, "Running with diabetes", asker=maria)
    _ended_event(admin, diabetes, drlee, "Nobody answered", asker=maria, answer=False)
    _ended_event(admin, mental, drlee, "Private night fears", asker=maria)
    _ended_event(admin, diabetes, drlee, "Cancelled one", asker=james, cancel=True)
    outsider = make_user("outsider")
    join(outsider, mental)  # ... but not diabetes
    author = make_user("author")
    for community in (diabetes, mental):
        join(author, community)
        publish_thread(author, community, title=f"News of {community.slug}", kind="discussion")
    mail.outbox.clear()
    result = digests.build_batch([maria.pk, james.pk, outsider.pk], ignore_morning=True)
    outbox.send(result.outbox_ids)
    text = _digest(james)
    assert "Running with diabetes" in text and "1 question answered by" in text
    assert answered.get_absolute_url() in text
    assert "Nobody answered" not in text and "Cancelled one" not in text
    assert "Private night fears" not in text  # james is not in the private community
    assert "Private night fears" in _digest(maria)
    assert "Running with diabetes" not in _digest(outsider)
    [html] = [m.alternatives[0][0] for m in mail.outbox if m.to == [james.email]]
    assert "Running with diabetes" in html


def test_an_event_alone_does_not_make_a_digest(admin, diabetes, drlee, maria, james):
    _ended_event(admin, diabetes, drlee, "Running with diabetes", asker=maria)
    result = digests.build_batch([james.pk], ignore_morning=True)
    assert result.outbox_ids == [] and result.empty == 1


def test_a_digest_in_spanish_names_the_archive_in_spanish(admin, diabetes, drlee, maria, james):
    james.language = "es"
    james.save(update_fields=["language"])
    _ended_event(admin, diabetes, drlee, "Correr con diabetes", asker=maria)
    publish_thread(maria, diabetes, title="Recetas", kind="discussion")
    mail.outbox.clear()
    outbox.send(digests.build_batch([james.pk], ignore_morning=True).outbox_ids)
    text = _digest(james)
    assert "Correr con diabetes" in text and "1 pregunta respondida por" in text


def test_a_qa_the_member_may_no_longer_see_is_taken_out_at_send_time(
        admin, diabetes, mental, drlee, maria):
    """Built, then the member leaves the private community before the email goes: the digest
    is rebuilt without that community's Q&A (its link is the only trace of it in the run)."""
    from community import services as forum

    join(drlee, mental)
    private = _ended_event(admin, mental, drlee, "Private night fears", asker=maria)
    author = make_user("author")
    join(author, diabetes)
    publish_thread(author, diabetes, title="Walking after dinner", kind="discussion")
    mail.outbox.clear()
    result = digests.build_batch([maria.pk], ignore_morning=True)
    assert result.outbox_ids
    from notifications.models import Outbox

    assert private.get_absolute_url() in Outbox.objects.get(pk=result.outbox_ids[0]).text
    forum.community_leave(user=maria, community=mental)
    outbox.send(result.outbox_ids)
    text = _digest(maria)
    assert "Walking after dinner" in text
    assert "Private night fears" not in text and private.get_absolute_url() not in text
