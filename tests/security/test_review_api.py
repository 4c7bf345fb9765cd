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
