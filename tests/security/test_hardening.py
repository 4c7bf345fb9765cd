"""Issue 16, security: what an independent attack found, each point driven as the attacker did.

2. The visitor page cache puts the CSRF token and nonce back only where Hearth's templates
   put their marks, never inside a member's text.
3. Odd digits in numeric query parameters never answer 500.
4. A WebSocket opens only from Hearth's own origin: scheme, host and port.
5. Every response carries the Content-Security-Policy, error pages included.
6. X-Forwarded-For is believed only from configured proxies, however Hearth is started.

The tests with real sockets and servers (transactional) come first: the forum of
tests/security/world.py, built once for the module inside a transaction, is only made for the
tests after them.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import importlib
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.test import Client

from community.models import Membership
from hearth.asgi import application
from moderation.models import WatchedWord
from tests.conftest import client_for, publish_reply, publish_thread

from .test_headers import ROLES_TO_WALK, get_paths

pytestmark = pytest.mark.django_db

# Each passes str.isdigit() (or int()) in some form but is not plain ASCII digits.
ODD_NUMBERS = ("⁰⁴⁵", "₀₁₂", "٣", "１２", "1_0", " 7", "9" * 5000, "-1", "")
NUMERIC_PARAMS = ("page", "after", "quote", "id", "month", "item", "post", "thread")
CSP_MUST = ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'")


# --- 4. WebSocket origin ------------------------------------------------------------------------


async def _socket_opens(path: str, *, host: str, origin: str | None, cookie: str = "",
                        scheme: str = "ws") -> bool:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    communicator.scope["scheme"] = scheme
    connected, _code = await communicator.connect(timeout=3)
    if connected:
        await communicator.disconnect()
    return connected


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_page_on_another_port_of_the_same_host_cannot_open_a_members_socket(
        redis_client, maria):
    cookie = await sync_to_async(lambda: client_for(maria).cookies["sessionid"].value)()
    opens = {
        origin: await _socket_opens("/ws/me/", host="localhost:8000", origin=origin,
                                    cookie=cookie)
        for origin in ("http://localhost:8000", "http://localhost:9999", "http://localhost",
                       "https://localhost:8000", "http://127.0.0.1:8000", "null", None)
    }
    assert opens == {
        "http://localhost:8000": True, "http://localhost:9999": False,
        "http://localhost": False, "https://localhost:8000": False,
        "http://127.0.0.1:8000": False, "null": False, None: False,
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_default_ports_and_https_behind_a_proxy_count_as_the_same_origin(
        redis_client, maria, settings):
    cookie = await sync_to_async(lambda: client_for(maria).cookies["sessionid"].value)()
    assert await _socket_opens("/ws/me/", host="localhost", origin="http://localhost:80",
                               cookie=cookie)
    assert await _socket_opens("/ws/me/", host="localhost:443", origin="https://localhost",
                               cookie=cookie, scheme="wss")
    assert not await _socket_opens("/ws/me/", host="localhost", origin="https://localhost",
                                   cookie=cookie)
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.org"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "hearth.example.org"]
    assert await _socket_opens("/ws/me/", host="hearth.example.org",
                               origin="https://app.example.org", cookie=cookie)
    assert not await _socket_opens("/ws/me/", host="hearth.example.org",
                                   origin="http://app.example.org", cookie=cookie)


@pytest.mark.django_db(transaction=True)
def test_a_real_socket_from_another_port_is_refused_and_one_from_the_page_opens(
        asgi_server, maria, diabetes):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    thread = publish_thread(maria, diabetes)
    base = asgi_server.replace("http://", "ws://")
    port = asgi_server.rsplit(":", 1)[1]
    with connect(f"{base}/ws/t/{thread.pk}/", origin=asgi_server, open_timeout=5) as socket:
        socket.send('{"type": "catchup", "after": 0}')
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{base}/ws/t/{thread.pk}/", origin=f"http://127.0.0.1:{int(port) + 1}",
                open_timeout=5)
    assert refused.value.response.status_code == 403


# --- 6. X-Forwarded-For only from configured proxies ---------------------------------------------

BASE_DIR = Path(__file__).resolve().parents[2]


def _dockerfile_command() -> list[str]:
    text = (BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("CMD "))
    return json.loads(line.removeprefix("CMD "))


def _compose_web_command() -> list[str]:
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    return compose["services"]["web"].get("command") or _dockerfile_command()


def _uvicorn_options(argv: list[str]) -> dict:
    """The proxy options uvicorn takes from a command line that starts it."""
    command = importlib.import_module("uvicorn.main").main  # the click command
    args = argv[argv.index("uvicorn") + 1:] if "uvicorn" in argv else argv
    params = command.make_context("uvicorn", list(args)).params
    return {"proxy_headers": params["proxy_headers"],
            "forwarded_allow_ips": params["forwarded_allow_ips"]}


def _make_run_command() -> list[str]:
    from hearth.run import web_command

    return web_command("8000")


LAUNCHERS = {
    "make run": _make_run_command,
    "Dockerfile": _dockerfile_command,
    "docker compose": _compose_web_command,
}


@contextlib.contextmanager
def _uvicorn(**options):
    """Hearth under uvicorn in a thread, with the proxy options a launcher gives it."""
    import uvicorn

    from hearth.embedded import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off", **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _failed_logins(base: str, addresses: list[str]) -> list[int]:
    """Sign-in attempts with a wrong password, one per address given as X-Forwarded-For (each
    for a different account, so only the per-address limit can stop them)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = TOKEN.search(page).group(1)
    statuses = []
    for number, address in enumerate(addresses):
        data = urllib.parse.urlencode({"login": f"nobody{number}", "password": "not-it-at-all",
                                       "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(f"{base}/accounts/login/", data=data,
                                         headers={"X-Forwarded-For": address})
        try:
            statuses.append(opener.open(request, timeout=10).status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("launcher", list(LAUNCHERS))
def test_rotating_x_forwarded_for_does_not_escape_the_login_limit_however_hearth_starts(
        redis_client, launcher):
    options = _uvicorn_options(LAUNCHERS[launcher]())
    with _uvicorn(**options) as base:
        statuses = _failed_logins(base, [f"203.0.113.{n}" for n in range(1, 13)])
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429], statuses


def _login_statuses(remote_addr: str, forwarded: list[str]) -> list[int]:
    client = Client(REMOTE_ADDR=remote_addr)
    return [client.post("/accounts/login/", {"login": f"nobody{n}", "password": "not-it-at-all"},
                        HTTP_X_FORWARDED_FOR=address).status_code
            for n, address in enumerate(forwarded)]


def test_x_forwarded_for_is_believed_only_from_a_configured_proxy(settings):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.0/8"]
    settings.TRUSTED_PROXY_COUNT = 1
    rotating = [f"198.51.100.7, 203.0.113.{n}" for n in range(1, 13)]
    # Through the proxy: each address is its own client (the limit is per address).
    assert set(_login_statuses("10.1.2.3", rotating)) == {200}
    # The same client through the proxy is stopped at its 11th failure, whatever it prepends.
    same = [f"198.51.100.{n}, 203.0.113.99" for n in range(1, 13)]
    assert _login_statuses("10.1.2.3", same)[10:] == [429, 429]
    # Straight from the internet: X-Forwarded-For is nobody's word.
    assert _login_statuses("192.0.2.50", rotating)[10:] == [429, 429]


def test_without_a_configured_proxy_x_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_IPS = []
    settings.TRUSTED_PROXY_COUNT = 1  # an old .env: without the proxy's address, not believed
    statuses = _login_statuses("127.0.0.1", [f"203.0.113.{n}" for n in range(1, 13)])
    assert statuses[10:] == [429, 429]


# --- 5. Content-Security-Policy on every response ----------------------------------------------


def _assert_csp(response) -> None:
    policy = response.get("Content-Security-Policy", "")
    missing = [part for part in CSP_MUST if part not in policy]
    assert not missing, (response.status_code, missing, policy)


@pytest.mark.parametrize("debug", [False, True])
def test_a_missing_thread_answers_404_with_the_policy(visitor, as_maria, settings, debug):
    settings.DEBUG = debug
    for client in (visitor, as_maria):
        response = client.get("/t/99999/")
        assert response.status_code == 404
        _assert_csp(response)


def test_an_unknown_host_answers_400_with_the_policy(visitor):
    response = visitor.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    _assert_csp(response)


def test_a_form_without_its_csrf_token_answers_403_with_the_policy(maria, diabetes):
    client = Client(enforce_csrf_checks=True)
    client.force_login(maria)
    response = client.post(f"/c/{diabetes.slug}/join/")
    assert response.status_code == 403
    _assert_csp(response)


@pytest.mark.parametrize("debug", [False, True])
def test_a_server_error_in_any_middleware_answers_500_with_the_policy(maria, settings,
                                                                      monkeypatch, debug):
    settings.DEBUG = debug

    def broken(self, request):
        raise RuntimeError("the session store is gone")

    monkeypatch.setattr("insights.middleware.FirstTouchMiddleware.__call__", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/")
    assert response.status_code == 500
    _assert_csp(response)


@pytest.mark.asyncio
async def test_a_request_django_refuses_before_its_middleware_still_has_the_policy():
    communicator = HttpCommunicator(application, "GET", "/", headers=[(b"host", b"127.0.0.1")])
    communicator.scope["query_string"] = b"q=%ff\xff"
    response = await asyncio.wait_for(communicator.get_response(), 10)
    assert response["status"] == 400
    headers = {name.lower(): value for name, value in response["headers"]}
    assert b"object-src 'none'" in headers[b"content-security-policy"]


# --- 2. Page-cache marks inside members' text --------------------------------------------------

OLD_MARKS = ("__hearth_csrf_token__", "__hearth_csp_nonce__")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _secrets_of(response) -> tuple[str, str]:
    html = response.content.decode()
    token = TOKEN.search(html).group(1)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    return token, nonce


def test_a_post_quoting_the_cache_marks_shows_them_as_written_to_every_reader(
        maria, james, drlee, diabetes):
    body = ("Look: `__hearth_csrf_token__` and `__hearth_csp_nonce__` and "
            "`__hearth_csrf_1234__` [x](https://evil.example/?t=__hearth_csrf_token__)")
    thread = publish_thread(maria, diabetes, title="__hearth_csrf_token__ __hearth_csp_nonce__",
                            body=body)
    publish_reply(james, thread, "Replying with `__hearth_csp_nonce__` too.")
    url = f"/t/{thread.pk}/"
    readers = [Client(), Client(), Client(), client_for(drlee), client_for(drlee)]
    for reader in readers:  # visitors: stored, then from the cache; drlee: shared fragments
        response = reader.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        token, nonce = _secrets_of(response)
        posts = html.split('id="posts"', 1)[1]
        assert token not in posts.replace(f'value="{token}"', "")
        assert nonce not in html.replace(f'nonce="{nonce}"', "")
        for mark in OLD_MARKS:
            assert f"<code>{mark}</code>" in posts
        assert "<code>__hearth_csrf_1234__</code>" in posts
        assert "?t=__hearth_csrf_token__" in posts
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "__hearth_csrf_token__ __hearth_csp_nonce__" in title
        assert token not in title and nonce not in title


def test_the_reader_still_gets_a_working_token_from_a_cached_page(maria, diabetes):
    thread = publish_thread(maria, diabetes, body="`__hearth_csrf_token__`")
    url = f"/t/{thread.pk}/"
    Client().get(url)  # stored
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get(url)
    token, _nonce = _secrets_of(response)
    changed = visitor.post("/i18n/setlang/", {"language": "es", "next": url,
                                              "csrfmiddlewaretoken": token})
    assert changed.status_code == 302


# --- 3. Numeric query parameters ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["⁰⁴⁵", "₀₁₂", "٣", "１２"])
def test_a_thread_with_odd_digits_in_after_or_quote_answers_200(in_world, value):
    thread = in_world.threads["public"]
    for role in ("visitor", "member_a"):
        client = in_world.client(role, raise_request_exception=False)
        for query in (f"after={value}", f"quote={value}", f"page={value}"):
            response = client.get(f"{thread.get_absolute_url()}?{query}")
            assert response.status_code == 200, (role, query, response.status_code)


@pytest.mark.timeout(600)
def test_every_page_survives_odd_digits_in_every_numeric_parameter(in_world):
    # Superscript and subscript digits: isdigit() says yes, int() raises.
    query = "&".join(f"{name}={('⁰⁴⁵', '₀₁₂')[n % 2]}" for n, name in enumerate(NUMERIC_PARAMS))
    wrong = []
    for role in ROLES_TO_WALK:
        client = in_world.client(role, raise_request_exception=False)
        for path in get_paths(in_world):
            response = client.get(f"{path}?{query}")
            if response.status_code >= 500:
                wrong.append(f"{path}?{query} as {role}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_posted_ids_with_odd_digits_are_refused_without_a_server_error(in_world):
    community = in_world.communities["a"]
    staff = in_world.client("staff", raise_request_exception=False)
    moderator = in_world.client("mod_a", raise_request_exception=False)
    word = WatchedWord.objects.first()
    pending = Membership.objects.filter(status=Membership.Status.PENDING).count()
    for value in ODD_NUMBERS:
        response = moderator.post(f"/c/{community.slug}/requests/",
                                  {"membership": value, "decision": "approve"})
        assert response.status_code in (302, 404), (value, response.status_code)
        response = moderator.post("/moderation/items/bulk/",
                                  {"items": [value], "action": "approve"})
        assert response.status_code in (302, 400, 404), (value, response.status_code)
        response = staff.post("/moderation/words/", {"form": "delete", "word": value})
        assert response.status_code in (302, 404), (value, response.status_code)
    assert Membership.objects.filter(status=Membership.Status.PENDING).count() == pending
    assert WatchedWord.objects.first() == word


def test_x_forwarded_proto_is_believed_only_from_a_configured_proxy(settings):
    """Around its proxy, a client cannot pass plain http off as https (SECURE_PROXY_SSL_HEADER):
    with SECURE_SSL_REDIRECT on, its request is still sent to https."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXY_IPS = ["10.0.0.0/8"]
    through_proxy = Client(REMOTE_ADDR="10.1.2.3").get("/", HTTP_X_FORWARDED_PROTO="https")
    assert through_proxy.status_code == 200
    around_it = Client(REMOTE_ADDR="192.0.2.50").get("/", HTTP_X_FORWARDED_PROTO="https")
    assert around_it.status_code == 301 and around_it["Location"].startswith("https://")
    # where no proxy is configured, the header is believed as Django does
    settings.TRUSTED_PROXY_IPS = []
    assert Client(REMOTE_ADDR="192.0.2.50").get(
        "/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_a_socket_from_around_the_proxy_is_not_taken_for_https(settings):
    from hearth.middleware import _own_origin

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_IPS = ["10.0.0.0/8"]
    headers = {b"host": b"localhost", b"x-forwarded-proto": b"https"}
    assert _own_origin({"client": ("10.1.2.3", 5000), "scheme": "ws"}, headers)[0] == "https"
    assert _own_origin({"client": ("192.0.2.50", 5000), "scheme": "ws"}, headers)[0] == "http"
