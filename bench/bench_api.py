"""Requests per second of a thread read through the API (`GET /api/v1/threads/<id>/posts/`,
the first 20 posts, with a member's token) against the HTML thread page for the same member
(20 posts, rendered every time: members never get the visitor cache), same server and data as
bench_thread_page.py (uvicorn, one worker per core, PostgreSQL when DATABASE_URL says so).

    python bench/bench_api.py          # make bench runs it
Needs `wrk` (Debian package). The API's per-token limit is lifted for the run
(API_RATE_LIMIT); everything else is as in production.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ["API_RATE_LIMIT"] = "100000000/min"

from bench.bench_thread_page import DURATION, WORKERS, member_cookie, setup_data  # noqa: E402


def wrk(url: str, header: str) -> float:
    import re

    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{DURATION}s", "-H", header, url],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def member_token(thread_id: int) -> str:
    from api import services
    from community.models import Thread

    author = Thread.objects.get(pk=thread_id).author
    return services.token_create(user=author, name="bench", scopes=["read"], days=7)[1]


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    thread_id = setup_data()
    cookie = member_cookie(thread_id)
    token = member_token(thread_id)
    port = "8766"
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hearth.asgi:application", "--host", "127.0.0.1",
         "--port", port, "--workers", WORKERS, "--no-access-log", "--log-level", "warning"],
        env={**os.environ}, cwd=BASE)
    try:
        base = f"http://127.0.0.1:{port}"
        api = f"{base}/api/v1/threads/{thread_id}/posts/"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/bench/trivial/", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        html = wrk(f"{base}/t/{thread_id}/", f"Cookie: {cookie}")
        by_token = wrk(api, f"Authorization: Bearer {token}")
        by_session = wrk(api, f"Cookie: {cookie}")
    finally:
        server.terminate()
        server.wait(timeout=20)
    db = os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1]
    print(f"API bench ({WORKERS} uvicorn workers, database {db}, {DURATION}s each; "
          "one member, the first 20 posts of a 200-post thread)")
    print(f"  HTML thread page (session)    {html:8.0f} req/s")
    print(f"  API thread posts (token)      {by_token:8.0f} req/s   ratio {by_token / html:.2f}")
    print(f"  API thread posts (session)    {by_session:8.0f} req/s   "
          f"ratio {by_session / html:.2f}")
    if by_token < html:
        raise SystemExit("the API read is slower than the HTML page")


if __name__ == "__main__":
    main()
