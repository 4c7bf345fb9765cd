"""The education library driven through its pages as writers and readers would."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from learn import services
from learn.models import Article, ArticleLink
from moderation.models import AuditLog
from notifications.models import Outbox
from tests.conftest import client_for, publish_reply, publish_thread

pytestmark = pytest.mark.django_db

EASY = ("Walking helps your blood sugar. Walk for ten minutes after you eat. "
        "Take water with you. Stop if you feel dizzy. Tell your nurse how it went.")
HARD = ("Postprandial glycaemic excursions are attenuated substantially by moderate-intensity "
        "ambulatory physical activity undertaken immediately following carbohydrate-containing "
        "meals, particularly among individuals demonstrating insulin resistance.")
ES_EASY = ("Caminar ayuda a bajar el azúcar. Camine diez minutos después de comer. "
           "Lleve agua. Pare si se siente mareado.")


def _write(client, community, title="Walking after meals", body=EASY, language="en", **extra):
    data = {"community": community.pk if community else "", "language": language,
            "title": title, "summary": "Why a short walk helps", "body": body,
            "sources": "https://www.cdc.gov/diabetes\nADA Standards of Care 2025",
            "credentials": "", "reviewer": "", "last_reviewed_on": "2026-01-10",
            "next_review_on": "2027-01-10", **extra}
    return client.post(reverse("learn:new"), data)


def _publish(client, article):
    return client.post(reverse("learn:status", args=[article.pk]), {"action": "publish"})


def test_a_clinician_writes_a_draft_sees_its_reading_level_and_publishes_it_with_an_audit_row(
        as_drlee, drlee, diabetes, maria, visitor):
    # given a draft written by drlee
    response = _write(as_drlee, diabetes)
    article = Article.objects.get()
    assert response.status_code == 302 and article.status == "draft"
    assert article.credentials == "MD" and article.author == drlee
    # then the editing page shows its reading level against the target (grade 8)
    page = as_drlee.get(reverse("learn:edit", args=[article.pk])).content.decode()
    assert "Reading level (Flesch-Kincaid): grade" in page and "Within the target of grade 8" \
        in page
    # and nobody else can see the draft
    url = article.get_absolute_url()
    assert client_for(maria).get(url).status_code == 404
    assert visitor.get(url).status_code == 404
    assert visitor.get(reverse("learn:library", args=[diabetes.slug])).content.decode().count(
        "Walking after meals") == 0
    # when published
    assert _publish(as_drlee, article).status_code == 302
    article.refresh_from_db()
    assert article.status == "published" and article.published_at is not None
    assert AuditLog.objects.filter(action="article_publish", target_id=str(article.pk),
                                   actor=drlee).exists()
    # then everyone reads it in the community's library
    library = visitor.get(reverse("learn:library", args=[diabetes.slug])).content.decode()
    assert "Walking after meals" in library
    page = visitor.get(url).content.decode()
    assert "ADA Standards of Care 2025" in page and "Last reviewed" in page
    # and unpublishing hides it again, audited
    as_drlee.post(reverse("learn:status", args=[article.pk]), {"action": "unpublish"})
    assert visitor.get(url).status_code == 404
    assert AuditLog.objects.filter(action="article_unpublish", target_id=str(article.pk)).exists()


def test_the_reading_level_while_typing_warns_above_the_target_and_uses_huerta_in_spanish(
        as_drlee, as_maria):
    url = reverse("learn:level")
    hard = as_drlee.post(url, {"body": HARD, "language": "en"}).content.decode()
    assert "Above the target of grade 8" in hard
    spanish = as_drlee.post(url, {"body": ES_EASY, "language": "es"}).content.decode()
    assert "Fernández Huerta" in spanish and "Within the target" in spanish
    assert as_maria.post(url, {"body": EASY, "language": "en"}).status_code == 404


def test_the_reading_level_target_is_set_per_deployment(as_drlee, settings):
    settings.HEARTH_READING_GRADE_TARGET = 40
    page = as_drlee.post(reverse("learn:level"), {"body": HARD, "language": "en"})
    assert "Within the target of grade 40" in page.content.decode()


def test_a_member_reading_in_spanish_is_pointed_to_the_spanish_version(
        as_drlee, diabetes, maria):
    _write(as_drlee, diabetes)
    english = Article.objects.get()
    _publish(as_drlee, english)
    response = as_drlee.post(reverse("learn:translate", args=[english.pk]), {
        "community": diabetes.pk, "language": "es", "title": "Caminar después de comer",
        "summary": "", "body": ES_EASY, "sources": "", "credentials": "MD", "reviewer": "",
        "last_reviewed_on": "", "next_review_on": ""})
    assert response.status_code == 302
    spanish = Article.objects.get(language="es")
    english.refresh_from_db()
    assert english.translation == spanish and spanish.translation == english
    _publish(as_drlee, spanish)
    maria.language = "es"
    maria.save(update_fields=["language"])
    as_maria = client_for(maria)
    page = as_maria.get(english.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert spanish.get_absolute_url() in page
    library = as_maria.get(reverse("learn:library", args=[diabetes.slug]),
                           HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Caminar después de comer" in library and "Walking after meals" not in library


def test_was_this_helpful_counts_one_vote_per_member_that_can_change(as_drlee, diabetes,
                                                                     maria, james):
    _write(as_drlee, diabetes)
    article = Article.objects.get()
    _publish(as_drlee, article)
    url = reverse("learn:helpful", args=[article.pk])
    as_maria = client_for(maria)
    as_maria.post(url, {"helpful": "yes"})
    as_maria.post(url, {"helpful": "yes"})
    client_for(james).post(url, {"helpful": "no"})
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 1)
    as_maria.post(url, {"helpful": "no"})
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (0, 2)
    assert article.votes.count() == 2


def test_member_views_are_counted_once_and_not_the_authors(as_drlee, diabetes, maria, visitor):
    _write(as_drlee, diabetes)
    article = Article.objects.get()
    _publish(as_drlee, article)
    as_maria = client_for(maria)
    for client in (as_maria, as_maria, as_drlee, visitor):
        client.get(article.get_absolute_url())
    article.refresh_from_db()
    assert article.view_count == 1


def test_a_private_communitys_articles_are_hidden_from_non_members_everywhere(
        mental, maria, james, admin, visitor):
    as_admin = client_for(admin)
    _write(as_admin, mental, title="Night panic zxlearncanary", body=EASY + " zxlearncanary")
    article = Article.objects.get()
    _publish(as_admin, article)
    for outsider in (client_for(james), visitor):
        assert outsider.get(article.get_absolute_url()).status_code == 404
        assert outsider.get(reverse("learn:library", args=[mental.slug])).status_code == 404
        found = outsider.get(reverse("community:search"), {"q": "zxlearncanary"})
        assert b"zxlearncanary" not in found.content.replace(b"q=zxlearncanary", b"").replace(
            "“zxlearncanary”".encode(), b"").replace(b'value="zxlearncanary"', b"")
    found = client_for(maria).get(reverse("community:search"), {"q": "zxlearncanary"})
    assert article.get_absolute_url().encode() in found.content


def test_a_clinician_attaches_read_more_under_an_answer_and_a_member_cannot(
        as_drlee, drlee, diabetes, maria, james):
    _write(as_drlee, diabetes)
    article = Article.objects.get()
    _publish(as_drlee, article)
    thread = publish_thread(maria, diabetes, "Sugar after dinner", "It goes up after dinner.")
    answer = publish_reply(drlee, thread, "A short walk after dinner helps many people.")
    url = reverse("learn:read_more", args=[answer.pk])
    assert client_for(james).get(url).status_code == 404
    assert as_drlee.get(url).status_code == 200
    assert as_drlee.post(url, {"article": article.pk}).status_code == 302
    page = client_for(james).get(thread.get_absolute_url()).content.decode()
    assert "Read more:" in page and article.get_absolute_url() in page
    # and the article lists the thread under "Questions about this article"
    about = client_for(james).get(article.get_absolute_url()).content.decode()
    assert "Sugar after dinner" in about


def test_a_member_starts_a_screened_question_from_an_article(as_drlee, diabetes, maria):
    _write(as_drlee, diabetes)
    article = Article.objects.get()
    _publish(as_drlee, article)
    as_maria = client_for(maria)
    response = as_maria.post(reverse("learn:ask", args=[article.pk]), {
        "title": "How long should I walk?", "body": "Is ten minutes enough for me?",
        "community": diabetes.pk})
    assert response.status_code == 302
    link = ArticleLink.objects.get(article=article)
    assert link.started_here and link.post.thread.title == "How long should I walk?"
    assert link.post.thread.kind == "question"


def test_the_author_is_reminded_once_when_an_article_is_due_for_review(as_drlee, drlee,
                                                                        diabetes):
    _write(as_drlee, diabetes, next_review_on="2026-03-01", last_reviewed_on="2025-03-01")
    article = Article.objects.get()
    _publish(as_drlee, article)
    assert services.review_reminders_send(today=datetime.date(2026, 2, 28)) == 0
    assert services.review_reminders_send(today=datetime.date(2026, 3, 2)) == 1
    assert services.review_reminders_send(today=datetime.date(2026, 3, 3)) == 0
    row = Outbox.objects.get(recipient=drlee)
    assert "Walking after meals" in row.subject
    assert reverse("learn:edit", args=[article.pk]) in row.text
    # a new review date means a new reminder when it comes
    as_drlee.post(reverse("learn:edit", args=[article.pk]), {
        "community": diabetes.pk, "language": "en", "title": article.title, "summary": "",
        "body": EASY, "sources": "", "credentials": "MD", "reviewer": "",
        "last_reviewed_on": "2026-03-02", "next_review_on": "2027-03-02"})
    assert services.review_reminders_send(today=datetime.date(2027, 3, 3)) == 1


def test_a_patient_cannot_write_articles(as_maria):
    assert as_maria.get(reverse("learn:new")).status_code == 404
