"""Celery workers in a process of their own, for the tests that kill one (SIGKILL) and start it
again: `celery -A hearth worker` on this run's database (a file, or PostgreSQL) and Redis.

One way to start, watch, kill and stop them (tests/security/test_faults*.py,
tests/notifications/test_worker_kill.py, tests/api/test_worker_kill.py). A worker can wrap one
function ("module.function"): each call first writes a line to a marker file and may pause,
so that a test knows the work was taken and can kill the worker while it holds it. Every
worker writes the name of each task it finished to a second file, so that a test waits for
the work itself instead of sleeping.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]

_WORKER = """
import os, sys, time, importlib, django
django.setup()
from celery.signals import task_postrun
from hearth.celery import app

def note(path, line):
    with open(path, "a") as out:
        out.write(line + "\\n")

finished = os.environ["HEARTH_TEST_FINISHED"]
task_postrun.connect(lambda sender=None, **kw: note(finished, sender.name), weak=False)
wrap = os.environ.get("HEARTH_TEST_WRAP")
if wrap:
    module_name, _, name = wrap.rpartition(".")
    module = importlib.import_module(module_name)
    original = getattr(module, name)
    marker = os.environ["HEARTH_TEST_MARKER"]
    pause = float(os.environ.get("HEARTH_TEST_PAUSE", "0"))

    def wrapped(*args, **kwargs):
        note(marker, "started")
        if pause:
            time.sleep(pause)
        return original(*args, **kwargs)

    setattr(module, name, wrapped)
app.worker_main(["worker", *sys.argv[1:], "--without-heartbeat", "--without-gossip",
                 "--without-mingle", "--loglevel=WARNING"])
"""


def database_url() -> str:
    """This run's test database, as a DATABASE_URL for another process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db.get('HOST') or '127.0.0.1'}:"
            f"{db.get('PORT') or 5432}/{db['NAME']}")


def start_worker(log, workdir: Path, *, env: dict[str, str] | None = None,
                 pool: str = "prefork", concurrency: int = 2, wrap: str | None = None,
                 pause: float = 0.0) -> subprocess.Popen:
    """A worker process (its own process group, output to `log`). With `wrap`, each call of
    that function appends "started" to workdir/started, then sleeps `pause` seconds."""
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hearth.settings",
                "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL,
                "LOG_LEVEL": "WARNING", "HEARTH_SCREENING_MODEL": "stub",
                "HEARTH_TEST_FINISHED": str(workdir / "finished"),
                "HEARTH_TEST_MARKER": str(workdir / "started"),
                "HEARTH_TEST_PAUSE": str(pause), **(env or {})}
    if wrap:
        full_env["HEARTH_TEST_WRAP"] = wrap
    argv = [f"--pool={pool}"] + ([f"--concurrency={concurrency}"] if pool == "prefork" else [])
    return subprocess.Popen([sys.executable, "-c", _WORKER, *argv], cwd=ROOT, env=full_env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def finished(workdir: Path, task_name: str) -> int:
    """How many times the workers of `workdir` finished the task (by its name)."""
    path = workdir / "finished"
    return path.read_text().splitlines().count(task_name) if path.exists() else 0


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def kill(worker: subprocess.Popen) -> None:
    """SIGKILL, as the kernel's OOM killer or a lost node does it: nothing is acknowledged."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def stop(worker: subprocess.Popen, sig=signal.SIGTERM):
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(timeout=30)
