"""Email sign-up and login: pseudonyms, no enumeration, rate limits, sessions."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import ClinicianProfile, User
from accounts.pseudonyms import generate_pseudonym, validate_pseudonym
from tests.conftest import PASSWORD, make_user

from .conftest import fresh_client

GOOD_PASSWORD = "quiet-harbour-lanterns-7"


def signup(client, *, email: str, username: str, password: str = GOOD_PASSWORD):
    return client.post("/accounts/signup/", {
        "email": email, "username": username, "password1": password, "password2": password,
    })


def errors_of(response) -> dict:
    return {k: list(v) for k, v in response.context["form"].errors.items()}


# --- Sign-up -----------------------------------------------------------------------------------


def test_sign_up_offers_a_generated_pseudonym_and_asks_to_verify_the_email(db):
    client = fresh_client()
    page = client.get("/accounts/signup/")
    suggested = page.context["form"].initial["username"]
    assert re.fullmatch(r"[A-Z][a-z]+[A-Z][a-z]+\d{3,5}", suggested)
    response = signup(client, email="new.person@example.com", username=suggested)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    member = User.objects.get(username=suggested)
    assert member.signup_source  # "email" unless insights knows where the visitor came from
    assert not EmailAddress.objects.get(user=member).verified
    assert "_auth_user_id" not in client.session  # mandatory verification
    assert mail.outbox[-1].to == ["new.person@example.com"]


def test_sign_up_refuses_short_and_common_passwords(db):
    response = signup(fresh_client(), email="a@example.com", username="QuietOtter1",
                      password="password1")
    assert response.status_code == 200
    assert "password1" in errors_of(response)
    assert not User.objects.filter(username="QuietOtter1").exists()


@pytest.mark.parametrize("name", ["admin", "Moderator", "hearth_support", "Staff", "clinician"])
def test_reserved_names_are_refused(db, name):
    response = signup(fresh_client(), email="b@example.com", username=name)
    assert "username" in errors_of(response)


@pytest.mark.parametrize("name", ["DrLee", "Dr.Smith", "dr_jones", "JaneDoeMD", "jane.md",
                                  "NurseAnn"])
def test_dr_and_md_style_names_are_refused_at_sign_up(db, name):
    response = signup(fresh_client(), email="c@example.com", username=name)
    assert "username" in errors_of(response)


@pytest.mark.parametrize("name", ["Drew", "Andrew", "HeartHealthFan", "BlueHeron482"])
def test_ordinary_names_are_accepted(db, name):
    assert validate_pseudonym(name) == name


def test_a_clinical_title_is_allowed_for_a_verified_clinician_display_name(drlee, maria):
    services.profile_update(user=drlee, display_name="Dr Lee")
    assert drlee.display_name == "Dr Lee"
    with pytest.raises(ValidationError):
        services.profile_update(user=maria, display_name="Dr Maria")
    ClinicianProfile.objects.filter(user=drlee).update(status=ClinicianProfile.Status.REVOKED)
    drlee = User.objects.get(pk=drlee.pk)
    with pytest.raises(ValidationError):
        services.profile_update(user=drlee, display_name="Dr. Lee MD")


def test_an_email_address_is_not_a_pseudonym(db):
    response = signup(fresh_client(), email="d@example.com", username="d@example.com")
    assert "username" in errors_of(response)


def test_usernames_are_unique_whatever_their_case(db):
    make_user("maria")
    response = signup(fresh_client(), email="e@example.com", username="MARIA")
    assert "username" in errors_of(response)
    assert User.objects.filter(username__iexact="maria").count() == 1


def test_generated_pseudonyms_avoid_taken_names(db):
    names = {generate_pseudonym() for _ in range(30)}
    assert len(names) == 30
    for name in names:
        validate_pseudonym(name)


# --- No enumeration ------------------------------------------------------------------------------


def test_sign_up_answers_the_same_for_a_taken_and_a_free_email(db):
    make_user("maria")
    taken = signup(fresh_client(), email="maria@example.org", username="CalmFinch101")
    free = signup(fresh_client(), email="nobody.yet@example.org", username="CalmFinch102")
    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert User.objects.filter(email__iexact="maria@example.org").count() == 1
    assert not User.objects.filter(username="CalmFinch101").exists()


def test_login_answers_the_same_for_an_existing_and_an_unknown_account(db):
    make_user("maria")
    existing = fresh_client().post("/accounts/login/",
                                   {"login": "maria", "password": "wrong-password-1"})
    unknown = fresh_client().post("/accounts/login/",
                                  {"login": "nobody-here", "password": "wrong-password-1"})
    assert existing.status_code == unknown.status_code == 200
    assert errors_of(existing) == errors_of(unknown)
    by_email = fresh_client().post("/accounts/login/",
                                   {"login": "maria@example.org", "password": "wrong-pass-2"})
    unknown_email = fresh_client().post("/accounts/login/",
                                        {"login": "nobody@example.org", "password": "wrong-pass-2"})
    assert errors_of(by_email) == errors_of(unknown_email)


def test_password_reset_answers_the_same_for_an_existing_and_an_unknown_email(db):
    make_user("maria")
    existing = fresh_client().post("/accounts/password/reset/", {"email": "maria@example.org"})
    unknown = fresh_client().post("/accounts/password/reset/", {"email": "ghost@example.org"})
    assert (existing.status_code, existing["Location"]) == (unknown.status_code,
                                                            unknown["Location"])


# --- Rate limits ---------------------------------------------------------------------------


def test_the_eleventh_failed_login_in_a_minute_answers_429(db, redis_client):
    client = fresh_client()
    for attempt in range(10):
        response = client.post("/accounts/login/",
                               {"login": f"someone{attempt}", "password": "not-the-password"})
        assert response.status_code == 200, attempt
    response = client.post("/accounts/login/", {"login": "someone10", "password": "nope-nope"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_repeated_failures_on_one_account_are_limited_too(db, redis_client):
    make_user("maria")
    statuses = [
        fresh_client().post("/accounts/login/",
                            {"login": "maria", "password": "wrong-password"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


# --- Login, logout and sessions ------------------------------------------------------------------


def test_login_by_username_or_email_rotates_the_session_and_logout_ends_it(db):
    make_user("maria")
    for login in ("maria", "MARIA@example.org"):
        client = fresh_client()
        client.get("/accounts/login/")
        before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
        client.session.save()
        response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})
        assert response.status_code == 302, login
        after = client.cookies["sessionid"].value
        assert after != before
        assert Session.objects.filter(session_key=after).exists()
        client.post("/accounts/logout/")
        assert not Session.objects.filter(session_key=after).exists()
        assert client.get("/settings/").status_code == 302


def test_banning_a_member_ends_every_session(db, maria):
    one, two = fresh_client(), fresh_client()
    for client in (one, two):
        assert client.post("/accounts/login/",
                           {"login": "maria", "password": PASSWORD}).status_code == 302
    assert one.get("/settings/").status_code == 200
    services.user_ban(user=maria)
    for client in (one, two):
        assert client.get("/settings/").status_code == 302


@pytest.mark.parametrize("action", ["suspend", "deactivate"])
def test_suspending_or_deactivating_ends_every_session(db, maria, action):
    from datetime import timedelta

    from django.utils import timezone

    client = fresh_client()
    client.force_login(maria)
    if action == "suspend":
        services.user_suspend(user=maria, until=timezone.now() + timedelta(days=3))
    else:
        services.user_deactivate(user=maria)
    assert client.get("/settings/").status_code == 302
    assert not any(s.get_decoded().get("_auth_user_id") == str(maria.pk)
                   for s in Session.objects.all())


def test_ending_sessions_tells_the_members_socket(
    db, maria, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr("hearth.lib.live.publish", lambda group, event: sent.append((group, event)))
    with django_capture_on_commit_callbacks(execute=True):
        services.user_end_sessions(user=maria)
    assert sent == [(f"user.{maria.pk}", {"type": "access.revoked"})]


def test_sign_out_everywhere_ends_the_other_browsers_too(db, maria):
    one, two = fresh_client(), fresh_client()
    one.force_login(maria)
    two.force_login(maria)
    response = one.post("/settings/security/sign-out-everywhere/")
    assert response.status_code == 302
    assert two.get("/settings/").status_code == 302
    assert one.get("/settings/").status_code == 302


def test_sign_out_everywhere_needs_a_post(db, maria):
    client = fresh_client()
    client.force_login(maria)
    assert client.get("/settings/security/sign-out-everywhere/").status_code == 405


@pytest.mark.parametrize("sent,kept", [("America/Chicago", "America/Chicago"),
                                       ("Mars/Olympus_Mons", "UTC"), ("", "UTC")])
def test_sign_up_keeps_the_browsers_time_zone_when_it_is_a_real_one(db, sent, kept):
    client = fresh_client()
    client.post("/accounts/signup/", {
        "email": "tz@example.org", "username": "QuietHeron12", "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD, "time_zone": sent})
    assert User.objects.get(username="QuietHeron12").time_zone == kept
