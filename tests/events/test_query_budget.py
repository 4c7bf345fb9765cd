"""The new pages' query counts do not grow with their content (rule 8)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services as events
from learn import services as learn
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


# The pages' budgets with 2 questions, votes and articles; with 10, exactly as many.
EVENT_PAGE, LIBRARY = 6, 4


def test_the_event_page_and_the_library_cost_the_same_with_more_in_them(
        admin, drlee, maria, james, diabetes, monkeypatch, django_assert_max_num_queries,
        django_assert_num_queries):
    monkeypatch.setattr(events, "QUESTION_RATE", (1000, 60))
    start = timezone.now() + datetime.timedelta(days=1)
    event = events.event_schedule(by=admin, community=diabetes, title="Q&A", expert=drlee,
                                  starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    as_james = client_for(james)

    def add(n: int) -> None:
        for i in range(n):
            question = events.question_ask(author=maria, event=event, body=f"Question {i}?")
            events.question_vote(user=james, question=question)
            article = learn.article_create(author=drlee, community=diabetes, title=f"A{i}",
                                           body="Walk after you eat. It helps. Take water.")
            learn.article_publish(actor=drlee, article=article)

    add(2)
    as_james.get(event.get_absolute_url())  # the first request of a session does more
    urls = (event.get_absolute_url(), reverse("learn:library", args=[diabetes.slug]))
    few = []
    for url, budget in zip(urls, (EVENT_PAGE, LIBRARY), strict=True):
        with django_assert_max_num_queries(budget) as queries:
            assert as_james.get(url).status_code == 200
        few.append(len(queries))
    add(8)
    for url, count in zip(urls, few, strict=True):
        with django_assert_num_queries(count):
            assert as_james.get(url).status_code == 200
