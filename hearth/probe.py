"""Container health probes: `python -m hearth.probe web|worker|beat` exits 0 when healthy.

- web: /healthz/ready answers 200 on this container (the database answers).
- worker: this container's Celery worker (celery@<hostname>) beat within the last 30 s (the
  heartbeat hearth.health.WorkerHeartbeat records in Redis; a stuck worker stops beating).
- beat: beat's lock in Redis (celery-redbeat) is held, so schedules are being sent.

Reads only the settings (no Django start-up), so a probe costs a fraction of a second.
"""

from __future__ import annotations

import os
import socket
import sys
import time
import urllib.request


def _settings():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    from django.conf import settings

    return settings


def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)


def web() -> bool:
    port = os.environ.get("PORT_INTERNAL", "8000")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/ready",  # noqa: S310
                                timeout=5) as response:
        return response.status == 200


def worker() -> bool:
    from hearth.health import HEARTBEAT_FRESH, worker_heartbeat_key

    settings = _settings()
    beat = _redis(settings.REDIS_URL).zscore(worker_heartbeat_key(),
                                             f"celery@{socket.gethostname()}")
    return beat is not None and beat > time.time() - HEARTBEAT_FRESH


def beat() -> bool:
    settings = _settings()
    lock = settings.CELERY_REDBEAT_KEY_PREFIX + ":lock"
    return bool(_redis(settings.CELERY_REDBEAT_REDIS_URL).exists(lock))


PROBES = {"web": web, "worker": worker, "beat": beat}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in PROBES:
        print(f"usage: python -m hearth.probe {'|'.join(PROBES)}", file=sys.stderr)
        return 2
    try:
        return 0 if PROBES[argv[0]]() else 1
    except Exception as error:  # noqa: BLE001 - any failure is "unhealthy"
        print(f"{argv[0]} unhealthy: {type(error).__name__}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
