"""X and Facebook sign-in end to end, with the providers' HTTP endpoints stood in."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import Client, override_settings

from accounts.models import User
from tests.conftest import make_user, publish_reply, publish_thread

from .conftest import MockedResponse, fresh_client, provider_http, query_of

X_PROFILE = {
    "data": {
        "id": "4242",
        "name": "Rosalind Quimby-Fairweather",
        "username": "rquimbyfw",
        "profile_image_url": "https://pbs.twimg.com/profile_images/rq.jpg",
        "verified": False,
        "created_at": "2015-01-01T00:00:00.000Z",
    }
}
FACEBOOK_ME = {
    "id": "10001",
    "email": "ottilie.real@example.com",
    "name": "Ottilie Vandersloot",
    "first_name": "Ottilie",
    "last_name": "Vandersloot",
}
GRAPH = "https://graph.facebook.com/v19.0"


def x_endpoints():
    return {
        "https://api.x.com/2/oauth2/token": MockedResponse(
            200, {"access_token": "x-access", "token_type": "bearer", "expires_in": 7200}
        ),
        "https://api.x.com/2/users/me": MockedResponse(200, X_PROFILE),
    }


def facebook_endpoints(me=None):
    return {
        f"{GRAPH}/oauth/access_token": MockedResponse(
            200, {"access_token": "fb-access", "token_type": "bearer", "expires_in": 3600}
        ),
        f"{GRAPH}/me": MockedResponse(200, me or FACEBOOK_ME),
    }


def start_login(client: Client, provider: str) -> dict[str, str]:
    response = client.post(f"/accounts/{provider}/login/")
    assert response.status_code == 302
    return {"location": response["Location"], **query_of(response["Location"])}


def confirm_email(client: Client) -> None:
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    path = "/" + link.group(0).split("/", 3)[3]
    response = client.post(path)
    assert response.status_code == 302


def assert_public_pages_hide(client: Client, member: User, secrets: list[str], thread) -> None:
    pages = [f"/u/{member.username}/", thread.get_absolute_url(), "/",
             f"/c/{thread.community.slug}/", f"/search/?q={member.username}"]
    for url in pages:
        html = client.get(url).content.decode()
        for secret in secrets:
            assert secret not in html, f"{secret!r} shown on {url}"


def test_x_login_is_a_post_that_redirects_to_x_with_state_and_an_s256_code_challenge(x_app):
    client = fresh_client()
    assert client.get("/accounts/twitter_oauth2/login/").status_code == 200  # a confirm page
    start = start_login(client, "twitter_oauth2")
    assert start["location"].startswith("https://x.com/i/oauth2/authorize?")
    assert start["state"]
    assert start["code_challenge_method"] == "S256"
    assert len(start["code_challenge"]) >= 43


def test_x_sign_up_asks_a_pseudonym_and_an_email_verifies_it_and_shows_no_real_name(
    x_app, diabetes
):
    client = fresh_client()
    start = start_login(client, "twitter_oauth2")
    # when X calls back with a code
    with provider_http(x_endpoints()) as calls:
        response = client.get("/accounts/twitter_oauth2/login/callback/",
                              {"code": "the-code", "state": start["state"]})
    # then Hearth exchanged it with the PKCE verifier and read the profile
    token_call = next(c for c in calls if c[0] == "POST")
    verifier = token_call[2]["data"]["code_verifier"]
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert expected.decode() == start["code_challenge"]
    assert any(url.startswith("https://api.x.com/2/users/me") for _m, url, _k in calls)
    # and asks for a pseudonym and an email (X gives none)
    assert response.status_code == 302 and response["Location"] == "/accounts/3rdparty/signup/"
    form_page = client.get("/accounts/3rdparty/signup/")
    form = form_page.context["form"]
    suggested = form.initial["username"]
    assert re.fullmatch(r"[A-Z][a-z]+[A-Z][a-z]+\d{3,5}", suggested)
    assert not form.initial.get("email")
    html = form_page.content.decode()
    assert "Rosalind" not in html and "rquimbyfw" not in html
    response = client.post("/accounts/3rdparty/signup/",
                           {"username": suggested, "email": "rq.private@example.net"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    member = User.objects.get(username=suggested)
    assert member.signup_source  # "x" unless insights knows where the visitor came from
    assert member.first_name == "Rosalind"  # kept privately, for the member only
    assert not EmailAddress.objects.get(user=member).verified
    assert "_auth_user_id" not in client.session
    # when the member follows the link in the email, they are in
    confirm_email(client)
    assert EmailAddress.objects.get(user=member).verified
    assert client.get("/settings/").status_code == 200
    assert SocialAccount.objects.get(user=member).provider == "twitter_oauth2"
    # and their real name, X handle and picture are on no public page
    thread = publish_thread(member, diabetes, title="Hello from X", body="First post")
    publish_reply(member, thread, "A reply of mine")
    secrets = ["Rosalind", "Quimby", "rquimbyfw", "pbs.twimg.com", "rq.private@example.net"]
    assert_public_pages_hide(client, member, secrets, thread)
    assert_public_pages_hide(Client(), member, secrets, thread)


def test_facebook_sign_up_verifies_the_email_facebook_sent_before_trusting_it(facebook_app):
    client = fresh_client()
    start = start_login(client, "facebook")
    assert start["location"].startswith("https://www.facebook.com/")
    assert start["state"]
    with provider_http(facebook_endpoints()) as calls:
        response = client.get("/accounts/facebook/login/callback/",
                              {"code": "the-code", "state": start["state"]})
    assert any(url.startswith(f"{GRAPH}/me") for _m, url, _k in calls)
    assert response["Location"] == "/accounts/3rdparty/signup/"
    form = client.get("/accounts/3rdparty/signup/").context["form"]
    assert form.initial["email"] == FACEBOOK_ME["email"]
    assert "Ottilie" not in form.initial["username"]
    response = client.post("/accounts/3rdparty/signup/",
                           {"username": form.initial["username"], "email": FACEBOOK_ME["email"]})
    assert response["Location"] == "/accounts/confirm-email/"
    member = User.objects.get(username=form.initial["username"])
    assert member.signup_source
    assert not EmailAddress.objects.get(user=member).verified
    assert "_auth_user_id" not in client.session
    confirm_email(client)
    assert EmailAddress.objects.get(user=member).verified
    profile = Client().get(f"/u/{member.username}/").content.decode()
    assert "Ottilie" not in profile and "Vandersloot" not in profile


@pytest.mark.parametrize("provider", ["facebook"])
def test_a_social_login_whose_email_matches_an_account_does_not_sign_into_it(
    facebook_app, provider
):
    # given maria, whose email Facebook also reports
    maria = make_user("maria")
    client = fresh_client()
    start = start_login(client, provider)
    me = {**FACEBOOK_ME, "email": maria.email}
    with provider_http(facebook_endpoints(me)):
        response = client.get(f"/accounts/{provider}/login/callback/",
                              {"code": "the-code", "state": start["state"]})
    # then it is a sign-up, not maria's session
    assert response["Location"] == "/accounts/3rdparty/signup/"
    assert "_auth_user_id" not in client.session
    # and completing it answers like any sign-up, mails maria, and links nothing to her
    form = client.get("/accounts/3rdparty/signup/").context["form"]
    response = client.post("/accounts/3rdparty/signup/",
                           {"username": form.initial["username"], "email": maria.email})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user=maria).exists()
    assert User.objects.filter(email__iexact=maria.email).count() == 1
    assert mail.outbox and mail.outbox[-1].to == [maria.email]


def test_connecting_a_provider_needs_the_member_signed_in(x_app):
    maria = make_user("maria")
    client = fresh_client()
    client.force_login(maria)
    response = client.post("/accounts/twitter_oauth2/login/?process=connect")
    start = {"location": response["Location"], **query_of(response["Location"])}
    with provider_http(x_endpoints()):
        client.get("/accounts/twitter_oauth2/login/callback/",
                   {"code": "c", "state": start["state"]})
    assert SocialAccount.objects.get(provider="twitter_oauth2").user == maria
    # and maria's pseudonym and name were left alone
    maria.refresh_from_db()
    assert maria.username == "maria"


def test_a_provider_button_appears_only_when_configured(db, settings):
    html = fresh_client().get("/accounts/login/").content.decode()
    assert "provider-twitter_oauth2" not in html and "provider-facebook" not in html
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "twitter_oauth2": {"APPS": [{"client_id": "from-env", "secret": "s"}]},
    }
    html = fresh_client().get("/accounts/login/").content.decode()
    assert "provider-twitter_oauth2" in html and "provider-facebook" not in html
    assert 'method="post" action="/accounts/twitter_oauth2/login/' in html


@override_settings(SOCIALACCOUNT_LOGIN_ON_GET=False)
def test_a_get_to_the_provider_login_does_not_leave_for_the_provider(x_app):
    response = fresh_client().get("/accounts/twitter_oauth2/login/")
    assert response.status_code == 200
    assert "x.com" not in response.get("Location", "")
