"""Shared fixtures: the named people of DESIGN.md and the demo communities.

maria and james are patients, drlee a verified clinician, sam the moderator of every demo
community, admin is staff; visitor is nobody signed in; banned was banned.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.utils import timezone

from community.models import Membership
from tests.factories import (
    PASSWORD,
    client_for,
    join,
    make_clinician,
    make_community,
    make_user,
    publish_reply,
    publish_thread,
)

# The factories live in tests/factories.py; tests import them from here too.
__all__ = ["PASSWORD", "client_for", "join", "make_clinician", "make_community", "make_user",
           "publish_reply", "publish_thread", "service_missing"]

REQUIRE_SERVICES = os.environ.get("HEARTH_REQUIRE_SERVICES") == "1"


def service_missing(reason: str):
    """In CI a missing browser or Redis is a failure; on a laptop it is a skip."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (HEARTH_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_client():
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        service_missing(f"Redis is not reachable at {settings.REDIS_URL}")
    return client


@pytest.fixture(autouse=True)
def fresh_cache():
    """Ids repeat from test to test (tables are emptied), so keys such as rate limits must
    not carry over: empty this run's keys in the cache before each test."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1)
        keys = list(client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass  # tests that need Redis say so through the redis_client fixture


@pytest.fixture
def running_worker(redis_client, transactional_db):
    """A real Celery worker thread consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from hearth.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING",
                          shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True


@pytest.fixture
def diabetes(db):
    return make_community("type-2-diabetes")


@pytest.fixture
def heart(db):
    return make_community("heart-health")


@pytest.fixture
def mental(db):
    return make_community("mental-health", private=True, anonymous=True)


@pytest.fixture
def maria(db, diabetes, heart, mental):
    user = make_user("maria")
    for community in (diabetes, heart, mental):
        join(user, community)
    return user


@pytest.fixture
def james(db, diabetes, heart):
    user = make_user("james")
    for community in (diabetes, heart):
        join(user, community)
    return user


@pytest.fixture
def drlee(db, diabetes, heart):
    user = make_user("drlee")
    make_clinician(user)
    for community in (diabetes, heart):
        join(user, community)
    return user


@pytest.fixture
def sam(db, diabetes, heart, mental):
    user = make_user("sam")
    for community in (diabetes, heart, mental):
        join(user, community, role=Membership.Role.MODERATOR)
    return user


@pytest.fixture
def admin(db):
    return make_user("admin", staff=True)


@pytest.fixture
def banned(db, diabetes):
    user = make_user("banned", banned_at=timezone.now())
    join(user, diabetes)
    return user


@pytest.fixture
def visitor():
    return Client()


@pytest.fixture
def as_maria(maria):
    return client_for(maria)


@pytest.fixture
def as_james(james):
    return client_for(james)


@pytest.fixture
def as_drlee(drlee):
    return client_for(drlee)


@pytest.fixture
def as_sam(sam):
    return client_for(sam)


@pytest.fixture
def as_admin(admin):
    return client_for(admin)


@pytest.fixture
def asgi_server(transactional_db, redis_client):
    """Hearth's ASGI application under uvicorn on a free port; yields its base URL."""
    import uvicorn

    from hearth.asgi import application
    from hearth.embedded import free_port

    port = free_port()
    config = uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", ws="websockets-sansio",
                            ws_per_message_deflate=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
