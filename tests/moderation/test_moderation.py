"""Screening, the review queue, actions and the audit log, driven through HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from community.models import Community, Post, Thread
from moderation.models import AuditLog, Flag, ModerationItem, WatchedWord
from tests.conftest import (
    client_for,
    join,
    make_community,
    make_user,
    publish_reply,
    publish_thread,
)

pytestmark = pytest.mark.django_db


def reply(client, thread, body, capture):
    with capture(execute=True):
        return client.post(f"/t/{thread.pk}/reply/", {"body": body})


def test_a_reply_with_a_phone_number_is_held_shown_to_its_author_and_approved_by_a_moderator(
        as_james, james, maria, sam, diabetes, django_capture_on_commit_callbacks):
    thread = publish_thread(maria, diabetes)
    response = reply(as_james, thread, "Call me on (555) 201-3344 any evening",
                     django_capture_on_commit_callbacks)
    assert response.status_code == 302
    post = thread.posts.get(position=2)
    assert (post.status, post.screening) == (Post.Status.HELD, Post.Screening.HELD)

    # nobody else sees it; its author sees why
    assert "201-3344" not in client_for(maria).get(thread.get_absolute_url()).content.decode()
    mine = as_james.get(thread.get_absolute_url()).content.decode()
    assert "201-3344" in mine and "Awaiting review" in mine and "a phone number" in mine

    # the moderator sees it in the queue
    as_sam = client_for(sam)
    queue = as_sam.get("/moderation/").content.decode()
    assert "201-3344" in queue and "phone" in queue
    item = ModerationItem.objects.get(post=post, kind=ModerationItem.Kind.HELD)

    with django_capture_on_commit_callbacks(execute=True):
        assert as_sam.post(f"/moderation/items/{item.pk}/approve/").status_code == 302
    post.refresh_from_db()
    assert (post.status, post.screening) == (Post.Status.PUBLISHED, Post.Screening.CLEAN)
    assert "201-3344" in client_for(maria).get(thread.get_absolute_url()).content.decode()
    actions = list(AuditLog.objects.filter(target_id=str(post.pk)).order_by("pk")
                   .values_list("actor_label", "action"))
    assert actions == [("screening", "post.hold"), ("sam", "post.approve")]
    item.refresh_from_db()
    assert item.status == ModerationItem.Status.RESOLVED and item.first_action_at


def test_rejecting_hides_the_post_with_a_reason_the_author_sees(
        as_james, james, maria, sam, diabetes, django_capture_on_commit_callbacks):
    thread = publish_thread(maria, diabetes)
    reply(as_james, thread, "my MRN is 00445566", django_capture_on_commit_callbacks)
    item = ModerationItem.objects.get()
    assert client_for(sam).post(f"/moderation/items/{item.pk}/reject/",
                                {"reason": ""}).status_code == 302
    item.refresh_from_db()
    assert item.status == ModerationItem.Status.OPEN  # a reason is required
    client_for(sam).post(f"/moderation/items/{item.pk}/reject/",
                         {"reason": "Please keep record numbers private."})
    post = thread.posts.get(position=2)
    assert post.status == Post.Status.HIDDEN
    assert AuditLog.objects.filter(action="post.reject", actor_label="sam").exists()


def test_a_crisis_post_shows_resources_to_its_author_and_reaches_staff_first(
        as_james, james, maria, sam, diabetes, django_capture_on_commit_callbacks, mailoutbox,
        settings):
    settings.HEARTH_CRISIS_ONCALL_EMAIL = "oncall@hospital.example"
    thread = publish_thread(maria, diabetes)
    reply(as_james, thread, "Spam spam buy now miracle cure", django_capture_on_commit_callbacks)
    response = reply(as_james, thread, "I can't do this anymore, I want to end my life",
                     django_capture_on_commit_callbacks)
    page = as_james.get(response["Location"]).content.decode()
    assert "988" in page and "You don't have to go through this alone" in page
    crisis_post = thread.posts.get(position=3)
    assert crisis_post.status == Post.Status.PUBLISHED  # not silenced
    thread.refresh_from_db()
    assert thread.is_crisis
    queue = client_for(sam).get("/moderation/").content.decode()
    assert queue.index("kind-crisis") < queue.index("kind-held")
    alerts = [m for m in mailoutbox if m.to == ["oncall@hospital.example"]]
    assert len(alerts) == 1
    assert "end my life" not in alerts[0].body


def test_the_composer_check_names_identifiers_before_posting(as_maria, maria):
    html = as_maria.post("/moderation/check/", {"body": "email me at a.b@example.org"}
                         ).content.decode()
    assert "an email address" in html
    clean = as_maria.post("/moderation/check/", {"body": "my A1C is 7.2"}).content.decode()
    assert clean.strip() == ""


def test_with_the_worker_down_a_post_waits_then_the_sweep_screens_it(
        as_james, james, maria, diabetes, settings, django_capture_on_commit_callbacks):
    from hearth.celery import app
    from moderation.tasks import sweep_unscreened

    thread = publish_thread(maria, diabetes)
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nobody home: the task cannot be queued
    app.conf.broker_connection_retry = False
    app.conf.broker_connection_max_retries = 0
    try:
        with django_capture_on_commit_callbacks(execute=True):
            as_james.post(f"/t/{thread.pk}/reply/", {"body": "Saved while the queue was down"})
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = settings.CELERY_BROKER_URL
    post = thread.posts.get(position=2)
    assert post.screening == Post.Screening.PENDING
    assert sweep_unscreened() == 0  # not yet a minute old
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert sweep_unscreened() == 1
    post.refresh_from_db()
    assert post.screening == Post.Screening.CLEAN and post.status == Post.Status.PUBLISHED
    assert sweep_unscreened() == 0


def test_a_community_moderator_cannot_act_in_another_community(maria, james, diabetes, heart):
    moderator = make_user("modofheart")
    join(moderator, heart, role="moderator")
    thread = publish_thread(maria, diabetes)
    post = thread.posts.get()
    client = client_for(moderator)
    assert client.post(f"/moderation/posts/{post.pk}/hide/", {"reason": "x"}).status_code == 404
    assert client.post(f"/moderation/threads/{thread.pk}/lock/").status_code == 404
    item = ModerationItem.objects.create(kind="flag", post=post, community=diabetes,
                                         reason="spam")
    assert client.post(f"/moderation/items/{item.pk}/approve/").status_code == 404
    assert "spam" not in client.get("/moderation/").content.decode().split("<main")[1]
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED


def test_a_member_gets_404_on_the_queue_and_the_audit_log(as_maria):
    assert as_maria.get("/moderation/").status_code == 404
    assert as_maria.get("/moderation/audit/").status_code == 404
    assert as_maria.get("/moderation/words/").status_code == 404


def test_a_suspended_member_can_read_but_not_post(maria, james, sam, diabetes):
    thread = publish_thread(maria, diabetes)
    as_sam = client_for(sam)
    response = as_sam.post(f"/moderation/members/{james.username}/",
                           {"form": "suspend", "suspend-days": 3,
                            "suspend-reason": "Cooling off"})
    assert response.status_code == 302
    james.refresh_from_db()
    assert james.is_suspended
    as_james = client_for(james)
    assert as_james.get(thread.get_absolute_url()).status_code == 200
    response = as_james.post(f"/t/{thread.pk}/reply/", {"body": "Can I still post?"})
    assert response.status_code == 403
    assert thread.posts.count() == 1
    assert AuditLog.objects.filter(action="member.suspend", target_id=str(james.pk)).exists()


def test_an_audit_row_cannot_be_changed_or_deleted(sam, diabetes):
    row = AuditLog.objects.create(actor=sam, actor_label="sam", action="post.hide",
                                  target_type="post", target_id="1")
    row.reason = "rewritten"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    with pytest.raises(ValidationError):
        AuditLog.objects.filter(pk=row.pk).update(reason="rewritten")
    with pytest.raises(ValidationError):
        AuditLog.objects.filter(pk=row.pk).delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE moderation_auditlog SET reason = 'x' WHERE id = %s", [row.pk])
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM moderation_auditlog WHERE id = %s", [row.pk])
    row.refresh_from_db()
    assert row.reason == ""


def test_three_flags_from_distinct_members_hide_a_post_pending_review(maria, diabetes):
    thread = publish_thread(maria, diabetes)
    post = thread.posts.get()
    flaggers = [make_user(f"flagger{i}", days=2) for i in range(3)]
    for flagger in flaggers:
        join(flagger, diabetes)
    for i, flagger in enumerate(flaggers):
        response = client_for(flagger).post(f"/p/{post.pk}/flag/", {"reason": "spam"})
        assert response.status_code == 302
        post.refresh_from_db()
        assert post.status == (Post.Status.HIDDEN if i == 2 else Post.Status.PUBLISHED)
        if i == 0:
            again = client_for(flagger).post(f"/p/{post.pk}/flag/", {"reason": "spam"})
            assert again.status_code == 400 and "already reported" in again.content.decode()
    assert Flag.objects.count() == 3
    assert ModerationItem.objects.filter(post=post, status="open").count() == 1


def test_one_flag_from_a_clinician_hides_a_post(maria, drlee, diabetes):
    thread = publish_thread(maria, diabetes)
    post = thread.posts.get()
    client_for(drlee).post(f"/p/{post.pk}/flag/", {"reason": "misinformation"})
    post.refresh_from_db()
    assert post.status == Post.Status.HIDDEN


def test_watched_words_hold_and_replace(as_admin, as_james, james, maria, diabetes,
                                        django_capture_on_commit_callbacks):
    as_admin.post("/moderation/words/", {"form": "add", "add-pattern": "miracle pills",
                                          "add-action": "hold"})
    as_admin.post("/moderation/words/", {"form": "add", "add-pattern": "darn",
                                          "add-action": "replace", "add-replacement": "d*rn"})
    bad = as_admin.post("/moderation/words/", {"form": "add", "add-pattern": "(unclosed",
                                                "add-action": "hold", "add-is_regex": "on"})
    assert bad.status_code == 400 and "doesn&#x27;t work" in bad.content.decode()
    assert WatchedWord.objects.count() == 2
    thread = publish_thread(maria, diabetes)
    reply(as_james, thread, "These miracle pills changed my life",
          django_capture_on_commit_callbacks)
    reply(as_james, thread, "That darn meter again", django_capture_on_commit_callbacks)
    held, replaced = thread.posts.filter(position__gt=1).order_by("position")
    assert held.status == Post.Status.HELD
    assert replaced.status == Post.Status.PUBLISHED and "d*rn" in replaced.body_html
    csv_text = as_admin.get("/moderation/words/?format=csv").content.decode()
    assert "miracle pills,no,hold," in csv_text


def test_a_catastrophic_pattern_times_out_instead_of_stalling(admin):
    from moderation.watched import find_hits

    word = WatchedWord.objects.create(pattern=r"(a+)+$", is_regex=True, action="hold")
    hits = find_hits("a" * 5000 + "!", [word])
    assert len(hits) == 1 and hits[0].timed_out


def test_audit_log_csv_is_for_staff_only(as_admin, as_sam, sam):
    AuditLog.objects.create(actor_label="screening", action="post.hold", target_type="post",
                            target_id="7", reason="=HYPERLINK(\"x\")")
    assert as_sam.get("/moderation/audit/?format=csv").status_code == 404
    csv_text = as_admin.get("/moderation/audit/?format=csv").content.decode()
    assert "post.hold" in csv_text and "'=HYPERLINK" in csv_text


def test_moving_a_thread_needs_both_communities(as_sam, sam, maria, diabetes, heart):
    thread = publish_thread(maria, diabetes)
    elsewhere = make_community("elsewhere")
    assert as_sam.post(f"/moderation/threads/{thread.pk}/move/",
                       {"to": elsewhere.slug}).status_code == 404
    as_sam.post(f"/moderation/threads/{thread.pk}/move/", {"to": heart.slug})
    thread.refresh_from_db()
    assert thread.community == heart
    assert Community.objects.get(pk=heart.pk).thread_count == 1
    assert AuditLog.objects.get(action="thread.move").community_id == heart.pk


def test_new_members_first_posts_wait_when_the_community_premoderates(
        maria, diabetes, django_capture_on_commit_callbacks):
    Community.objects.filter(pk=diabetes.pk).update(premoderate_posts=1)
    newcomer = make_user("newbie", days=0)
    join(newcomer, diabetes)
    thread = publish_thread(maria, diabetes)
    reply(client_for(newcomer), thread, "Hello everyone", django_capture_on_commit_callbacks)
    post = thread.posts.get(author=newcomer)
    assert post.status == Post.Status.HELD
    assert ModerationItem.objects.get(post=post).reason == "new_member"
    assert Thread.objects.get(pk=thread.pk).reply_count == 0


def test_a_thread_with_a_crisis_post_is_left_out_of_digests(
        as_james, james, maria, drlee, diabetes, django_capture_on_commit_callbacks):
    from django.core import mail

    from tests.notifications.test_digests import build_and_send, digest_for

    calm = publish_thread(maria, diabetes, title="Walking groups near you")
    publish_reply(james, calm, "I'd join one!")
    crisis = publish_thread(maria, diabetes, title="Rough night")
    reply(as_james, crisis, "I have my pills saved up and I'm going to take them all tonight",
          django_capture_on_commit_callbacks)
    crisis.refresh_from_db()
    assert crisis.is_crisis
    mail.outbox.clear()
    build_and_send(drlee)
    text = digest_for(drlee)
    assert "Walking groups near you" in text
    assert "Rough night" not in text


def test_two_moderators_cannot_claim_the_same_item(sam, maria, diabetes):
    other = make_user("othermod")
    join(other, diabetes, role="moderator")
    thread = publish_thread(maria, diabetes)
    item = ModerationItem.objects.create(kind="flag", post=thread.posts.get(),
                                         community=diabetes, reason="spam")
    client_for(sam).post(f"/moderation/items/{item.pk}/claim/")
    response = client_for(other).post(f"/moderation/items/{item.pk}/claim/", follow=True)
    assert "sam is already working on this item." in response.content.decode()
    item.refresh_from_db()
    assert item.claimed_by == sam


def test_slow_mode_allows_one_post_per_member_every_n_seconds(
        as_james, james, maria, diabetes, django_capture_on_commit_callbacks):
    Community.objects.filter(pk=diabetes.pk).update(slow_mode_seconds=60)
    thread = publish_thread(maria, diabetes)
    assert reply(as_james, thread, "first", django_capture_on_commit_callbacks).status_code == 302
    second = reply(as_james, thread, "second", django_capture_on_commit_callbacks)
    assert second.status_code == 429
    assert "one post every 60 seconds" in second.content.decode()
    assert "second" in second.content.decode()  # the text is kept


def test_a_moderator_cannot_open_the_page_of_a_member_outside_their_communities(sam, mental):
    stranger = make_user("stranger")
    other = make_community("other-place")
    join(stranger, other)
    assert client_for(sam).get(f"/moderation/members/{stranger.username}/").status_code == 404
    join(stranger, mental)
    assert client_for(sam).get(f"/moderation/members/{stranger.username}/").status_code == 200


def test_a_clinician_application_waits_in_the_staff_queue_until_decided(
        as_admin, admin, sam, django_capture_on_commit_callbacks):
    from accounts import services as accounts

    applicant = make_user("drnew")
    with django_capture_on_commit_callbacks(execute=True):
        profile = accounts.clinician_apply(
            user=applicant, credentials="RN", specialty="Cardiology",
            organisation="Hearth General", npi="1234567893")
    item = ModerationItem.objects.get(kind=ModerationItem.Kind.CLINICIAN)
    assert item.subject_user == applicant and item.status == ModerationItem.Status.OPEN
    assert "Review the application from drnew" in as_admin.get("/moderation/").content.decode()
    assert "drnew" not in client_for(sam).get("/moderation/").content.decode().split("<main")[1]
    from moderation.clinicians import clinician_decide

    clinician_decide(profile=profile, by=admin, decision="approve")
    item.refresh_from_db()
    assert item.status == ModerationItem.Status.RESOLVED and item.resolution == "approve"


def test_the_author_is_told_of_each_moderation_decision(
        as_james, james, maria, sam, diabetes, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    thread = publish_thread(maria, diabetes)
    reply(as_james, thread, "ring me on 555-201-3344", django_capture_on_commit_callbacks)
    item = ModerationItem.objects.get(kind=ModerationItem.Kind.HELD)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(sam).post(f"/moderation/items/{item.pk}/reject/",
                             {"reason": "Please keep phone numbers private."})
    with django_capture_on_commit_callbacks(execute=True):
        client_for(sam).post(f"/moderation/members/{james.username}/",
                             {"form": "warn", "warn-reason": "Be kind"})
    decisions = list(Notification.objects.filter(recipient=james, kind="moderation")
                     .order_by("pk").values_list("detail", "message"))
    assert decisions == [("rejected", "Please keep phone numbers private."),
                         ("warned", "Be kind")]
    page = client_for(james).get("/notifications/").content.decode()
    assert "was not published" in page and "sent you a warning" in page
    assert not Notification.objects.filter(recipient=maria, kind="moderation").exists()
