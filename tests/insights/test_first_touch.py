"""Where a member came from is kept from the first landing through sign-up."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from insights.middleware import COOKIE_NAME
from insights.sources import normalise_source

PASSWORD = "quiet-harbour-lanterns-7"


def sign_up(client: Client, username: str):
    response = client.post("/accounts/signup/", {
        "email": f"{username.lower()}@example.org", "username": username,
        "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 302, response.content[:500]
    return User.objects.get(username=username)


@pytest.mark.parametrize(("landing", "expected"), [
    ("/?utm_source=Facebook", "facebook"),
    ("/?ref=twitter", "x"),
    ("/?utm_source=newsletter&utm_medium=email", "email"),
    ("/", "direct"),
    ("/?utm_source=somewhere-else", "other"),
])
def test_the_first_landing_source_becomes_the_accounts_source(db, landing, expected):
    client = Client()
    client.get(landing)
    client.get("/?utm_source=x")  # a later link does not replace the first touch
    client.get("/accounts/signup/")
    assert sign_up(client, "CalmHeron201").signup_source == expected


def test_the_source_survives_a_new_session_through_the_signed_cookie(db):
    first = Client()
    first.get("/?utm_source=fb")
    cookie = first.cookies[COOKIE_NAME].value
    later = Client()  # the browser was closed: a new session, the long-lived cookie remains
    later.cookies[COOKIE_NAME] = cookie
    later.get("/accounts/signup/")
    assert sign_up(later, "QuietLark302").signup_source == "facebook"


def test_a_forged_cookie_is_ignored(db):
    client = Client()
    client.cookies[COOKIE_NAME] = "facebook"
    client.get("/accounts/signup/?utm_source=email")
    assert sign_up(client, "BraveOwl403").signup_source == "email"


def test_sources_are_normalised():
    assert [normalise_source(v) for v in ("X", "t.co", "www.facebook.com", "", None, "Mail",
                                          "linkedin")] == [
        "x", "x", "facebook", "direct", "direct", "email", "other"]
