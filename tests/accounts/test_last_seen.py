"""Last seen without a write on a page view: requests record the time in Redis, beat's
`accounts.tasks.users_seen_flush` writes it (issue 17, "no write on GET")."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from accounts.models import User
from accounts.tasks import users_seen_flush
from tests.factories import client_for, publish_thread

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.fixture
def away(maria, diabetes, redis_client):
    """maria, not seen for a week, signed in."""
    User.objects.filter(pk=maria.pk).update(last_seen_at=timezone.now() - timedelta(days=7))
    maria.refresh_from_db()
    client = client_for(maria)
    thread = publish_thread(maria, diabetes, "Morning numbers")
    return maria, client, thread


@pytest.mark.django_db
def test_a_members_get_writes_nothing_and_the_flush_writes_last_seen(away):
    maria, client, thread = away
    client.get("/")  # the session's first request (the member's row into the cache)
    User.objects.filter(pk=maria.pk).update(last_seen_at=timezone.now() - timedelta(days=7))
    from accounts.middleware import forget_user

    forget_user(maria.pk)
    before = timezone.now()

    for path in ("/", thread.get_absolute_url()):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert _writes(queries.captured_queries) == [], path

    maria.refresh_from_db()
    assert maria.last_seen_at < before - timedelta(days=6)  # not written by the requests
    assert users_seen_flush() == 1
    maria.refresh_from_db()
    assert maria.last_seen_at >= before.replace(microsecond=0)
    assert users_seen_flush() == 0  # nothing twice


@pytest.mark.django_db
def test_a_member_seen_lately_is_not_recorded_again(away, redis_client):
    maria, client, _thread = away
    client.get("/")
    assert redis_client.hexists(services.SEEN_PENDING, str(maria.pk))
    users_seen_flush()
    client.get("/")  # the cached row carries the time: seen lately, nothing to record
    assert not redis_client.exists(services.SEEN_PENDING)


@pytest.mark.django_db
def test_the_flush_never_moves_last_seen_back_and_fills_a_first_visit(maria, james,
                                                                       redis_client):
    later = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    User.objects.filter(pk=maria.pk).update(last_seen_at=later)
    User.objects.filter(pk=james.pk).update(last_seen_at=None)
    now = timezone.now()
    services.user_seen_record(user=maria, now=now)
    services.user_seen_record(user=james, now=now)
    assert users_seen_flush() == 2
    maria.refresh_from_db()
    james.refresh_from_db()
    assert maria.last_seen_at == later
    assert james.last_seen_at == now.replace(microsecond=0)


@pytest.mark.django_db
def test_a_flush_that_died_half_way_is_written_by_the_next(maria, james, redis_client):
    now = timezone.now().replace(microsecond=0)
    services.user_seen_record(user=maria, now=now)
    redis_client.rename(services.SEEN_PENDING, services.SEEN_FLUSHING)  # taken, not written
    services.user_seen_record(user=james, now=now)
    assert users_seen_flush() == 1  # the batch left behind first
    assert users_seen_flush() == 1  # then what came since
    assert set(User.objects.filter(last_seen_at=now).values_list("username", flat=True)) == {
        "maria", "james"}


@pytest.mark.django_db
def test_with_redis_down_the_page_works_and_nothing_is_written(away):
    maria, client, _thread = away
    client.get("/")
    User.objects.filter(pk=maria.pk).update(last_seen_at=None)
    from accounts.middleware import forget_user

    forget_user(maria.pk)
    with mock.patch("accounts.services.client") as redis:
        redis.return_value.hset.side_effect = ConnectionError("Redis is down")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
    assert redis.return_value.hset.called
    assert _writes(queries.captured_queries) == []
    maria.refresh_from_db()
    assert maria.last_seen_at is None


def test_beat_flushes_last_seen_every_minute():
    from django.conf import settings

    schedule = {entry["task"]: entry["schedule"] for entry in
                settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["accounts.tasks.users_seen_flush"] <= 60
