"""Helpers for the identity tests: providers' HTTP endpoints stood in the way allauth's own
tests do it (requests.Session.request patched), MFA enrolment, clients with their own IP."""

from __future__ import annotations

import json
import secrets
from contextlib import contextmanager
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialApp
from django.contrib.sites.models import Site
from django.test import Client


class MockedResponse:
    """Enough of requests.Response for allauth's provider code."""

    def __init__(self, status_code: int, content, headers: dict | None = None):
        self.status_code = status_code
        if isinstance(content, dict | list):
            content = json.dumps(content)
            headers = {"content-type": "application/json", **(headers or {})}
        self.content = content.encode()
        self.text = content
        self.headers = headers or {}
        self.ok = status_code < 400

    def json(self):
        return json.loads(self.text)

    def raise_for_status(self):
        if not self.ok:
            raise requests.HTTPError(self.status_code)


@contextmanager
def provider_http(routes: dict[str, MockedResponse]):
    """Answer outgoing requests by URL prefix; record them; fail on anything unexpected."""
    calls: list[tuple[str, str, dict]] = []

    def request(session, method, url, *args, **kwargs):
        calls.append((method, url, kwargs))
        for prefix, response in routes.items():
            if url.startswith(prefix):
                return response
        raise AssertionError(f"unexpected outgoing request: {method} {url}")

    with patch.object(requests.Session, "request", autospec=True, side_effect=request):
        yield calls


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}


def social_app(provider: str) -> SocialApp:
    app = SocialApp.objects.create(provider=provider, name=provider, client_id=f"{provider}-id",
                                   secret="dummy-secret")
    app.sites.add(Site.objects.get_current())
    return app


@pytest.fixture
def x_app(db):
    return social_app("twitter_oauth2")


@pytest.fixture
def facebook_app(db):
    return social_app("facebook")


def fresh_client() -> Client:
    """A client from an address of its own, so rate limits in Redis never cross tests."""
    return Client(REMOTE_ADDR=f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}."
                              f"{secrets.randbelow(250) + 1}")


def enrol_mfa(user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def mfa_required(settings):
    settings.HEARTH_MFA_REQUIRED = True
    return settings


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts attempts in the Redis cache, per address and per login name; names
    like "maria" recur across tests, so each test starts with its own counters."""
    _clear_rate_limits()
    yield
    _clear_rate_limits()


def _clear_rate_limits() -> None:
    from django.conf import settings
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    try:
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*:allauth:rl:*", count=1000))
        if keys:
            client.delete(*keys)
    except Exception:  # noqa: BLE001, S110 - no Redis: the tests that need it are skipped
        pass
