"""The insights dashboard shows what the library, events and mentors brought (issue 19)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services as events
from learn import services as learn
from mentors.models import MentorApplication
from mentors.services import welcome_send
from tests.conftest import client_for, join, make_user, publish_thread

pytestmark = pytest.mark.django_db


def _section(admin) -> str:
    page = client_for(admin).get(reverse("insights:dashboard")).content.decode()
    section = page[page.index('data-section="education"'):]
    return section[:section.index("</section>")]


def _cells(section: str, label: str) -> tuple[str, str]:
    """(this period, previous period) of the row with that label."""
    row = section[section.index(label):]
    row = row[:row.index("</tr>")]
    cells = row.split("<td>")[1:]
    return tuple(cell[:cell.index("</td>")] for cell in cells)


def _world(admin, drlee, maria, james, diabetes):
    article = learn.article_create(author=drlee, community=diabetes, title="Walking",
                                   body="Walk after you eat. It helps. Take water.")
    article = learn.article_publish(actor=drlee, article=article)
    learn.article_viewed(user=maria, article=article)
    learn.article_vote(user=maria, article=article, helpful=True)
    learn.question_from_article(author=maria, article=article, community=diabetes,
                                title="How long?", body="How long should I walk?")
    start = timezone.now() - datetime.timedelta(minutes=30)
    event = events.event_schedule(by=admin, community=diabetes, title="Q&A", expert=drlee,
                                  starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    events.event_register(user=maria, event=event)
    events.event_attend(user=maria, event=event)
    question = events.question_ask(author=maria, event=event, body="Is it safe?")
    events.question_answer(expert=drlee, question=question, body="Yes.")
    MentorApplication.objects.create(user=james, community=diabetes, motivation="Help",
                                     status="approved")
    newcomer = make_user("newcomer", days=1)
    join(newcomer, diabetes)
    welcome_send(mentor=james, member=newcomer, community=diabetes, body="Welcome!")
    publish_thread(newcomer, diabetes, "Hello", "Thanks for the welcome")


def test_the_dashboard_counts_views_votes_questions_events_and_welcomes(
        admin, drlee, maria, james, diabetes, monkeypatch):
    from insights import presenters

    _world(admin, drlee, maria, james, diabetes)
    monkeypatch.setattr(presenters, "SMALL", 1)  # a deployment that shows every count
    section = _section(admin)

    def value(label: str) -> str:
        return _cells(section, label)[0]

    assert value("Article views by members") == "1"
    assert value("Questions started from an article") == "1"
    assert value("Event registrations") == "1" and value("Event attendance") == "1"
    assert value("Event questions answered") == "1"
    assert value("Mentor welcomes sent") == "1"
    assert value("Welcomed new members who posted within 7 days") == "1 / 1"
    assert _cells(section, "Article views by members")[1] == "0"  # the previous period


def test_counts_below_the_threshold_read_fewer_than_it_this_period_and_the_previous(
        admin, drlee, maria, james, diabetes):
    from insights.periods import Period
    from learn.models import ArticleView

    _world(admin, drlee, maria, james, diabetes)
    # five members viewed the article in the previous 30 days (the dashboard's default)
    view = ArticleView.objects.get()
    before = timezone.now() - datetime.timedelta(days=40)
    assert Period.last_days(30).previous().start <= before
    for n in range(5):
        reader = make_user(f"reader{n}")
        ArticleView.objects.create(article=view.article, user=reader, created_at=before)
    section = _section(admin)
    assert _cells(section, "Article views by members") == ("fewer than 5", "5")
    assert _cells(section, "Event registrations") == ("fewer than 5", "0")
    assert _cells(section, "Median time to answer (minutes)")[0] == "fewer than 5"
    assert _cells(section, "Welcomed new members who posted within 7 days")[0] == "fewer than 5"
    assert "Previous period" in section


def test_each_persons_impact_page_shows_what_their_articles_events_and_welcomes_did(
        admin, drlee, maria, james, diabetes):
    _world(admin, drlee, maria, james, diabetes)
    url = reverse("insights:me")
    page = client_for(drlee).get(url).content.decode()
    assert 'data-impact="author"' in page and 'data-impact="expert"' in page
    assert 'data-impact="mentor"' not in page
    assert "Answers to members&#x27; questions" in page or "Answers to members' questions" in page

    def cells(page: str, key: str) -> list[str]:
        row = page[page.index(f'data-figure="{key}"'):]
        row = row[:row.index("</tr>")]
        return [cell[:cell.index("</td>")] for cell in row.split("<td>")[1:]]

    author = page[page.index('data-impact="author"'):]
    assert cells(author, "views") == ["1", "0", "1"]
    assert cells(author, "helpful") == ["1", "0", "1"]
    assert cells(author, "started") == ["1", "0", "1"]
    expert = page[page.index('data-impact="expert"'):]
    assert cells(expert, "registrations")[0] == "1" and cells(expert, "attendance")[0] == "1"
    assert cells(expert, "answered") == ["1", "0", "1"]
    assert cells(expert, "wait")[0] == "0"  # answered at once
    # james, a mentor and no clinician: his welcome, and the newcomer posted after it
    page = client_for(james).get(url)
    assert page.status_code == 200
    page = page.content.decode()
    assert 'data-impact="mentor"' in page and 'data-impact="author"' not in page
    assert "Answers accepted" not in page  # a clinician's rows are not his
    mentor = page[page.index('data-impact="mentor"'):]
    assert cells(mentor, "welcomes") == ["1", "0", "1"]
    assert cells(mentor, "posted") == ["1", "0", "1"]
    # staff once they write an article; a patient has no impact page
    assert client_for(admin).get(url).status_code == 404
    learn.article_create(author=admin, community=diabetes, title="Our library",
                         body="Read what helps. Ask us.")
    page = client_for(admin).get(url)
    assert page.status_code == 200 and 'data-impact="author"' in page.content.decode()
    assert client_for(maria).get(url).status_code == 404
