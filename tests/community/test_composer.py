"""The composer over HTTP: drafts (whose, who may keep one, how often, until when), refusals
that keep the words, following on reply, and the live post's controls for every reader."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.export import exporters
from community import live, services
from community.models import Draft, Post, Thread, ThreadFollow
from notifications import services as notifications
from tests.conftest import client_for, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db

COMPOSER = {"HTTP_X_HEARTH_COMPOSER": "1"}


@pytest.fixture
def thread(maria, diabetes):
    return publish_thread(maria, diabetes, title="Morning highs", body="What helped you?")


def save(client, thread, body: str, **extra):
    return client.post(f"/t/{thread.pk}/draft/", {"body": body}, **COMPOSER, **extra)


# --- Drafts -------------------------------------------------------------------------------------


def test_a_member_keeps_one_draft_per_thread_and_sees_it_in_the_reply_box(as_james, james,
                                                                           thread):
    assert save(as_james, thread, "I tried").status_code == 204
    assert save(as_james, thread, "I tried a walk").status_code == 204
    draft = Draft.objects.get(user=james)
    assert (draft.thread, draft.body) == (thread, "I tried a walk")
    page = as_james.get(thread.get_absolute_url()).content.decode()
    assert ">\nI tried a walk</textarea>" in page
    assert "Discard draft" in page


def test_a_draft_is_shown_to_its_writer_only(as_james, as_sam, sam, thread, visitor):
    save(as_james, thread, "Words only james should see again")
    for other in (as_sam, client_for(make_user("reader")), visitor):
        assert "Words only james should see again" not in other.get(
            thread.get_absolute_url()).content.decode()
    assert save(as_sam, thread, "sam's own").status_code == 204
    assert Draft.objects.filter(thread=thread).count() == 2


def test_visitors_and_non_members_cannot_keep_drafts(thread, mental, maria, visitor):
    response = visitor.post(f"/t/{thread.pk}/draft/", {"body": "hello"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    outsider = client_for(make_user("outsider"))
    assert save(outsider, thread, "hello").status_code == 403
    private = publish_thread(maria, mental, title="Private", body="Members only")
    assert save(outsider, private, "hello").status_code == 404
    assert outsider.post(f"/c/{mental.slug}/draft/", {"body": "x"}, **COMPOSER).status_code \
        == 404
    assert not Draft.objects.exists()


def test_a_locked_thread_keeps_no_new_draft(as_james, thread):
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    assert save(as_james, thread, "too late").status_code == 403


def test_draft_saves_are_rate_limited(as_james, james, thread, monkeypatch):
    monkeypatch.setattr(services.drafts, "DRAFT_RATE", (3, 60))
    codes = [save(as_james, thread, f"version {i}").status_code for i in range(5)]
    assert codes == [204, 204, 204, 429, 429]
    assert Draft.objects.get(user=james).body == "version 2"


def test_draft_saves_need_the_csrf_token(james, thread):
    client = Client(enforce_csrf_checks=True)
    client.force_login(james)
    assert save(client, thread, "no token").status_code == 403
    assert not Draft.objects.exists()


def test_a_posted_reply_deletes_its_draft_and_a_late_save_does_not_bring_it_back(
        as_james, james, thread):
    save(as_james, thread, "A walk after dinner helps me.")
    response = as_james.post(f"/t/{thread.pk}/reply/", {"body": "A walk after dinner helps me."})
    assert response.status_code == 302
    assert not Draft.objects.filter(user=james).exists()
    # the composer's last save, sent just before Post, arrives after it
    assert save(as_james, thread, "A walk after dinner helps me.").status_code == 204
    assert not Draft.objects.filter(user=james).exists()


def test_discarding_a_draft_with_and_without_javascript(as_james, james, thread):
    save(as_james, thread, "first thoughts")
    assert as_james.post(f"/t/{thread.pk}/draft/", {"discard": "1"},
                         **COMPOSER).status_code == 204
    assert not Draft.objects.exists()
    save(as_james, thread, "second thoughts")
    response = as_james.post(f"/t/{thread.pk}/draft/", {"discard": "1", "body": "second"})
    assert response.status_code == 302
    assert response["Location"] == f"{thread.get_absolute_url()}#reply-form"
    assert not Draft.objects.exists()
    # an empty box is no draft either
    save(as_james, thread, "third")
    save(as_james, thread, "   ")
    assert not Draft.objects.exists()


def test_an_unfinished_thread_is_kept_per_community_and_goes_once_posted(as_james, james,
                                                                         diabetes):
    url = f"/c/{diabetes.slug}/draft/"
    assert as_james.post(url, {"title": "Snacks", "body": "Does a snack help?"},
                         **COMPOSER).status_code == 204
    page = as_james.get(f"/c/{diabetes.slug}/new/").content.decode()
    assert 'value="Snacks"' in page and "Does a snack help?</textarea>" in page
    response = as_james.post(f"/c/{diabetes.slug}/new/", {
        "title": "Snacks", "body": "Does a snack help?", "kind": "question"})
    assert response.status_code == 302
    assert not Draft.objects.filter(user=james).exists()


def test_drafts_are_in_the_data_export_and_go_with_the_account(james, as_james, thread,
                                                               diabetes):
    save(as_james, thread, "My unfinished reply")
    as_james.post(f"/c/{diabetes.slug}/draft/", {"title": "T", "body": "My unfinished thread"},
                  **COMPOSER)
    exported = json.loads(json.dumps(exporters()["drafts"](james), default=str))
    assert {d["body"] for d in exported} == {"My unfinished reply", "My unfinished thread"}
    assert {(d["thread_id"], d["community"]) for d in exported} == {
        (thread.pk, None), (None, diabetes.slug)}
    james.delete()
    assert not Draft.objects.exists()


# --- Refusals keep the words --------------------------------------------------------------------


def test_a_too_long_reply_is_refused_with_its_reason_and_the_text_kept(as_james, thread):
    body = "word " * 4001
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = as_james.post(f"/t/{thread.pk}/reply/", {"body": body}, **extra)
        html = response.content.decode()
        assert response.status_code == 400
        assert 'role="alert"' in html and "at most 20000 characters" in html
        assert body.strip() in html


def test_a_duplicate_new_thread_is_refused_with_its_reason_and_the_text_kept(as_james, james,
                                                                           diabetes):
    publish_thread(james, diabetes, title="First", body="Same words every time.")
    response = as_james.post(f"/c/{diabetes.slug}/new/", {
        "title": "Second", "body": "Same words every time.", "kind": "discussion"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "You already posted this text" in html and 'role="alert"' in html
    assert 'value="Second"' in html and "Same words every time.</textarea>" in html


def test_a_reply_to_a_locked_thread_says_so_and_keeps_the_text(as_james, thread):
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    response = as_james.post(f"/t/{thread.pk}/reply/", {"body": "One more thing"},
                             HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 403
    assert "This discussion is locked" in html and "One more thing</textarea>" in html


# --- Following on reply -------------------------------------------------------------------------


def test_replying_follows_the_thread_by_default(as_james, james, thread,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_james.post(f"/t/{thread.pk}/reply/", {"body": "Following this one"})
    assert ThreadFollow.objects.filter(user=james, thread=thread).exists()


def test_replying_does_not_follow_when_the_member_turned_it_off(
        as_james, james, thread, django_capture_on_commit_callbacks):
    notifications.settings_update(user=james, follow_on_reply=False)
    with django_capture_on_commit_callbacks(execute=True):
        as_james.post(f"/t/{thread.pk}/reply/", {"body": "Not following this one"})
    assert Post.objects.filter(author=james, thread=thread).exists()
    assert not ThreadFollow.objects.filter(user=james, thread=thread).exists()


def test_editing_a_reply_does_not_follow_again(james, thread, django_capture_on_commit_callbacks):
    reply = publish_reply(james, thread, "An answer")
    assert not ThreadFollow.objects.filter(user=james, thread=thread).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(editor=james, post=reply, body="An answer, edited")
    assert not ThreadFollow.objects.filter(user=james, thread=thread).exists()


def test_the_setting_is_on_the_notification_settings_page(as_james, james):
    page = as_james.get("/settings/notifications/").content.decode()
    assert "Follow discussions I reply to" in page
    as_james.post("/settings/notifications/", {"digest_frequency": "weekly",
                                                "email_replies": "on"})
    assert notifications.settings_for(james).follow_on_reply is False


# --- The live post ------------------------------------------------------------------------------


def test_the_live_post_carries_every_control_marked_for_whom_it_is(james, thread):
    reply = publish_reply(james, thread, "Arrived live")
    payload = live.post_payload(Post.objects.select_related(
        "author__clinician", "thread__community").get(pk=reply.pk))
    for html in (payload["html"], *payload["translations"].values()):
        for who in ("member", "visitor", "editor", "author", "accepter", "replier",
                    "other-member", "moderator"):
            assert f'data-for="{who}"' in html, who
        assert f'data-author="{james.pk}"' in html
        assert "csrfmiddlewaretoken" not in html  # each page puts in its own


def test_the_thread_page_tells_its_script_what_this_reader_may_do(as_maria, as_james, thread):
    asker = as_maria.get(thread.get_absolute_url()).content.decode()
    assert 'data-can-accept="true"' in asker and 'data-can-reply="true"' in asker
    other = as_james.get(thread.get_absolute_url()).content.decode()
    assert 'data-can-accept="false"' in other and 'data-can-moderate="false"' in other
