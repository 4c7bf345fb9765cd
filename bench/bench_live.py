"""1,000 WebSocket clients on one thread: a reply is posted over HTTP and each client's time
to receive it is measured (p50, p99, max), for RedisChannelLayer and RedisPubSubChannelLayer
in the same run, with the memory of the ASGI server per idle connection.

    python bench/bench_live.py     # CLIENTS=1000 ROUNDS=20 by default (after 4 warm-up replies)
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ["BENCH_EAGER"] = "1"

CLIENTS = int(os.environ.get("CLIENTS", "1000"))
ROUNDS = int(os.environ.get("ROUNDS", "20"))
WARMUP = 4
PORT = 8766
WORKERS = os.environ.get("WORKERS", str(os.cpu_count() or 2))


def setup() -> tuple[int, str]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from tests.conftest import join, make_community, make_user, publish_thread

    call_command("migrate", verbosity=0)
    stamp = int(time.time())
    community = make_community(f"live-bench-{stamp}")
    poster = make_user(f"livebench{stamp}")
    join(poster, community)
    thread = publish_thread(poster, community, title="Live bench", body="Watching")
    session = SessionStore()
    session[SESSION_KEY] = str(poster.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = poster.get_session_auth_hash()
    session.create()
    return thread.pk, session.session_key


def rss_kb(pid: int) -> int:
    """Resident memory of the server and its worker processes."""
    total = 0
    pids = [pid, *(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    for one in pids:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def csrf_token(thread_id: int, session_key: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Cookie", f"sessionid={session_key}")]
    opener.open(f"http://127.0.0.1:{PORT}/t/{thread_id}/").read()
    return next(c.value for c in jar if c.name == "csrftoken")


def post_reply(thread_id: int, session_key: str, token: str, body: str) -> None:
    base = f"http://127.0.0.1:{PORT}"
    data = urllib.parse.urlencode({"body": body}).encode()
    request = urllib.request.Request(f"{base}/t/{thread_id}/reply/", data=data, headers={
        "Cookie": f"sessionid={session_key}; csrftoken={token}", "X-CSRFToken": token,
        "Referer": f"{base}/t/{thread_id}/"})
    urllib.request.build_opener(NoRedirect).open(request).read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


class Watcher(asyncio.Protocol):
    """One bench client: websockets' sans-I/O protocol on a bare asyncio transport. A reader
    of 1,000 sockets in one process adds its own queueing to what it measures; this one does
    no more per message than parse the frame and look for the marker, and notes the time the
    bytes arrived."""

    def __init__(self, url: str):
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        uri = parse_uri(url)  # the page's own origin: the socket checks scheme, host and port
        self.ws = ClientProtocol(uri, origin=f"http://{uri.host}:{uri.port}")
        loop = asyncio.get_running_loop()
        self.opened = loop.create_future()
        self.seen = loop.create_future()
        self.marker = b""

    def expect(self, marker: str) -> None:
        self.marker = marker.encode()
        self.seen = asyncio.get_running_loop().create_future()

    def connection_made(self, transport):
        self.transport = transport
        self.ws.send_request(self.ws.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        from websockets.frames import Frame, Opcode
        from websockets.protocol import State

        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Frame):
                if (event.opcode is Opcode.TEXT and self.marker and not self.seen.done()
                        and self.marker in event.data):
                    self.seen.set_result(now)
            elif not self.opened.done():  # the handshake's response
                if self.ws.state is State.OPEN:
                    self.opened.set_result(True)
                else:
                    self.opened.set_exception(RuntimeError(f"refused: {event.status_code}"))
        self._flush()

    def _flush(self) -> None:
        for chunk in self.ws.data_to_send():
            if chunk:
                self.transport.write(chunk)

    def connection_lost(self, exc):
        for future in (self.opened, self.seen):
            if not future.done():
                future.set_exception(ConnectionError("closed by the server"))


async def run_layer(layer: str, thread_id: int, session_key: str) -> dict:
    env = {**os.environ, "CHANNEL_LAYER": layer}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hearth.asgi:application", "--host", "127.0.0.1",
         "--port", str(PORT), "--no-access-log", "--log-level", "warning",
         "--ws", "websockets-sansio", "--workers", WORKERS,
         "--ws-per-message-deflate", os.environ.get("WS_DEFLATE", "false")], env=env, cwd=BASE)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/trivial/", timeout=1)  # noqa: S310
                break
            except OSError:
                await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        before = rss_kb(server.pid)
        url = f"ws://127.0.0.1:{PORT}/ws/t/{thread_id}/"
        loop = asyncio.get_running_loop()
        watchers: list[Watcher] = []
        for start in range(0, CLIENTS, 100):
            batch = [Watcher(url) for _ in range(start, min(start + 100, CLIENTS))]
            await asyncio.gather(*(loop.create_connection(lambda w=w: w, "127.0.0.1", PORT)
                                   for w in batch))
            await asyncio.wait_for(asyncio.gather(*(w.opened for w in batch)), timeout=30)
            watchers += batch
        await asyncio.sleep(2)
        after = rss_kb(server.pid)
        latencies: list[float] = []
        posts: list[float] = []
        for round_no in range(-WARMUP, ROUNDS):  # the first replies warm up both workers
            marker = f"bench-{layer}-{round_no}-{time.time()}"
            for watcher in watchers:
                watcher.expect(marker)
            await asyncio.sleep(0.5)
            token = await asyncio.to_thread(csrf_token, thread_id, session_key)
            start = time.perf_counter()
            await asyncio.to_thread(post_reply, thread_id, session_key, token, marker)
            posts.append((time.perf_counter() - start) * 1000)
            received = await asyncio.wait_for(asyncio.gather(*(w.seen for w in watchers)),
                                              timeout=60)
            if round_no < 0:
                posts.pop()
                continue
            latencies += [(t - start) * 1000 for t in received]
            if os.environ.get("BENCH_VERBOSE"):
                this = sorted((t - start) * 1000 for t in received)
                print(f"    round {round_no}: POST {posts[-1]:.0f} ms, first {this[0]:.0f}, "
                      f"p50 {this[len(this) // 2]:.0f}, max {this[-1]:.0f}")
        for watcher in watchers:
            watcher.transport.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    latencies.sort()
    return {
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "max": latencies[-1],
        "kb_per_conn": (after - before) / CLIENTS,
        "n": len(latencies),
        "first": latencies[0],
        "post": statistics.median(posts),
    }


def main() -> None:
    thread_id, session_key = setup()
    import uvloop

    layers = os.environ.get("LAYERS", "core,pubsub").split(",")
    results = {layer: uvloop.run(run_layer(layer, thread_id, session_key)) for layer in layers}
    print(f"live bench: {CLIENTS} WebSocket clients on one thread, {ROUNDS} replies, "
          f"{WORKERS} uvicorn workers; ms from sending the reply (POST) to each client's receipt")
    for layer, r in results.items():
        name = "RedisChannelLayer" if layer == "core" else "RedisPubSubChannelLayer"
        print(f"  {name:24} p50 {r['p50']:7.1f}  p99 {r['p99']:7.1f}  max {r['max']:7.1f}  "
              f"({r['n']} deliveries)  memory {r['kb_per_conn']:.1f} KB per idle connection")
        print(f"  {'':24} the POST itself took {r['post']:.1f} ms (median); first receipt "
              f"{r['first']:.1f} ms")


if __name__ == "__main__":
    main()
