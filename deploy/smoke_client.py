"""The person's side of `make deploy-smoke` (deploy/smoke.sh), standard library + websockets.

  proxy BASE CA STATE    through the TLS proxy: two members sign in, one posts, the other's
                         socket receives it, a data export built by the worker is downloaded;
                         the sessions and the thread are written to STATE (JSON)
  cross STATE HOST IP... from the proxy's own network (its address is the one web trusts):
                         a socket on each web container receives a reply posted through the
                         next one (HOST is the public Host header, e.g. localhost:18443)
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import re
import ssl
import sys
import time
import urllib.parse
import urllib.request
import uuid

import websockets

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def step(message: str, started: float) -> None:
    print(f"  ok  {message} ({time.monotonic() - started:.1f} s)", flush=True)


class Browser:
    """A member's browser: cookies, CSRF tokens, forms posted the way the pages post them."""

    def __init__(self, base: str, context: ssl.SSLContext | None, headers: dict | None = None):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self.opener = urllib.request.build_opener(*handlers)
        self.headers = headers or {}

    def get(self, path: str) -> tuple[int, str, dict]:
        request = urllib.request.Request(self.base + path, headers=self.headers)  # noqa: S310
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)

    def post(self, path: str, data: dict, referer_path: str) -> tuple[int, str]:
        _status, page, _headers = self.get(referer_path)
        token = CSRF_RE.search(page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        headers = {**self.headers, "Referer": self.base + referer_path,
                   "Origin": self.origin, "Content-Type": "application/x-www-form-urlencoded"}
        request = urllib.request.Request(self.base + path, data=body,  # noqa: S310
                                         headers=headers)
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()

    @property
    def origin(self) -> str:
        parts = urllib.parse.urlsplit(self.base)
        return f"{parts.scheme}://{parts.netloc}"

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def sign_in(self, username: str) -> None:
        status, page = self.post("/accounts/login/", {"login": username,
                                                       "password": "hearth-demo"},
                                 "/accounts/login/")
        assert "sessionid" in self.cookie(), f"{username} not signed in ({status})"


async def receive_text(socket, text: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no live event with {text!r} within {timeout:.0f} s")
        message = await asyncio.wait_for(socket.recv(), left)
        if text in message:
            return


async def proxy(base: str, ca_file: str, state_file: str) -> None:
    context = ssl.create_default_context(cafile=ca_file)  # Caddy's local authority only
    started = time.monotonic()
    maria, james = Browser(base, context), Browser(base, context)
    maria.sign_in("maria")
    james.sign_in("james")
    step("maria and james signed in over HTTPS through the proxy", started)

    _status, page, headers = maria.get("/c/type-2-diabetes/")
    assert "strict-transport-security" in {k.lower() for k in headers}, "no HSTS header"
    thread_id = int(re.search(r'href="/t/(\d+)/', page).group(1))
    socket_url = base.replace("https://", "wss://") + f"/ws/t/{thread_id}/"
    async with websockets.connect(socket_url, ssl=context, origin=james.origin,
                                  additional_headers={"Cookie": james.cookie()}) as socket:
        text = f"Smoke reply {uuid.uuid4().hex[:8]}: walking after dinner helps me."
        started = time.monotonic()
        status, _page = maria.post(f"/t/{thread_id}/reply/", {"body": text},
                                   f"/t/{thread_id}/")
        assert status == 200, status
        await receive_text(socket, text)
    step(f"maria's reply reached james's socket through the proxy (thread {thread_id})",
         started)

    started = time.monotonic()
    maria.post("/settings/data/export/", {}, "/settings/data/")
    link = None
    while time.monotonic() - started < 120 and link is None:
        _status, page, _headers = maria.get("/settings/data/")
        found = re.search(r'href="(/settings/data/export/\d+/download/)"', page)
        link = found.group(1) if found else None
        if link is None:
            time.sleep(1)
    assert link, "the worker did not build the export within 120 s"
    _status, archive, _headers = maria.get(link)
    assert json.loads(archive)["format"] == "hearth-export/1"
    step("maria downloaded the data export the worker built", started)

    with open(state_file, "w") as out:
        json.dump({"thread": thread_id, "maria": maria.cookie(), "james": james.cookie()}, out)


async def cross(state_file: str, host: str, ips: list[str]) -> None:
    """Speak to each web container directly, as the proxy does (X-Forwarded-Proto https,
    the public Host): a socket on container i gets a reply posted through container i+1."""
    with open(state_file) as source:
        state = json.load(source)
    thread_id = state["thread"]
    origin = f"https://{host}"
    forwarded = {"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    for index, socket_ip in enumerate(ips):
        post_ip = ips[(index + 1) % len(ips)]
        started = time.monotonic()
        async with websockets.connect(
                f"ws://{socket_ip}:8000/ws/t/{thread_id}/", origin=origin,
                additional_headers={**forwarded, "Cookie": state["james"]}) as socket:
            maria = Browser(f"http://{post_ip}:8000", None,
                            {**forwarded, "Cookie": state["maria"]})
            text = f"Cross-node reply {uuid.uuid4().hex[:8]} via {post_ip}"
            _status, page, _headers = maria.get(f"/t/{thread_id}/")
            token = CSRF_RE.search(page).group(1)
            cookie = state["maria"]
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "body": text}).encode()
            request = urllib.request.Request(
                f"http://{post_ip}:8000/t/{thread_id}/reply/", data=body,
                headers={**forwarded, "Cookie": cookie, "Origin": origin,
                         "Referer": f"{origin}/t/{thread_id}/",
                         "Content-Type": "application/x-www-form-urlencoded"})
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                assert response.status == 200, response.status
            await receive_text(socket, text)
        step(f"a socket on web {socket_ip} received a reply posted through web {post_ip}",
             started)


def main(argv: list[str]) -> int:
    if argv[:1] == ["proxy"] and len(argv) == 4:
        asyncio.run(proxy(*argv[1:]))
    elif argv[:1] == ["cross"] and len(argv) >= 4:
        asyncio.run(cross(argv[1], argv[2], argv[3:]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
