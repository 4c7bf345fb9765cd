"""Review of api/: a wrong token is not a way around the API's rate limits."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_guessing_tokens_from_one_address_is_rate_limited(monkeypatch, diabetes):
    # given the visitors' limit is 20 a minute
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES",
                        {"token": "600/min", "anon": "20/min"})
    client = APIClient()
    # when one address sends a different made-up token each time
    codes = [client.get("/api/v1/communities/",
                        HTTP_AUTHORIZATION=f"Bearer hearth_pat_guess{n:04d}").status_code
             for n in range(40)]
    # then it is stopped like a visitor without a token, with Retry-After
    assert codes[:20] == [401] * 20
    assert set(codes[25:]) == {429}
    response = client.get("/api/v1/communities/", HTTP_AUTHORIZATION="Bearer hearth_pat_x")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_a_member_holds_a_bounded_number_of_live_tokens(maria):
    from api import services
    from api.models import ApiToken
    from tests.conftest import client_for

    # given maria made as many tokens as a member may hold
    for n in range(services.MAX_LIVE_TOKENS):
        services.token_create(user=maria, name=f"sheet {n}", scopes=["read"], days=7)
    # when a script with her session asks for more
    as_maria = client_for(maria)
    response = as_maria.post("/settings/api-tokens/", {"name": "one more", "scopes": ["read"],
                                                      "days": "7"})
    # then none is made, and she is told to revoke one
    assert response.status_code == 400
    assert ApiToken.objects.filter(user=maria).count() == services.MAX_LIVE_TOKENS
    # and a revoked one makes room again
    services.token_revoke(user=maria, token_id=ApiToken.objects.filter(user=maria).first().pk)
    assert as_maria.post("/settings/api-tokens/", {"name": "one more", "scopes": ["read"],
                                                  "days": "7"}).status_code == 302
