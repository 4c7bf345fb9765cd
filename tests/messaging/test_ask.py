"""Ask the hospital: a member's request, the patient-experience team's inbox (claim, reply,
internal note, resolve, reopen), the member's rating, email through the outbox, crisis
escalation and the figures on the insights dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from messaging import services
from messaging.models import AskEntry, AskRequest
from messaging.permissions import PATIENT_EXPERIENCE_GROUP
from moderation.models import ModerationItem
from notifications import services as notifications
from notifications.models import Outbox
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pat(db):
    """pat works on the hospital's patient experience team."""
    user = make_user("pat")
    group, _ = Group.objects.get_or_create(name=PATIENT_EXPERIENCE_GROUP)
    user.groups.add(group)
    return user


def ask(client, body="My bill shows a visit I never had.", topic="billing",
        subject="A wrong bill"):
    return client.post("/ask/", {"topic": topic, "subject": subject, "body": body})


def test_the_ask_page_says_it_is_not_for_emergencies(as_maria):
    page = as_maria.get("/ask/").content.decode()
    assert "not for medical emergencies or clinical advice" in page
    assert "911" in page and "988" in page


def test_a_request_answered_rated_and_emailed(as_maria, maria, pat, mailoutbox,
                                              django_capture_on_commit_callbacks):
    assert ask(as_maria).status_code == 302
    request = AskRequest.objects.get()
    as_pat = client_for(pat)
    inbox = as_pat.get("/ask/inbox/").content.decode()
    assert "A wrong bill" in inbox
    assert as_pat.post(f"/ask/inbox/{request.pk}/claim/").status_code == 302
    as_pat.post(f"/ask/inbox/{request.pk}/note/", {"body": "Checked with billing: duplicate."})
    with django_capture_on_commit_callbacks(execute=True):
        as_pat.post(f"/ask/inbox/{request.pk}/reply/",
                    {"body": "We removed the duplicate charge."})
    request.refresh_from_db()
    assert request.claimed_by == pat and request.first_reply_at is not None
    page = as_maria.get(f"/ask/{request.pk}/").content.decode()
    assert "We removed the duplicate charge." in page
    assert "Checked with billing" not in page  # the internal note is the team's alone
    # the email: through the outbox, a link, never the words
    notifications.outbox_send(notifications.outbox_due_ids())
    row = Outbox.objects.get(recipient=maria)
    assert row.status == Outbox.Status.SENT
    assert [m.to for m in mailoutbox] == [["maria@example.org"]]
    assert f"/ask/{request.pk}/" in mailoutbox[0].body
    assert "duplicate charge" not in mailoutbox[0].body
    assert as_maria.post(f"/ask/{request.pk}/rate/", {"rating": "5"}).status_code == 302
    as_pat.post(f"/ask/inbox/{request.pk}/resolve/")
    request.refresh_from_db()
    assert request.rating == 5 and request.status == "resolved"
    as_pat.post(f"/ask/inbox/{request.pk}/reopen/")
    request.refresh_from_db()
    assert request.status == "open" and request.resolved_at is None


def test_only_the_member_and_the_team_see_a_request(as_maria, james, sam, admin, pat):
    ask(as_maria)
    request = AskRequest.objects.get()
    for outsider in (james, sam, admin):
        client = client_for(outsider)
        assert client.get(f"/ask/{request.pk}/").status_code == 404
        assert client.get("/ask/inbox/").status_code == 404
        assert client.get(f"/ask/inbox/{request.pk}/").status_code == 404
        assert client.post(f"/ask/inbox/{request.pk}/reply/", {"body": "x"}).status_code == 404
        assert b"A wrong bill" not in client.get("/ask/").content
    assert as_maria.get("/ask/inbox/").status_code == 404
    assert client_for(pat).get(f"/ask/{request.pk}/").status_code == 404  # works it in the inbox


def test_a_rating_waits_for_a_reply(as_maria, pat):
    ask(as_maria)
    request = AskRequest.objects.get()
    as_maria.post(f"/ask/{request.pk}/rate/", {"rating": "1"})
    request.refresh_from_db()
    assert request.rating is None


def test_crisis_language_in_a_request_escalates(as_maria, pat):
    ask(as_maria, topic="other", subject="Tired",
        body="I want to end my life, I cannot go on anymore")
    request = AskRequest.objects.get()
    assert request.is_crisis
    item = ModerationItem.objects.get(target_type="askrequest")
    assert item.kind == "crisis" and item.target_id == request.pk
    assert b"988" in as_maria.get("/ask/").content


def test_the_dashboard_shows_the_inbox_figures_beside_the_previous_period(admin, maria, pat):
    now = timezone.now()
    for i, (topic, age_days, reply_h, resolve_h, rating) in enumerate([
        ("billing", 2, 1, 10, 5), ("billing", 3, 3, 100, 4), ("praise", 4, 2, 20, 5),
        ("complaint", 5, 5, None, None), ("billing", 40, 24, 48, 2),
    ]):
        created = now - timedelta(days=age_days)
        AskRequest.objects.create(
            member=maria, topic=topic, subject=f"r{i}", created_at=created,
            first_reply_at=created + timedelta(hours=reply_h),
            resolved_at=created + timedelta(hours=resolve_h) if resolve_h else None,
            status="resolved" if resolve_h else "open", rating=rating)
    page = client_for(admin).get("/insights/?range=30").content.decode()
    assert "Ask the hospital: patient experience inbox" in page
    assert "Median time to the first reply" in page
    assert "Resolved within the target" in page
    assert "50.0 %" in page  # 2 of the 4 requests of this period within 72 h


def test_the_dashboard_figures_take_the_same_queries_for_more_requests(
        admin, maria, django_assert_max_num_queries, django_assert_num_queries):
    from insights import patient_experience
    from insights.periods import Period

    with django_assert_max_num_queries(5) as small:
        patient_experience.figures(Period.last_days(30))
    AskRequest.objects.bulk_create([AskRequest(member=maria, topic="billing", subject="s")
                                    for _ in range(30)])
    with django_assert_num_queries(len(small)):
        patient_experience.figures(Period.last_days(30))


def test_a_former_member_leaves_the_figures_but_not_their_words(as_maria, maria, pat):
    ask(as_maria)
    request = AskRequest.objects.get()
    services.ask_reply(user=pat, request_id=request.pk, body="Reply")
    from accounts.services import account_delete

    account_delete(user=maria, keep_posts=False)
    request.refresh_from_db()
    assert request.member is None
    assert not AskEntry.objects.filter(kind="member").exists()


def test_the_inbox_and_a_request_take_the_same_queries_as_they_grow(
        as_maria, maria, pat, django_assert_max_num_queries, django_assert_num_queries):
    ask(as_maria)
    request = AskRequest.objects.get()
    as_pat = client_for(pat)
    paths = [(as_pat, "/ask/inbox/"), (as_pat, f"/ask/inbox/{request.pk}/"),
             (as_maria, f"/ask/{request.pk}/"), (as_maria, "/ask/")]
    # the team's pages are privileged: the MFA check adds 4 (role, group, authenticator, and
    # here with MFA off, the demo notice kept in the session)
    budgets = [8, 11, 6, 3]
    for client, path in paths:  # the first visit of a session does its own once-only work
        client.get(path)
    small = []
    for (client, path), budget in zip(paths, budgets, strict=True):
        with django_assert_max_num_queries(budget) as queries:
            assert client.get(path).status_code == 200
        small.append(len(queries))
    for i in range(6):
        services.ask_reply(user=pat, request_id=request.pk, body=f"reply {i}")
        services.ask_note(user=pat, request_id=request.pk, body=f"note {i}")
    AskRequest.objects.bulk_create([AskRequest(member=make_user(f"m{i}"), topic="praise",
                                               subject=f"s{i}") for i in range(8)])
    AskRequest.objects.bulk_create([AskRequest(member=maria, topic="other", subject=f"t{i}")
                                    for i in range(4)])
    for (client, path), count in zip(paths, small, strict=True):
        with django_assert_num_queries(count):
            assert client.get(path).status_code == 200
