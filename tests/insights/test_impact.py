"""A clinician's own impact page: answers, accepted, Helpful received, members reached."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from community.models import Reaction, Thread, ThreadRead
from tests.conftest import client_for, publish_reply, publish_thread


def test_a_clinician_sees_the_impact_of_their_answers(maria, james, drlee, diabetes):
    # given: maria asks, drlee answers, maria accepts and finds it helpful, james reads it
    question = publish_thread(maria, diabetes, title="Morning numbers")
    answer = publish_reply(drlee, question, "Check before breakfast.")
    assert answer.is_clinician_answer
    Thread.objects.filter(pk=question.pk).update(accepted_post=answer)
    Reaction.objects.create(user=maria, post=answer, kind="helpful")
    later = timezone.now() + timedelta(seconds=1)
    ThreadRead.objects.create(user=james, thread=question, last_visit_at=later)
    ThreadRead.objects.create(user=maria, thread=question, last_visit_at=later)
    ThreadRead.objects.create(user=drlee, thread=question, last_visit_at=later)  # not counted
    # when
    response = client_for(drlee).get("/insights/me/")
    # then: last 30 days, 30 days before, since joining
    rows = {str(row["label"]): (row["cur"], row["prev"], row["all"])
            for row in response.context["rows"]}
    assert rows == {
        "Answers to members' questions": (1, 0, 1),
        "Answers accepted": (1, 0, 1),
        "“Helpful” reactions received": (1, 0, 1),
        "Members who read your answers": (2, 0, 2),
    }
