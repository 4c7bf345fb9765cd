"""`make run`: Hearth with everything it needs, in one terminal.

Migrates, seeds the demo (idempotent), and starts Redis (unless REDIS_URL is set), a Celery
worker with beat, and uvicorn on 127.0.0.1:$PORT. Ctrl-C stops every child cleanly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
PYTHON = sys.executable

DEMO_LOGINS = """\
Demo accounts (password: hearth-demo)
  maria, james   patients
  drlee          verified clinician
  sam            moderator
  admin          staff"""


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, str(BASE_DIR / "manage.py"), *args], env=env, check=True)


def _wait_until_serving(url: str, procs: list[subprocess.Popen], timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own URL
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.25)
    return False


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def web_command(port: str) -> list[str]:
    """uvicorn as `make run` starts it. X-Forwarded-For is read by Hearth itself, and only from
    TRUSTED_PROXY_IPS (hearth/settings.py): uvicorn must not take the client's address from it
    (by default it believes any connection from 127.0.0.1)."""
    return [PYTHON, "-m", "uvicorn", "hearth.asgi:application", "--host", "127.0.0.1",
            "--port", port, "--log-config", str(BASE_DIR / "hearth" / "uvicorn_logging.json"),
            "--no-proxy-headers", "--ws-per-message-deflate", "false"]


def serve(env: dict[str, str]) -> int:
    port = env.get("PORT", "8000")
    _manage("migrate", "--noinput", env=env)
    (VAR_DIR / "mail").mkdir(parents=True, exist_ok=True)
    # The worker and the server start while the demo is seeded (they need only the tables,
    # and a first start compiles what they import): "running" is printed once both are done.
    procs = [
        subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "hearth", "worker", "--beat", "--loglevel", "INFO",
             "--concurrency", "2", "--schedule", str(VAR_DIR / "celerybeat-schedule")],
            env=env, cwd=BASE_DIR, start_new_session=True,
        ),
        subprocess.Popen(web_command(port), env=env, cwd=BASE_DIR, start_new_session=True),
    ]
    stopping = False

    def handle(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
    try:
        # the worker rolls up the history's days once it is seeded
        seeded = subprocess.run([PYTHON, str(BASE_DIR / "manage.py"), "seed_demo",
                                 "--rollup-later"], env=env, check=False)
        if seeded.returncode != 0:
            if not stopping:
                print("\nSeeding the demo failed (above): stopping Hearth.", flush=True)
            return 0 if stopping else 1
        url = f"http://127.0.0.1:{port}/"
        if not stopping and _wait_until_serving(url + "healthz", procs):
            print(f"\n{env.get('SITE_NAME', 'Hearth')} is running at {url}\n\n{DEMO_LOGINS}\n"
                  "\nEmails are written to var/mail/. Press Ctrl-C to stop.\n", flush=True)
        while not stopping and all(p.poll() is None for p in procs):
            time.sleep(0.3)
    finally:
        print("\nStopping Hearth...", flush=True)
        _stop(procs)
    failed = [p for p in procs if p.returncode not in (0, -signal.SIGTERM, None)]
    return 1 if failed and not stopping else 0


def demo_environment(base: dict[str, str]) -> dict[str, str]:
    """The environment `make run` gives every process: the demo runs as production does
    (DEBUG off: Hearth's own 404, 403 and 500 pages, never Django's debug pages) with a demo
    banner; settings keep plain-http cookies and no HTTPS redirect on 127.0.0.1/localhost."""
    env = dict(base)
    env.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    env.setdefault("PYTHONUNBUFFERED", "1")
    env["HEARTH_DEMO"] = "1"
    # Each process keeps what it compiles, as Python does by default: where
    # PYTHONDONTWRITEBYTECODE is set, each of them compiled Django and Hearth again (a first
    # `make run` took 5-8 s longer per process; the venv is Hearth's own).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("DEBUG", "False")
    # The demo lets sam, drlee and admin in without enrolling MFA, with a visible warning.
    env.setdefault("HEARTH_MFA_REQUIRED", "False")
    return env


def main() -> int:
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
    env = demo_environment(dict(os.environ))
    VAR_DIR.mkdir(exist_ok=True)
    if env.get("REDIS_URL"):
        return serve(env)
    from .embedded import embedded_redis

    with contextlib.ExitStack() as stack:
        url = stack.enter_context(embedded_redis(VAR_DIR / "redis", persist=True))
        print(f"Started Redis at {url}", flush=True)
        return serve({**env, "REDIS_URL": url})


if __name__ == "__main__":
    sys.exit(main())
