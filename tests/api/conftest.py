"""API fixtures: a member's token, a client that sends it, and webhook endpoints allowed on
loopback (HEARTH_WEBHOOK_ALLOWED_HOSTS) for a receiver running in the test."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from api import services


def token_for(user, scopes=("read", "write"), days=30) -> str:
    _token, raw = services.token_create(user=user, name="test", scopes=scopes, days=days)
    return raw


def api_client(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def maria_api(maria):
    return api_client(token_for(maria))


class Receiver:
    """A real HTTP server on 127.0.0.1 that records every request and answers with the next
    status code of `answers` (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        self.delay = 0.0  # seconds before answering (a slow receiver)
        self.event = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length).decode()
                code = receiver.answers.pop(0) if receiver.answers else 200
                if receiver.delay:
                    time.sleep(receiver.delay)
                receiver.requests.append({"headers": {k.lower(): v for k, v in
                                                      self.headers.items()},
                                          "body": body, "answered": code})
                self.send_response(code)
                self.send_header("content-length", "0")
                self.end_headers()
                receiver.event.set()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver(settings):
    settings.HEARTH_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.HEARTH_WEBHOOK_REQUIRE_HTTPS = False
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
