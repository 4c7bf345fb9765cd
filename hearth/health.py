"""Health endpoints, answered before every other middleware and whatever the Host header
(a load balancer probes by address):

- `/healthz/live`: the process answers (no database, no Redis).
- `/healthz/ready`: the database answers, so this node can serve pages; 503 when it does not.
  Redis and the worker may be down: pages and posting survive them, so a load balancer must
  not take every web node out for them.
- `/healthz`: every dependency's state, for people. 200 while the database answers (the status
  says "degraded" when something else is down), 503 when it does not.

Nothing here waits on Celery: a broadcast ping waited its whole timeout (1 s) on every call.
Workers write a heartbeat into a Redis sorted set instead (`WorkerHeartbeat`, a worker
bootstep added in hearth/celery.py) and `/healthz` reads it in one round trip.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import time

import redis
from celery import bootsteps
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from .lib import redis_pool

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = 5.0  # seconds between a worker's heartbeats
HEARTBEAT_FRESH = 30.0  # a worker is "up" if it beat within this many seconds
HEARTBEAT_FORGET = 300.0  # entries older than this are removed


def worker_heartbeat_key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX') or 'hearth'}:celery-workers"


# --- Checks ---------------------------------------------------------------------------------


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not ok"
        return False


def check_redis() -> bool:
    try:
        return bool(redis_pool.client().ping())
    except Exception:  # noqa: BLE001
        return False


def check_celery() -> bool:
    """At least one worker beat within the last HEARTBEAT_FRESH seconds."""
    try:
        fresh = redis_pool.client().zcount(worker_heartbeat_key(),
                                           time.time() - HEARTBEAT_FRESH, "+inf")
        return fresh > 0
    except Exception:  # noqa: BLE001
        return False


def check_screening() -> str | None:
    """The screening model's state ("ok" or "degraded"), if moderation reports one."""
    for module_name in ("moderation.screening", "moderation.screening.model"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        model_state = getattr(module, "model_state", None)
        if callable(model_state):
            try:
                return str(model_state())
            except Exception:  # noqa: BLE001
                logger.warning("screening model state unknown", exc_info=True)
                return "degraded"
    return None


# --- Views ----------------------------------------------------------------------------------


def _answer(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)
    # Answered before the CSP and security middleware: a JSON body needs no more than this.
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def live(request):
    return _answer({"status": "ok"})


@require_safe
def ready(request):
    ok = check_database()
    return _answer({"database": "ok" if ok else "down", "status": "ok" if ok else "down"},
                   status=200 if ok else 503)


@require_safe
def healthz(request):
    database = check_database()
    redis_ok = check_redis()
    workers = check_celery() if redis_ok else False  # the heartbeats are kept in Redis
    body = {
        "database": "ok" if database else "down",
        "redis": "ok" if redis_ok else "down",
        "celery": "ok" if workers else "down",
    }
    screening = check_screening()
    if screening is not None:
        body["screening"] = screening
    if not database:
        body["status"] = "down"
    elif all(state == "ok" for state in body.values()):
        body["status"] = "ok"
    else:
        body["status"] = "degraded"
    return _answer(body, status=200 if database else 503)


ROUTES = {"/healthz": healthz, "/healthz/live": live, "/healthz/ready": ready}


class HealthCheckMiddleware:
    """First in MIDDLEWARE: the health URLs skip the Host check (ALLOWED_HOSTS), the HTTPS
    redirect, sessions and the rest. Their URL patterns stay in hearth/urls.py too, for
    `reverse` and the authorization matrix."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = ROUTES.get(request.path_info)
        if view is None or request.method not in ("GET", "HEAD"):
            # Anything else takes the usual way (Host check, CSRF), and the views refuse it.
            return self.get_response(request)
        return view(request)


# --- The workers' heartbeat -----------------------------------------------------------------


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A Celery worker bootstep: every few seconds, from the worker's own event loop (so a
    stuck worker stops beating), record "this worker is alive" in Redis."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None
        self.hostname = ""

    def start(self, worker):
        self.hostname = worker.hostname
        self.beat()
        self.tref = worker.timer.call_repeatedly(HEARTBEAT_EVERY, self.beat)

    def stop(self, worker):
        self.forget()

    def terminate(self, worker):
        self.forget()

    def forget(self):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
        with contextlib.suppress(redis.RedisError):
            redis_pool.client().zrem(worker_heartbeat_key(), self.hostname)

    def beat(self):
        now = time.time()
        try:
            pipe = redis_pool.client().pipeline(transaction=False)
            pipe.zadd(worker_heartbeat_key(), {self.hostname: now})
            pipe.zremrangebyscore(worker_heartbeat_key(), "-inf", now - HEARTBEAT_FORGET)
            pipe.execute()
        except redis.RedisError:
            logger.warning("worker heartbeat not recorded (Redis unreachable)")
