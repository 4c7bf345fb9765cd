"""Review 2: an insights token is as good as its owner's MFA, checked on every use, and a new
token's text is shown once and not kept in the session."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator

from api import pages as api_pages
from api.pages import NEW_TOKEN_KEY, NEW_TOKEN_SECONDS
from tests.api.conftest import api_client, token_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_insights_token_stops_working_when_its_owner_removes_mfa(admin):
    totp = Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP,
                                        data={"secret": "x"})
    client = api_client(token_for(admin, scopes=["insights", "read"]))
    assert client.get("/api/v1/insights/").status_code == 200
    # when she turns MFA off, the token she made with it no longer reads the figures
    totp.delete()
    refused = client.get("/api/v1/insights/")
    assert refused.status_code == 403
    assert "figures" not in refused.json()
    # the token's other scopes keep working
    assert client.get("/api/v1/me/").status_code == 200
    # and with MFA back, the token reads them again
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "y"})
    assert client.get("/api/v1/insights/").status_code == 200


def make_token_in_settings(client) -> object:
    return client.post("/settings/api-tokens/", {"name": "BI", "scopes": ["read"], "days": "30"})


def test_a_new_tokens_text_leaves_the_session_on_the_page_that_shows_it(maria):
    client = client_for(maria)
    made = make_token_in_settings(client)
    assert made.status_code == 302
    shown = client.get(made["Location"])
    raw = re.search(r'<code id="new-token">(hearth_pat_[\w-]+)</code>',
                    shown.content.decode()).group(1)
    # the page that shows it is not kept by the browser, and the session no longer holds it
    assert "no-store" in shown["Cache-Control"]
    assert NEW_TOKEN_KEY not in client.session
    assert raw not in str(dict(client.session.items()))


def test_the_next_request_to_the_page_takes_it_whatever_its_method(maria):
    client = client_for(maria)
    make_token_in_settings(client)
    # the redirect was not followed; the next thing sent is another (invalid) form
    response = client.post("/settings/api-tokens/", {"name": ""})
    assert response.status_code == 400
    assert 'id="new-token"' in response.content.decode()
    assert NEW_TOKEN_KEY not in client.session


def test_a_new_token_not_fetched_in_time_is_dropped_unshown(maria, monkeypatch):
    client = client_for(maria)
    make_token_in_settings(client)
    later = time.time() + NEW_TOKEN_SECONDS + 1
    monkeypatch.setattr(api_pages.time, "time", lambda: later)
    shown = client.get("/settings/api-tokens/")
    assert 'id="new-token"' not in shown.content.decode()
    assert NEW_TOKEN_KEY not in client.session
