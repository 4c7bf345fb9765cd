"""Latency of the health endpoints (/healthz/live, /healthz/ready, /healthz) under uvicorn with
the bench settings: one request at a time, after a warm-up, with Redis up and with Redis down
(a server pointed at a closed port). Goal: each well under 50 ms whatever is down (the old
/healthz waited a 1 s Celery ping on every call).

    python bench/bench_healthz.py          # make bench runs it
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
REQUESTS = int(os.environ.get("BENCH_HEALTH_REQUESTS", "200"))
GOAL_MS = 50


def get(url: str) -> tuple[int, dict, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our server
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), (time.perf_counter() - started) * 1000


def serve(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hearth.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1", "--log-level", "warning", "--lifespan", "off"],
        cwd=BASE, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            get(f"http://127.0.0.1:{port}/healthz/live")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def measure(label: str, env: dict) -> bool:
    from hearth.embedded import free_port

    port = free_port()
    server = serve(env, port)
    ok = True
    try:
        for path in ("/healthz/live", "/healthz/ready", "/healthz"):
            url = f"http://127.0.0.1:{port}{path}"
            for _ in range(20):
                get(url)
            times, answers = [], set()
            for _ in range(REQUESTS):
                status, body, ms = get(url)
                times.append(ms)
                answers.add((status, body.get("status")))
            times.sort()
            p50, p99 = statistics.median(times), times[int(len(times) * 0.99) - 1]
            ok = ok and p99 < GOAL_MS
            print(f"healthz: {label:<14} {path:<15} p50 {p50:5.1f} ms  p99 {p99:5.1f} ms  "
                  f"answers {sorted(answers)}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return ok


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    env = {**os.environ}
    ok = measure("Redis up", env)
    ok = measure("Redis down", {**env, "REDIS_URL": "redis://127.0.0.1:1/0"}) and ok
    print(f"healthz: {'OK' if ok else 'ABOVE GOAL'} (p99 goal < {GOAL_MS} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
