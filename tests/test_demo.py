"""`make run` is the demo, and it runs as production does: DEBUG off, so a missing page, a
held thread opened by someone who may not see it, or a crash shows Hearth's own page and never
Django's debug pages (which list every URL pattern and setting). On 127.0.0.1 it stays usable
over plain http: cookies without `Secure`, no redirect to HTTPS, static files served."""

from __future__ import annotations

import html
import http.client
import json
import os
import subprocess
import sys
import time
from http.cookies import SimpleCookie

import pytest
from django.db import connection
from django.test import Client
from django.urls import path

from hearth.embedded import free_port
from hearth.run import BASE_DIR, demo_environment
from hearth.urls import urlpatterns as hearth_urlpatterns
from tests.conftest import client_for, join, make_community, make_user, publish_thread

DEBUG_PAGE_SIGNS = ("Using the URLconf", "DEBUG = True", "technical_500", "Traceback")


def _database_url() -> str:
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    return (f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}")


def _demo_env(**extra: str) -> dict[str, str]:
    """What hearth/run.py gives its processes, pointed at this test's database and Redis."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "HEARTH_TESTING", "ALLOWED_HOSTS")}
    env = demo_environment(base)
    env.update({"DATABASE_URL": _database_url(), "CACHE_KEY_PREFIX": "hearth-demo-test",
                "CHANNEL_PREFIX": "hearth-demo-test", "LOG_LEVEL": "WARNING", **extra})
    return env


def _demo_settings(**extra: str) -> dict:
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps({k: getattr(s, k, None) for k in ('DEBUG', 'HEARTH_DEMO', "
            "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
            "'WHITENOISE_USE_FINDERS')}))")
    out = subprocess.run([sys.executable, "-c", code], env=_demo_env(**extra), cwd=BASE_DIR,
                         capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_make_run_turns_debug_off_and_keeps_plain_http_on_this_machine():
    values = _demo_settings()
    assert values == {"DEBUG": False, "HEARTH_DEMO": True, "SESSION_COOKIE_SECURE": False,
                      "CSRF_COOKIE_SECURE": False, "SECURE_SSL_REDIRECT": False,
                      "WHITENOISE_USE_FINDERS": True}


def test_the_demo_on_a_real_host_name_keeps_production_security():
    values = _demo_settings(ALLOWED_HOSTS="forum.example.org")
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True


@pytest.fixture
def demo_server(transactional_db, redis_client):
    """uvicorn started the way `make run` starts it, in its own process, on this test's data."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hearth.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--no-proxy-headers", "--ws-per-message-deflate", "false",
         "--log-level", "warning"],
        env=_demo_env(), cwd=BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            pytest.fail(f"uvicorn exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz/live")
            conn.getresponse().read()
            break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("uvicorn did not start")
            time.sleep(0.25)
    yield port
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _get(port: int, path: str, cookie: str = "") -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    headers = {}
    for name, value in response.getheaders():
        headers.setdefault(name.lower(), []).append(value)
    return response.status, headers, response.read().decode(errors="replace")


def test_the_demo_shows_hearths_own_pages_over_plain_http(demo_server):
    port = demo_server
    diabetes = make_community("type-2-diabetes")
    maria, james = make_user("maria"), make_user("james")
    join(maria, diabetes)
    join(james, diabetes)
    held = publish_thread(maria, diabetes, title="Held for a moderator")
    type(held).objects.filter(pk=held.pk).update(status="held")
    james_cookie = f"sessionid={client_for(james).cookies['sessionid'].value}"

    # no redirect to https, the demo banner, the stylesheet served, cookies without Secure
    status, headers, body = _get(port, "/accounts/login/")
    assert status == 200, status
    assert "Demo" in body and "var/mail/" in body
    for raw in headers.get("set-cookie", []):
        cookie = SimpleCookie(raw)
        for morsel in cookie.values():
            assert not morsel["secure"], raw
    status, _headers, css = _get(port, "/static/css/hearth.css")
    assert status == 200 and ".site-header" in css

    # a missing page and a held thread: Hearth's 404, never Django's debug page
    for url, cookie in (("/no/such/page/", ""), (held.get_absolute_url(), ""),
                        (held.get_absolute_url(), james_cookie),
                        (f"/t/{held.pk}/", james_cookie)):
        status, _headers, body = _get(port, url, cookie)
        assert status == 404, (url, status)
        assert "We couldn't find that page" in html.unescape(body)
        assert not [sign for sign in DEBUG_PAGE_SIGNS if sign in body], (url, body[:500])
        assert "Held for a moderator" not in body
    # the author still opens it
    maria_cookie = f"sessionid={client_for(maria).cookies['sessionid'].value}"
    status, _headers, body = _get(port, held.get_absolute_url(), maria_cookie)
    assert status == 200 and "Held for a moderator" in body


def _boom(request):
    raise RuntimeError("a bug")


def _forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


urlpatterns = [path("boom/", _boom), path("forbidden/", _forbidden), *hearth_urlpatterns]


@pytest.mark.django_db
def test_a_crash_and_a_refusal_show_hearths_own_pages(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    crash = client.get("/boom/")
    assert crash.status_code == 500
    text = crash.content.decode()
    assert "Something went wrong" in text and "a bug" not in text
    assert 'href="/"' in text  # a way back, not a dead end
    refused = client.get("/forbidden/")
    assert refused.status_code == 403
    assert "You can't do that here" in html.unescape(refused.content.decode())


@pytest.mark.django_db
def test_a_form_with_an_expired_token_shows_hearths_page_not_djangos(diabetes, maria):
    client = Client(enforce_csrf_checks=True)
    client.force_login(maria)
    response = client.post(f"/c/{diabetes.slug}/leave/")
    assert response.status_code == 403
    text = html.unescape(response.content.decode())
    assert "Please try again" in text and "Nothing was sent." in text
    assert "CSRF verification failed" not in text and "Forbidden (403)" not in text
    assert 'href="/"' in text


@pytest.mark.django_db
def test_the_admin_is_named_after_the_site_with_debug_off(admin):
    from django.conf import settings as django_settings

    assert django_settings.DEBUG is False  # as in production and the demo
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/").content.decode()
    assert f"{django_settings.SITE_NAME} administration" in page
    assert "Django administration" not in page


def test_make_run_processes_keep_what_they_compile(tmp_path):
    """Where PYTHONDONTWRITEBYTECODE is set, each of `make run`'s processes compiled Django
    and Hearth again: the demo's processes run without it and write their compiled files."""
    env = demo_environment({"PYTHONDONTWRITEBYTECODE": "1", "PATH": os.environ["PATH"]})
    assert "PYTHONDONTWRITEBYTECODE" not in env
    (tmp_path / "imported_once.py").write_text("X = 1\n")
    subprocess.run([sys.executable, "-c", "import imported_once"], env=env, cwd=tmp_path,
                   check=True, timeout=60)
    assert [p.name for p in (tmp_path / "__pycache__").glob("imported_once.*.pyc")]
