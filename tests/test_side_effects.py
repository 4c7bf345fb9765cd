"""Side effects you can see (issue 17): one way to send a signal after commit, no dead
signal, every app's signal sent through it."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from django.dispatch import Signal

from hearth.lib.signals import send_on_commit

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def heard():
    signal = Signal()
    calls = []

    def listener(sender, **kwargs):
        calls.append((sender, kwargs))

    signal.connect(listener, weak=False)
    return signal, calls


@pytest.mark.django_db
def test_send_on_commit_waits_for_the_commit(heard, django_capture_on_commit_callbacks):
    signal, calls = heard
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_on_commit(signal, sender=int, value=1)
        assert calls == []  # not inside the writer's transaction
    assert calls == [(int, {"value": 1, "signal": signal})]


@pytest.mark.django_db
def test_send_on_commit_sends_nothing_when_the_transaction_rolls_back(
        heard, django_capture_on_commit_callbacks):
    signal, calls = heard
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        send_on_commit(signal, sender=int, value=1)
        raise RuntimeError
    assert calls == []


@pytest.mark.django_db
def test_a_failing_listener_breaks_neither_the_write_nor_the_next_callback(
        django_capture_on_commit_callbacks):
    signal = Signal()

    def broken(sender, **kwargs):
        raise ValueError("listener bug")

    signal.connect(broken, weak=False)
    after = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_on_commit(signal, sender=int)
        transaction.on_commit(lambda: after.append(1))
    assert after == [1]


def _hearth_apps():
    for config in apps.get_app_configs():
        root = Path(config.path)
        if BASE_DIR in root.parents and ".venv" not in root.parts:
            yield config


def _app_signals():
    for config in _hearth_apps():
        if not (Path(config.path) / "signals.py").is_file():
            continue
        module = importlib.import_module(f"{config.name}.signals")
        for name, value in vars(module).items():
            if isinstance(value, Signal):
                yield f"{config.name}.signals.{name}", value


def test_every_hearth_signal_has_a_listener():
    """A signal nobody listens to is deleted (README, "How one app reacts to another")."""
    found = dict(_app_signals())
    assert "community.signals.post_published" in found  # the scan sees the apps' signals
    dead = [name for name, signal in found.items() if not signal.has_listeners()]
    assert dead == []


SEND = re.compile(r"\b\w+\.(send|send_robust)\(\s*sender=")


def test_every_signal_is_sent_through_send_on_commit():
    """No hand-written `transaction.on_commit(lambda: signal.send(...))`: the apps' signals
    go out through hearth.lib.signals.send_on_commit, after commit."""
    hand_written = []
    for config in _hearth_apps():
        for path in Path(config.path).rglob("*.py"):
            if "migrations" in path.parts or path == BASE_DIR / "hearth/lib/signals.py":
                continue
            text = path.read_text()
            if SEND.search(text):
                hand_written.append(str(path.relative_to(BASE_DIR)))
    assert hand_written == []


WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.mark.django_db
def test_a_members_page_views_write_nothing(maria, james, diabetes, redis_client):
    """No write on GET: read positions and last-seen go through Redis and beat's flushes
    (a conversation's page marks it read, messaging's service, and is left out here)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import client_for, publish_reply, publish_thread

    thread = publish_thread(james, diabetes, "Walking after dinner")
    publish_reply(james, thread, "Twenty minutes helps me.")
    client = client_for(maria)
    client.get("/")  # the session's first request
    written = {}
    for path in ("/", f"/c/{diabetes.slug}/", thread.get_absolute_url(), "/notifications/",
                 "/messages/", "/u/james/", "/settings/", "/settings/security/",
                 "/settings/data/", "/settings/notifications/", "/messages/settings/",
                 "/bookmarks/", "/search/?q=walking", "/ask/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        writes = [q["sql"] for q in queries.captured_queries
                  if q["sql"].lstrip().upper().startswith(WRITES)]
        if writes:
            written[path] = writes
    assert written == {}
