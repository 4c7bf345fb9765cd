"""`/healthz`: is the database, Redis and at least one Celery worker answering?"""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import app as celery_app


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not ok"
        return False


def check_redis() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # noqa: BLE001
        return False


def check_celery() -> bool:
    try:
        return bool(celery_app.control.ping(timeout=1.0))
    except Exception:  # noqa: BLE001
        return False


@never_cache
def healthz(request):
    checks = {"database": check_database(), "redis": check_redis()}
    # Pinging workers goes through the broker: without Redis the answer is known.
    checks["celery"] = check_celery() if checks["redis"] else False
    body = {name: ("ok" if ok else "down") for name, ok in checks.items()}
    body["status"] = "ok" if all(checks.values()) else "down"
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
