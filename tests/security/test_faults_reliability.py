"""Reliability under faults (issue 16, points 7-12): Redis stopped and started again under a
signed-in member, a database connection killed under a request, a database blip in the
middle of a post's fan-out, a worker killed while it holds work, and the health endpoints.

The faults are real: a redis-server of the test's own that the test stops and starts, and on
PostgreSQL only the test database's own connections terminated (pg_terminate_backend). CI
runs this module on PostgreSQL with HEARTH_REQUIRE_SERVICES=1; the tests that need a server
to kill fail there rather than skip when it is missing.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from hearth.embedded import free_port
from tests.conftest import PASSWORD
from tests.security.test_faults import broker_restored, point_at, redis_on  # noqa: F401

# --- 7. Signing in, signing up and resetting a password while Redis is down -----------------


def _sign_in(client: Client, login: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": login, "password": password})


@pytest.mark.redis
@pytest.mark.usefixtures("broker_restored")
@pytest.mark.django_db(transaction=True)
def test_sign_in_sign_up_and_password_reset_work_while_redis_is_down_and_the_limit_returns(
        settings, maria, caplog):
    port = free_port()
    with redis_on(port) as url:
        point_at(settings, url)
        assert _sign_in(Client(), "maria").status_code == 302
    # Redis is down now: allauth's rate-limit lock cannot be taken
    with caplog.at_level(logging.WARNING):
        signed_in = _sign_in(Client(), "maria")
        signed_up = Client().post("/accounts/signup/", {
            "email": "new.member@example.org", "username": "QuietHeron7",
            "password1": "a long walk by the river", "password2": "a long walk by the river"})
        reset = Client().post("/accounts/password/reset/", {"email": "maria@example.org"})
    assert signed_in.status_code == 302, signed_in.content[:300]
    assert signed_up.status_code == 302, signed_up.content[:300]
    assert reset.status_code == 302, reset.content[:300]
    assert "rate limit not applied" in caplog.text  # degraded loudly, not silently
    assert "maria@example.org" not in caplog.text
    # Redis is back at the same address: the per-address limit counts again
    with redis_on(port):
        visitor = Client()
        answers = [_sign_in(visitor, "maria", "not her password").status_code
                   for _attempt in range(11)]
        assert answers[:5] == [200] * 5
        assert 429 in answers


# --- 12. Health: live, ready, and every dependency for people; no Celery ping ---------------


@pytest.mark.django_db
def test_health_endpoints_answer_whatever_the_host_header(client):
    """A load balancer probes by address, which is not in ALLOWED_HOSTS."""
    for path in ("/healthz/live", "/healthz/ready", "/healthz"):
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")
        assert response.status_code == 200, (path, response.status_code)
        assert response["Content-Type"] == "application/json"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"]
    assert client.get("/healthz/live").json() == {"status": "ok"}
    assert client.get("/healthz/ready").json() == {"database": "ok", "status": "ok"}
    assert client.post("/healthz/ready").status_code == 405
    # the Host check still holds everywhere else
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.fixture
def no_celery_ping(monkeypatch):
    """A broadcast ping waits its whole timeout when no worker answers: none may be sent."""
    from hearth.celery import app

    def ping(*args, **kwargs):
        raise AssertionError("/healthz pinged the workers")

    monkeypatch.setattr(app.control, "ping", ping)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_healthz_reads_the_workers_heartbeat_instead_of_pinging_them(client, redis_client,
                                                                    no_celery_ping):
    from celery.contrib.testing.worker import start_worker

    from hearth.celery import app

    # no worker: pages serve, so every endpoint answers 200; /healthz says what is missing
    body = client.get("/healthz").json()
    assert body["celery"] == "down" and body["status"] == "degraded"
    assert client.get("/healthz").status_code == 200
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING",
                          shutdown_timeout=10):
            running = client.get("/healthz").json()
    finally:
        app.conf.task_always_eager = True
    assert running["database"] == running["redis"] == running["celery"] == "ok"
    # a worker that stopped takes its heartbeat with it
    assert client.get("/healthz").json()["celery"] == "down"


@pytest.mark.redis
@pytest.mark.usefixtures("broker_restored", "no_celery_ping")
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_node_stays_ready_and_healthz_names_what_is_down(settings, client):
    port = free_port()
    with redis_on(port) as url:
        point_at(settings, url)
        assert client.get("/healthz").json()["redis"] == "ok"
    ready = client.get("/healthz/ready")
    health = client.get("/healthz")
    assert ready.status_code == 200
    assert health.status_code == 200
    body = health.json()
    assert body["database"] == "ok"
    assert body["redis"] == body["celery"] == "down"
    assert body["status"] == "degraded"


@pytest.mark.django_db
def test_without_its_database_the_node_is_not_ready(client, monkeypatch):
    from hearth import health

    monkeypatch.setattr(health, "check_database", lambda: False)
    assert client.get("/healthz/live").status_code == 200
    assert client.get("/healthz/ready").status_code == 503
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "down"
