"""Volunteer mentors: an application reviewed by staff (audited), the badge, the queue and
one screened welcome per new member."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import Membership
from mentors.models import MentorApplication, Welcome
from moderation.models import AuditLog, ModerationItem
from tests.conftest import client_for, join, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor_james(james, diabetes, admin):
    client_for(james).post(reverse("mentors:apply", args=[diabetes.slug]), {
        "motivation": "I have lived with diabetes for 10 years.", "guidelines": "on"})
    application = MentorApplication.objects.get(user=james)
    client_for(admin).post(reverse("mentors:review", args=[application.pk]),
                           {"decision": "approve", "reason": "Kind and careful"})
    return james


def test_staff_approve_a_mentor_application_with_an_audit_row(mentor_james, admin, maria,
                                                              diabetes):
    application = MentorApplication.objects.get(user=mentor_james)
    assert application.status == "approved" and application.decided_by == admin
    assert AuditLog.objects.filter(action="mentor_approve", actor=admin,
                                   target_id=str(application.pk)).exists()
    assert client_for(maria).get(reverse("mentors:review_list")).status_code == 404
    # the badge is a volunteer's, never a clinician's
    thread = publish_thread(maria, diabetes, "New here", "Hello all")
    publish_reply(mentor_james, thread, "Welcome, glad you found us.")
    page = client_for(maria).get(thread.get_absolute_url()).content.decode()
    assert "Volunteer mentor" in page and "Verified clinician" not in page


def test_the_queue_lists_new_members_and_unanswered_questions_and_a_welcome_goes_once(
        mentor_james, maria, diabetes, django_capture_on_commit_callbacks):
    newcomer = make_user("newcomer", days=2)
    join(newcomer, diabetes)
    old = publish_thread(maria, diabetes, "Nobody answered me", "Any tips?")
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=30))
    as_mentor = client_for(mentor_james)
    queue = as_mentor.get(reverse("mentors:queue", args=[diabetes.slug])).content.decode()
    assert "newcomer" in queue and "Nobody answered me" in queue
    url = reverse("mentors:welcome", args=[diabetes.slug, "newcomer"])
    form = as_mentor.get(url).content.decode()
    assert "volunteer mentor here" in form  # the template, editable
    with django_capture_on_commit_callbacks(execute=True):
        sent = as_mentor.post(url, {"body": "Welcome newcomer! Ask me anything."})
    assert sent.status_code == 302
    welcome = Welcome.objects.get(member=newcomer)
    assert welcome.status == "sent"
    assert as_mentor.get(url).status_code == 404  # once per member
    # the member sees it on the next page
    assert "Ask me anything" in client_for(newcomer).get("/").content.decode()


def test_a_welcome_with_a_phone_number_waits_for_a_moderator(mentor_james, diabetes):
    newcomer = make_user("newcomer", days=1)
    join(newcomer, diabetes)
    client_for(mentor_james).post(reverse("mentors:welcome", args=[diabetes.slug, "newcomer"]),
                                  {"body": "Call me on (415) 555-0123 any time"})
    welcome = Welcome.objects.get()
    assert welcome.status == "held"
    assert ModerationItem.objects.filter(target_type="welcome", target_id=welcome.pk).exists()


def test_only_mentors_open_the_queue(maria, james, diabetes, mental):
    assert client_for(maria).get(reverse("mentors:queue", args=[diabetes.slug])).status_code \
        == 404
    Membership.objects.filter(user=james).update(joined_at=timezone.now())
    assert client_for(james).get(reverse("mentors:apply", args=[mental.slug])).status_code \
        == 404


def test_a_welcome_waits_for_the_member_and_comes_back_at_sign_in_until_they_read_it(
        mentor_james, maria, diabetes, django_capture_on_commit_callbacks):
    from django.core.cache import cache
    from django.test import Client

    from hearth.lib.notices import _key

    newcomer = make_user("newcomer", days=2)
    join(newcomer, diabetes)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(mentor_james).post(reverse("mentors:welcome", args=[diabetes.slug,
                                                                      "newcomer"]),
                                      {"body": "Welcome! The walking group meets Mondays."})
    welcome = Welcome.objects.get(member=newcomer)
    # it waits days for the member's next page, not the hour other notices wait
    raw = cache.make_key(_key(newcomer.pk))
    assert cache._cache.get_client(raw).ttl(raw) > 24 * 3600
    cache.delete(_key(newcomer.pk))  # lost (or shown on a page left at once)
    browser = Client()
    browser.force_login(newcomer)  # signing in brings it back, once
    page = browser.get("/").content.decode()
    assert "walking group meets Mondays" in page
    assert "walking group meets Mondays" not in browser.get("/").content.decode()
    # "Thank you" is hers alone to say, and then it stays read
    seen = reverse("mentors:welcome_seen", args=[welcome.pk])
    assert client_for(maria).post(seen).status_code == 404
    response = browser.post(seen, {"next": "/c/type-2-diabetes/"})
    assert response.status_code == 302 and response["Location"] == "/c/type-2-diabetes/"
    assert browser.post(seen, {"next": "https://evil.example/"})["Location"] != \
        "https://evil.example/"
    welcome.refresh_from_db()
    assert welcome.seen_at is not None
    again = Client()
    again.force_login(newcomer)
    assert "walking group meets Mondays" not in again.get("/").content.decode()


def test_a_held_welcome_is_not_brought_back_at_sign_in(mentor_james, diabetes):
    from django.test import Client

    newcomer = make_user("newcomer", days=1)
    join(newcomer, diabetes)
    client_for(mentor_james).post(reverse("mentors:welcome", args=[diabetes.slug, "newcomer"]),
                                  {"body": "Call me on 415-555-0199 any time."})
    assert Welcome.objects.get().status == "held"
    browser = Client()
    browser.force_login(newcomer)
    assert "415-555-0199" not in browser.get("/").content.decode()


def test_a_later_short_notice_does_not_cut_a_welcomes_wait():
    from django.core.cache import cache

    from hearth.lib.notices import _key, notice_add

    notice_add(user_id=987, template="mentors/_welcome_notice.html", context={"welcome": 1},
               ttl=14 * 24 * 3600)
    notice_add(user_id=987, template="moderation/_support_note.html")
    raw = cache.make_key(_key(987))
    assert cache._cache.get_client(raw).ttl(raw) > 24 * 3600
    cache.delete(_key(987))
