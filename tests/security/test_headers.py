"""Headers on every HTML page, production transport security, and CSRF on every state change.

`check --deploy` with production values reporting no warnings is tested once, in
tests/test_foundation.py::test_check_deploy_with_production_values_reports_no_warnings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings

from tests.test_foundation import BASE_DIR, PRODUCTION_ENV

from .test_authorization_matrix import SPECS
from .urls import fill, url_patterns
from .world import OBJECTS

pytestmark = pytest.mark.django_db
CSP_MUST = ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")
ROLES_TO_WALK = ("visitor", "member_a", "mod_a", "staff")
CSRF_EXEMPT = {"notifications:unsubscribe"}  # RFC 8058 one-click; see notifications/views.py


def get_paths(world) -> list[str]:
    """A path for every GET row of the matrix, with each object it is tested with."""
    routes = {name: route for route, name in url_patterns()}
    paths = []
    for name, spec in SPECS.items():
        if spec.method != "GET" or name not in routes:
            continue
        for obj in spec.objects:
            if obj == "missing" or obj not in (*OBJECTS, *world.communities, "-", "own",
                                                "member_a", "valid"):
                continue
            paths.append(fill(routes[name], spec.args(world, obj)))
    for route, _name in url_patterns():
        if route.startswith("accounts/") and "<" not in route and "(" not in route:
            paths.append("/" + route)
    return sorted(set(paths))


def test_every_html_page_carries_the_csp_and_nosniff(in_world, monkeypatch):
    monkeypatch.setattr("hearth.health.check_celery", lambda: False)
    world = in_world
    wrong, pages = [], 0
    for role in ROLES_TO_WALK:
        for path in get_paths(world):
            response = world.client(role).get(path)
            if response.get("X-Content-Type-Options") != "nosniff":
                wrong.append(f"{path} as {role}: no nosniff")
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            csp = response.get("Content-Security-Policy", "")
            missing = [d for d in CSP_MUST if d not in csp]
            if missing:
                wrong.append(f"{path} as {role} ({response.status_code}): CSP lacks {missing}")
    assert pages > 100
    assert not wrong, "\n".join(wrong)


def production_security_settings() -> dict:
    """The transport-security settings as production values make them (a fresh process)."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({k: getattr(settings, k) for k in ("
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
        "'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_HTTPONLY', 'DEBUG')}))"
    )
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "hearth.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    values = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_sends_hsts_and_only_secure_cookies(in_world):
    values = production_security_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    with override_settings(**values, ALLOWED_HOSTS=["testserver"]):
        plain = Client().get("/")
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        page = client.get("/accounts/login/")
        assert page.status_code == 200
        assert "max-age=31536000" in page["Strict-Transport-Security"]
        assert "includeSubDomains" in page["Strict-Transport-Security"]
        login = client.post("/accounts/login/", {"login": "member_a",
                                                  "password": "hearth-demo"})
        assert login.status_code == 302, login.content[:500]
        cookies = {**page.cookies, **login.cookies}
        assert {"csrftoken", "sessionid"} <= set(cookies)
        for name, morsel in cookies.items():
            assert morsel["secure"], f"cookie {name} is not Secure"
        assert login.cookies["sessionid"]["httponly"]
        assert client.get("/settings/").status_code == 200


def test_every_state_change_needs_a_csrf_token(in_world):
    """A POST without the token is refused (403) on every URL pattern, signed in or not, except
    the documented RFC 8058 one-click unsubscribe. The API authenticates by token, and checks
    CSRF whenever the browser session is what authenticates: without a session (a visitor) it
    refuses before anything happens, 401 (or 404/405 where nothing can be posted)."""
    world = in_world
    values = {"pk": world.posts["public"].pk, "slug": world.communities["public"].slug,
              "username": "member_a", "action": "hide", "token": "x", "object_id": "1",
              "content_type_id": "1", "key": "k", "uidb36": "z", "app_label": "accounts"}
    wrong = []
    for route, name in url_patterns():
        if name in CSRF_EXEMPT:
            continue
        path = fill(route, values)
        for role in ("visitor", "member_a", "staff"):
            client = world.client(role, enforce_csrf_checks=True)
            response = client.post(path, {"body": "x", "reason": "x"})
            if role == "visitor" and path.startswith("/api/v1/") \
                    and response.status_code in (401, 404, 405):
                continue
            if response.status_code != 403:
                wrong.append(f"POST {path} as {role}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_the_unsubscribe_endpoint_alone_is_exempt_and_only_turns_email_off(in_world):
    from notifications import tokens

    world = in_world
    token = tokens.unsubscribe_token(world.users["member_a"].pk, "digest")
    response = Client(enforce_csrf_checks=True).post(f"/email/unsubscribe/{token}/")
    assert response.status_code == 200
    assert Client(enforce_csrf_checks=True).post(
        "/email/unsubscribe/forged/").status_code == 404
