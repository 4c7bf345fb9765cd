"""Faults: Redis stopped and back, PostgreSQL connections killed, a Celery worker killed in
the middle of screening a post. The database is the truth; each fault ends with the work done
exactly once and nothing restarted by hand."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from community.models import Post
from hearth.celery import app
from hearth.embedded import _wait_for_port, free_port, redis_server_binary
from moderation.models import AuditLog, ModerationItem, WatchedWord
from moderation.tasks import post_screen, sweep_unscreened
from tests.conftest import client_for, publish_thread
from tests.workers import finished, kill, start_worker, stop, wait_for

HELD_WORD = "quackcure"  # a watched word that holds a post: one audit row, one queue item


@contextlib.contextmanager
def redis_on(port: int):
    """A private redis-server on a fixed port (so that it can come back at the same address)."""
    workdir = tempfile.mkdtemp(prefix="hearth-fault-redis-")
    proc = subprocess.Popen(
        [redis_server_binary(), "--bind", "127.0.0.1", "--port", str(port), "--dir", workdir,
         "--save", "", "--appendonly", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for_port(port, proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def point_at(settings, url: str) -> None:
    """Cache, channel layer, health check and Celery broker all on `url`."""
    settings.REDIS_URL = url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}
    layers = settings.CHANNEL_LAYERS["default"]
    settings.CHANNEL_LAYERS = {"default": {**layers,
                                           "CONFIG": {**layers["CONFIG"], "hosts": [url]}}}
    use_broker(url)


def use_broker(url: str) -> None:
    """Celery's publishing connections, rebuilt for `url`."""
    import kombu.pools

    app.conf.broker_url = url
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_restored():
    original = app.conf.broker_url
    yield
    app.conf.task_always_eager = True
    use_broker(original)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_pages_answer_posting_works_and_screening_follows_its_return(
        settings, broker_restored, maria, james, diabetes, admin):
    WatchedWord.objects.create(pattern=HELD_WORD, action=WatchedWord.Action.HOLD,
                               created_by=admin)
    thread = publish_thread(maria, diabetes)
    port = free_port()
    with redis_on(port) as url:
        point_at(settings, url)
        app.conf.task_always_eager = False
        as_james = client_for(james)
        assert as_james.get(thread.get_absolute_url()).status_code == 200
    # Redis is down now. Requests must not hang on it: every Redis client Hearth makes gives
    # up on a dead server within a second (how long a request takes is measured in bench/).
    from hearth.lib import redis_pool

    assert redis_pool.OPTIONS["socket_connect_timeout"] <= 1
    assert settings.CACHES["default"]["OPTIONS"]["socket_connect_timeout"] <= 1
    page = as_james.get(thread.get_absolute_url())
    assert page.status_code == 200
    reply = as_james.post(f"/t/{thread.pk}/reply/", {"body": f"Try {HELD_WORD} tea"})
    assert reply.status_code == 302, reply.content[:300]
    post = Post.objects.get(thread=thread, author=james)
    assert post.screening == Post.Screening.PENDING  # saved, waiting for screening
    health = as_james.get("/healthz")
    assert health.status_code == 200  # this node still serves pages
    assert {key: health.json()[key] for key in ("database", "redis", "celery", "status")} == {
        "database": "ok", "redis": "down", "celery": "down", "status": "degraded"}
    # Redis comes back at the same address: beat's sweep screens the post, once
    with redis_on(port):
        assert as_james.get("/healthz").json()["redis"] == "ok"
        Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=2))
        app.conf.task_always_eager = True
        sweep_unscreened.apply()
        sweep_unscreened.apply()
        post_screen.apply(args=[post.pk])
    post.refresh_from_db()
    assert post.screening == Post.Screening.HELD
    assert ModerationItem.objects.filter(post=post).count() == 1
    assert AuditLog.objects.filter(action="post.hold", target_id=str(post.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_killed_database_connections_recover_without_a_restart(client, maria, diabetes):
    """PostgreSQL restarted (every connection of the test database killed with
    pg_terminate_backend): the next request succeeds, thanks to CONN_HEALTH_CHECKS. On SQLite
    (no server) the same happens to the file's connection: it is closed under the request."""
    if connection.vendor != "postgresql":
        thread = publish_thread(maria, diabetes)
        connection.settings_dict["CONN_MAX_AGE"] = 60
        try:
            assert client.get(thread.get_absolute_url()).status_code == 200
            connection.ensure_connection()
            connection.connection.close()  # the connection dies under Django's feet
            close_old_connections()
            assert client.get(thread.get_absolute_url()).status_code == 200
            assert client.get("/healthz").json()["database"] == "ok"
        finally:
            connection.settings_dict["CONN_MAX_AGE"] = 0
            connection.close()
        return
    import psycopg

    thread = publish_thread(maria, diabetes)
    connection.settings_dict["CONN_MAX_AGE"] = 60  # persistent, as in production
    try:
        assert client.get(thread.get_absolute_url()).status_code == 200
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        db = connection.settings_dict
        with psycopg.connect(host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432,
                             user=db["USER"], password=db.get("PASSWORD") or None,
                             dbname=db["NAME"], autocommit=True) as admin_conn:
            killed = admin_conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()", [db["NAME"]]).fetchall()
        assert killed and pid
        # A request starts: the server's request_started signal runs close_old_connections,
        # which the test client leaves out of its own requests; run it as the server would.
        close_old_connections()
        response = client.get(thread.get_absolute_url())
        assert response.status_code == 200
        assert client.get("/healthz").json()["database"] == "ok"
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()


@pytest.mark.redis
@pytest.mark.timeout(180)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_screening_screens_the_post_exactly_once_after_restart(
        redis_client, maria, james, diabetes, admin, tmp_path):
    WatchedWord.objects.create(pattern=HELD_WORD, action=WatchedWord.Action.HOLD,
                               created_by=admin)
    thread = publish_thread(maria, diabetes)
    marker = tmp_path / "started"
    app.conf.task_always_eager = False
    app.control.purge()
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    worker = start_worker(log, tmp_path, pool="solo", wrap="moderation.services.screen",
                          pause=30)
    try:
        reply = client_for(james).post(f"/t/{thread.pk}/reply/",
                                       {"body": f"Try {HELD_WORD} tea"})
        assert reply.status_code == 302
        post = Post.objects.get(thread=thread, author=james)
        wait_for(marker.exists, 60, "the worker to start screening")
        kill(worker)  # mid-task: the message is not acknowledged
        assert Post.objects.get(pk=post.pk).screening == Post.Screening.PENDING
        # the worker starts again; a minute later beat's sweep finds the post still pending
        worker = start_worker(log, tmp_path, pool="solo", wrap="moderation.services.screen")
        Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=2))
        sweep_unscreened.delay()

        def screened():
            return Post.objects.get(pk=post.pk).screening != Post.Screening.PENDING

        wait_for(screened, 60, "the sweep to screen the post")
        # the killed delivery comes back late (visibility timeout), and the sweep runs again:
        # neither screens it a second time
        post_screen.delay(post.pk)
        sweep_unscreened.delay()
        wait_for(lambda: finished(tmp_path, post_screen.name) >= 1
                 and finished(tmp_path, sweep_unscreened.name) >= 2, 60,
                 "the late delivery and the second sweep to run to their end")
    finally:
        stop(worker)
        log.close()
        app.conf.task_always_eager = True
        app.control.purge()
    assert Post.objects.get(pk=post.pk).screening == Post.Screening.HELD
    assert ModerationItem.objects.filter(post_id=post.pk).count() == 1
    assert AuditLog.objects.filter(action="post.hold", target_id=str(post.pk)).count() == 1
    assert marker.read_text().count("started") >= 2  # it really ran twice
