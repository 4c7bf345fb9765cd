"""Digests: the right members, the right threads, once a period, and never what a member may
not see (checked when the digest is built and again when it is sent)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from community import services as forum
from community.models import Membership, Thread, ThreadFollow
from notifications import digests, outbox, services, tokens
from notifications.models import DigestClick, DigestRun, NotificationSettings, Outbox
from notifications.tasks import digests_queue_due
from tests.conftest import join, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


def build_and_send(*users, now=None):
    result = digests.build_batch([u.pk for u in users], now=now, ignore_morning=True)
    outbox.send(result.outbox_ids)
    return result


def digest_for(user) -> str:
    """The plain text of the member's digest email ('' if none was sent)."""
    texts = [m.body for m in mail.outbox if m.to == [user.email]]
    assert len(texts) <= 1
    return texts[0] if texts else ""


def test_a_private_community_member_gets_its_threads_a_non_member_never(maria, mental,
                                                                         diabetes):
    twin = make_user("twin")  # the same settings as maria, but not in the private community
    join(twin, diabetes)
    author = make_user("author")
    join(author, mental)
    join(author, diabetes)
    publish_thread(author, mental, title="Private: coping at night", kind="discussion")
    publish_thread(author, diabetes, title="Public: meal ideas", kind="discussion")
    build_and_send(maria, twin)
    assert "Private: coping at night" in digest_for(maria)
    assert "Public: meal ideas" in digest_for(maria)
    assert "Public: meal ideas" in digest_for(twin)
    assert "Private: coping at night" not in digest_for(twin)
    [twin_mail] = [m for m in mail.outbox if m.to == [twin.email]]
    assert "Private: coping at night" not in twin_mail.alternatives[0][0]


def test_a_member_removed_between_queueing_and_building_does_not_get_it(maria, mental):
    author = make_user("author")
    join(author, mental)
    publish_thread(author, mental, title="Private thread", kind="discussion")
    queued = digests.due_user_ids(ignore_morning=True)
    assert maria.pk in queued
    forum.community_leave(user=maria, community=mental)
    digests_batch = digests.build_batch(queued, ignore_morning=True)
    outbox.send(digests_batch.outbox_ids)
    assert "Private thread" not in digest_for(maria)


def test_a_member_removed_between_building_and_sending_does_not_get_it(maria, diabetes,
                                                                       mental):
    author = make_user("author")
    join(author, mental)
    join(author, diabetes)
    publish_thread(author, mental, title="Private thread", kind="discussion")
    publish_thread(author, diabetes, title="Public thread", kind="discussion")
    result = digests.build_batch([maria.pk], ignore_morning=True)
    assert "Private thread" in Outbox.objects.get(recipient=maria).text
    Membership.objects.filter(user=maria, community=mental).delete()
    outbox.send(result.outbox_ids)
    assert "Private thread" not in digest_for(maria)
    assert "Private thread" not in mail.outbox[0].alternatives[0][0]
    assert "Public thread" in digest_for(maria)
    run = DigestRun.objects.get(user=maria)
    thread_titles = set(Thread.objects.filter(pk__in=run.thread_ids).values_list("title",
                                                                                 flat=True))
    assert thread_titles == {"Public thread"}


def test_a_digest_left_with_nothing_visible_is_cancelled(maria, mental):
    author = make_user("author")
    join(author, mental)
    publish_thread(author, mental, title="Private thread", kind="discussion")
    result = digests.build_batch([maria.pk], ignore_morning=True)
    Membership.objects.filter(user=maria, community=mental).delete()
    assert outbox.send(result.outbox_ids)["cancelled"] == 1
    assert mail.outbox == []


@pytest.mark.parametrize("change", ["hidden", "held", "deleted", "crisis"])
def test_hidden_held_deleted_and_crisis_threads_never_appear(maria, james, diabetes, change):
    thread = publish_thread(james, diabetes, title="Left out", kind="discussion")
    publish_thread(james, diabetes, title="Kept in", kind="discussion")
    status = {"hidden": "hidden", "held": "held", "deleted": "deleted"}.get(change)
    if status:
        Thread.objects.filter(pk=thread.pk).update(status=status)
    else:
        forum.thread_mark_crisis(thread=thread)
    build_and_send(maria)
    assert "Kept in" in digest_for(maria)
    assert "Left out" not in digest_for(maria)


def test_muted_communities_are_left_out(maria, james, diabetes, heart):
    publish_thread(james, diabetes, title="Diabetes news", kind="discussion")
    publish_thread(james, heart, title="Heart news", kind="discussion")
    Membership.objects.filter(user=maria, community=heart).update(level="muted")
    build_and_send(maria)
    assert "Diabetes news" in digest_for(maria) and "Heart news" not in digest_for(maria)


def test_threads_are_ranked_by_engagement(maria, james, drlee, diabetes):
    quiet = publish_thread(james, diabetes, title="Quiet one", kind="discussion")
    busy = publish_thread(james, diabetes, title="Busy one", kind="discussion")
    publish_reply(drlee, busy, "A clinician's view.")
    Thread.objects.filter(pk=busy.pk).update(reply_count=5, reaction_count=4)
    del quiet
    build_and_send(maria)
    text = digest_for(maria)
    assert text.index("Busy one") < text.index("Quiet one")


def test_questions_you_could_help_with(maria, james, diabetes):
    publish_thread(james, diabetes, title="Does anyone use a CGM?", kind="question")
    build_and_send(maria)
    text = digest_for(maria)
    assert "Questions you could help with" in text
    assert text.count("Does anyone use a CGM?") == 1
    assert text.index("Questions you could help with") < text.index("Does anyone use a CGM?")


def test_clinicians_see_the_questions_still_waiting_for_one(drlee, james, diabetes):
    publish_thread(james, diabetes, title="Metformin and dizziness?", kind="question")
    build_and_send(drlee)
    text = digest_for(drlee)
    assert "Questions waiting for a clinician" in text
    assert text.index("Questions waiting for a clinician") < text.index(
        "Metformin and dizziness?")


def test_new_clinician_answers_in_followed_threads(maria, james, drlee, heart):
    question = publish_thread(james, heart, title="Beta blockers and tiredness", kind="question")
    ThreadFollow.objects.create(thread=question, user=maria)
    publish_reply(drlee, question, "Tiredness is common at first; tell your doctor.")
    Membership.objects.filter(user=maria, community=heart).update(level="muted")
    build_and_send(maria)
    text = digest_for(maria)
    assert "New clinician answers in discussions you follow" in text
    assert "Beta blockers and tiredness" in text


def test_nothing_new_means_no_email(maria, diabetes):
    result = build_and_send(maria)
    assert result.built == 0 and result.empty == 1
    assert mail.outbox == []
    assert DigestRun.objects.get(user=maria).status == DigestRun.Status.EMPTY


def test_one_digest_per_member_and_period(maria, james, diabetes):
    publish_thread(james, diabetes, title="Something new", kind="discussion")
    build_and_send(maria)
    build_and_send(maria)
    assert len(mail.outbox) == 1
    assert Outbox.objects.filter(recipient=maria, kind="digest").count() == 1


def test_members_who_visited_since_their_last_digest_get_none(maria, james, diabetes):
    publish_thread(james, diabetes, title="Something new", kind="discussion")
    maria.last_seen_at = timezone.now() - timedelta(hours=1)
    maria.save(update_fields=["last_seen_at"])
    assert maria.pk not in digests.due_user_ids(ignore_morning=True)
    maria.last_seen_at = timezone.now() - timedelta(days=8)
    maria.save(update_fields=["last_seen_at"])
    assert maria.pk in digests.due_user_ids(ignore_morning=True)


def test_digests_wait_for_the_morning_in_the_members_time_zone(maria):
    maria.time_zone = "America/Chicago"
    maria.save(update_fields=["time_zone"])
    chicago = ZoneInfo("America/Chicago")
    night = datetime(2026, 11, 23, 3, 0, tzinfo=chicago)
    morning = datetime(2026, 11, 23, 7, 15, tzinfo=chicago)
    assert maria.pk not in digests.due_user_ids(now=night)
    assert maria.pk in digests.due_user_ids(now=morning)


def test_daily_and_weekly_periods():
    local = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    assert digests.period_for("daily", local) == "2026-11-23"
    assert digests.period_for("weekly", local) == "2026-W48"


def test_members_who_chose_never_get_no_digest(maria, james, diabetes):
    services.settings_update(user=maria, digest_frequency="never")
    publish_thread(james, diabetes, title="Something new", kind="discussion")
    assert maria.pk not in digests.due_user_ids(ignore_morning=True)
    assert build_and_send(maria).built == 0


@pytest.mark.parametrize("problem", ["banned", "suspended", "inactive", "unverified"])
def test_no_digest_for_suspended_banned_inactive_or_unverified(maria, james, diabetes,
                                                               problem):
    from allauth.account.models import EmailAddress

    publish_thread(james, diabetes, title="Something new", kind="discussion")
    if problem == "banned":
        maria.banned_at = timezone.now()
    elif problem == "suspended":
        maria.suspended_until = timezone.now() + timedelta(days=2)
    elif problem == "inactive":
        maria.is_active = False
    else:
        EmailAddress.objects.filter(user=maria).update(verified=False)
    maria.save()
    assert maria.pk not in digests.due_user_ids(ignore_morning=True)
    assert build_and_send(maria).built == 0
    assert mail.outbox == []


def test_one_click_unsubscribe_without_cookies_stops_the_next_digest(maria, james, diabetes):
    publish_thread(james, diabetes, title="First week news", kind="discussion")
    build_and_send(maria)
    [message] = mail.outbox
    url = re.search(r"<(http[^>]+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = Client(enforce_csrf_checks=True).post(f"/{path}",
                                                      {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    publish_thread(james, diabetes, title="Second week news", kind="discussion")
    next_week = timezone.now() + timedelta(days=7)
    assert maria.pk not in digests.due_user_ids(now=next_week, ignore_morning=True)
    result = digests.build_batch([maria.pk], now=next_week, ignore_morning=True)
    outbox.send(result.outbox_ids)
    assert len(mail.outbox) == 1


def test_a_digest_link_records_the_click_then_opens_the_thread(maria, james, diabetes):
    thread = publish_thread(james, diabetes, title="Clicked", kind="discussion")
    build_and_send(maria)
    html = mail.outbox[0].alternatives[0][0]
    link = re.search(r'href="http://[^/]+(/email/c/[^"]+/)"', html).group(1)
    response = Client().get(link)
    assert response.status_code == 302
    assert response["Location"] == f"/t/{thread.pk}/"
    click = DigestClick.objects.get()
    assert (click.user, click.thread, click.outbox.kind) == (maria, thread, "digest")


def test_a_forged_click_link_is_a_404(maria):
    assert Client().get("/email/c/forged:token/").status_code == 404
    token = tokens.unsubscribe_token(maria.pk, "digest")
    assert Client().get(f"/email/c/{token}/").status_code == 404


def test_digest_email_headers_and_privacy(maria, james, mental):
    join(james, mental)
    publish_thread(james, mental, title="Anonymous worries", kind="discussion",
                   anonymous=True)
    build_and_send(maria)
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Precedence"] == "bulk"
    html = message.alternatives[0][0]
    assert "<img" not in html and "<style" not in html
    assert "james" not in message.body and "james" not in html


def test_the_digest_is_in_the_members_language(maria, james, diabetes):
    maria.language = "es"
    maria.save(update_fields=["language"])
    publish_thread(james, diabetes, title="Algo nuevo", kind="discussion")
    build_and_send(maria)
    assert 'lang="es"' in mail.outbox[0].alternatives[0][0]


def test_the_beat_task_queues_due_members_in_batches(maria, james, diabetes, committed):
    publish_thread(james, diabetes, title="Something new", kind="discussion")
    with committed():
        assert digests_queue_due(ignore_morning=True) >= 2
    assert "Something new" in digest_for(maria)
    assert Outbox.objects.filter(recipient=maria, status="sent").count() == 1


@pytest.mark.parametrize("members", [10, 50])
def test_a_batch_costs_the_same_queries_whatever_the_number_of_members(
        diabetes, heart, django_assert_num_queries, members):
    author = make_user("author")
    join(author, diabetes)
    join(author, heart)
    for i in range(3):
        thread = publish_thread(author, diabetes, title=f"Thread {i}", kind="question")
        ThreadFollow.objects.create(thread=thread, user=author)
    publish_thread(author, heart, title="Heart thread", kind="discussion")
    users = []
    for i in range(members):
        user = make_user(f"member{i}")
        join(user, diabetes)
        join(user, heart)
        users.append(user)
    ids = [u.pk for u in users]
    with django_assert_num_queries(QUERIES_PER_BATCH):
        result = digests.build_batch(ids, ignore_morning=True)
    assert result.built == members


@pytest.mark.parametrize("followed", [2, 30])
def test_a_batch_costs_the_same_queries_whatever_the_number_of_followed_threads(
        diabetes, heart, drlee, django_assert_num_queries, followed):
    """Issue 24: each member follows `followed` questions, each with a new clinician answer;
    the batch's queries do not grow with them (their answers come in one query)."""
    author = make_user("author")
    join(author, heart)
    questions = [publish_thread(author, heart, title=f"Question {i}", kind="question")
                 for i in range(followed)]
    for question in questions:
        publish_reply(drlee, question, "A clinician's answer to this question.")
    users = []
    for i in range(5):
        user = make_user(f"reader{i}")
        join(user, heart)
        users.append(user)
    ThreadFollow.objects.bulk_create([ThreadFollow(thread=q, user=u)
                                      for q in questions for u in users])
    with django_assert_num_queries(QUERIES_PER_BATCH):
        result = digests.build_batch([u.pk for u in users], ignore_morning=True)
    assert result.built == 5
    runs = DigestRun.objects.filter(user__in=users)
    assert all(set(run.thread_ids) & {q.pk for q in questions} for run in runs)


# users, runs, memberships, threads, questions, answers, ended events, check-ins asked this month,
# SAVEPOINT, outbox, runs, check-ins, settings, RELEASE SAVEPOINT
QUERIES_PER_BATCH = 14


def test_send_digests_command_dry_run_writes_nothing(maria, james, diabetes):
    publish_thread(james, diabetes, title="Something new", kind="discussion")
    out = StringIO()
    call_command("send_digests", "--now", "--dry-run", stdout=out, stderr=StringIO())
    assert "digests would be sent" in out.getvalue()
    assert not Outbox.objects.exists() and not DigestRun.objects.exists()
    assert mail.outbox == []


def test_send_digests_command_sends(maria, james, diabetes):
    publish_thread(james, diabetes, title="Something new", kind="discussion")
    out = StringIO()
    call_command("send_digests", "--now", "--frequency", "weekly", stdout=out, stderr=StringIO())
    assert digest_for(maria)
    assert NotificationSettings.objects.get(user=maria).last_digest_at is not None
    call_command("send_digests", "--now", "--frequency", "daily", stdout=StringIO(),
                 stderr=StringIO())
    assert len([m for m in mail.outbox if m.to == [maria.email]]) == 1


def test_a_digest_put_together_from_shared_parts_is_each_members_own_and_escaped(diabetes):
    """A batch renders each part once (the frame, headings, each discussion's lines) and
    fills in each member's name and links: names and titles stay escaped in the html and
    plain in the text, every element keeps its inlined style, and each link is the
    member's own."""
    author = make_user("author")
    join(author, diabetes)
    publish_thread(author, diabetes, title='Meals <script>alert("x")</script> & snacks',
                   kind="discussion")
    ana, bo = make_user("ana"), make_user("bo")
    ana.display_name, bo.display_name, bo.language = "Ana <b>&", "Bo", "es"
    ana.save(update_fields=["display_name"])
    bo.save(update_fields=["display_name", "language"])
    for user in (ana, bo):
        join(user, diabetes)
    build_and_send(ana, bo)
    messages = {m.to[0]: m for m in mail.outbox}
    for user in (ana, bo):
        message = messages[user.email]
        html = message.alternatives[0][0]
        assert 'Meals <script>alert("x")</script> & snacks' in message.body
        assert "<script>" not in html and "Meals &lt;script&gt;" in html
        assert re.search(r'<h2 style="[^"]+">Type 2 Diabetes</h2>', html)
        assert re.search(r'<li style="[^"]+"><a href="[^"]+/email/c/[^"]+" style="', html)
        click = re.search(r"/email/c/([^/\s\"]+)/", message.body).group(1)
        assert tokens.read_click_token(click).user_id == user.pk
        unsubscribe = message.extra_headers["List-Unsubscribe"]
        assert unsubscribe.strip("<>") in message.body and unsubscribe.strip("<>") in html
        token = unsubscribe.split("/unsubscribe/")[1].split("/")[0]
        assert tokens.read_unsubscribe_token(token).user_id == user.pk
        checkin = re.search(r"/email/checkin/([^/\s\"]+)/yes/", html).group(1)
        assert tokens.read_checkin_token(checkin).user_id == user.pk
    assert "Ana <b>&," in messages[ana.email].body
    assert "Ana &lt;b&gt;&amp;," in messages[ana.email].alternatives[0][0]
    assert "Hola, Bo:" in messages[bo.email].body  # Bo reads Hearth in Spanish
    assert "Type 2 Diabetes" in messages[bo.email].body
