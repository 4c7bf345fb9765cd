"""Review 2: an insights token is as good as its owner's MFA, checked on every use, and a new
token's text is shown once and not kept in the session."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from tests.api.conftest import api_client, token_for

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
