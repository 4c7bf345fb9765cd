"""No dead ends for the people who do the work (issue 15): every role reaches its work from
the menu, and a community moderator manages their communities' watched words, as they do the
rest of their communities' moderation (staff manage every word)."""

from __future__ import annotations

import html

import pytest

from community import services as forum
from community.models import Post
from moderation.models import AuditLog, WatchedWord
from tests.conftest import make_community, publish_thread

pytestmark = pytest.mark.django_db


def nav(client) -> str:
    page = html.unescape(client.get("/").content.decode())
    return page[page.index('<nav aria-label="Main"'):page.index("</nav>")]


def test_every_role_reaches_its_work_from_the_menu(as_maria, as_drlee, as_sam, as_admin,
                                                    maria, diabetes):
    publish_thread(maria, diabetes, title="Is this dose right?")  # a question, no clinician yet
    clinician = nav(as_drlee)
    assert 'href="/clinicians/queue/"' in clinician and "Questions waiting" in clinician
    assert "data-clinician-waiting> 1<" in clinician

    moderator = nav(as_sam)
    assert 'href="/moderation/"' in moderator and 'href="/moderation/words/"' in moderator

    staff = nav(as_admin)
    assert 'href="/insights/"' in staff and 'href="/moderation/words/"' in staff

    patient = nav(as_maria)
    assert 'href="/bookmarks/"' in patient
    for work in ("/clinicians/queue/", "/moderation/", "/insights/"):
        assert f'href="{work}"' not in patient
    # and each of those links opens
    assert as_drlee.get("/clinicians/queue/").status_code == 200
    assert as_sam.get("/moderation/words/").status_code == 200
    assert as_admin.get("/insights/").status_code == 200
    assert as_maria.get("/bookmarks/").status_code == 200


def test_a_community_moderator_manages_their_communities_watched_words(as_sam, as_admin,
                                                                       as_maria, sam, diabetes):
    elsewhere = make_community("caregivers")  # sam does not moderate it
    response = as_sam.post("/moderation/words/", {
        "form": "add", "add-pattern": "miracle pills", "add-action": "hold",
        "add-community": diabetes.slug})
    assert response.status_code == 302
    word = WatchedWord.objects.get(pattern="miracle pills")
    assert word.community == diabetes
    assert AuditLog.objects.filter(action="word.add", community_id=diabetes.pk).exists()

    # not for a community they do not moderate, nor for every community
    for community in (elsewhere.slug, ""):
        refused = as_sam.post("/moderation/words/", {
            "form": "add", "add-pattern": "snake oil", "add-action": "hold",
            "add-community": community})
        assert refused.status_code == 400
    assert not WatchedWord.objects.filter(pattern="snake oil").exists()

    # staff's word for every community, and another community's word: not on sam's page,
    # and sam cannot remove them
    everywhere = WatchedWord.objects.create(pattern="crypto", action="flag")
    theirs = WatchedWord.objects.create(pattern="essential oils", action="flag",
                                        community=elsewhere)
    page = html.unescape(as_sam.get("/moderation/words/").content.decode())
    assert "miracle pills" in page and "crypto" not in page and "essential oils" not in page
    for other in (everywhere, theirs):
        assert as_sam.post("/moderation/words/", {"form": "delete",
                                                  "word": other.pk}).status_code == 404
    assert WatchedWord.objects.count() == 3
    csv_text = as_sam.get("/moderation/words/?format=csv").content.decode()
    assert "miracle pills" in csv_text and "crypto" not in csv_text

    # staff see and manage every word
    staff_page = html.unescape(as_admin.get("/moderation/words/").content.decode())
    assert "crypto" in staff_page and "essential oils" in staff_page
    assert as_sam.post("/moderation/words/", {"form": "delete",
                                              "word": word.pk}).status_code == 302
    assert not WatchedWord.objects.filter(pk=word.pk).exists()
    assert as_maria.get("/moderation/words/").status_code == 404


def test_a_communitys_watched_word_screens_only_posts_written_there(
        as_sam, james, maria, diabetes, heart, django_capture_on_commit_callbacks):
    as_sam.post("/moderation/words/", {"form": "add", "add-pattern": "zorblax",
                                       "add-action": "hold", "add-community": diabetes.slug})
    here = publish_thread(maria, diabetes)
    there = publish_thread(maria, heart)
    with django_capture_on_commit_callbacks(execute=True):
        held = forum.post_reply(author=james, thread=here, body="Try zorblax tea")
    with django_capture_on_commit_callbacks(execute=True):
        free = forum.post_reply(author=james, thread=there, body="Zorblax tea helped me")
    held.refresh_from_db()
    free.refresh_from_db()
    assert held.status == Post.Status.HELD
    assert free.status == Post.Status.PUBLISHED


def test_the_clinician_count_is_a_cache_read_on_later_pages(as_drlee, maria, diabetes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish_thread(maria, diabetes, title="Waiting for a clinician")
    as_drlee.get("/")  # works the count out once
    with CaptureQueriesContext(connection) as later:
        page = as_drlee.get("/search/").content.decode()
    assert "data-clinician-waiting> 1<" in page
    assert not [q for q in later.captured_queries if "clinician" in q["sql"].lower()]
