"""Last-seen flush at scale: N members recorded in Redis (as their requests would), written by
`accounts.services.users_seen_flush` in one transaction that is rolled back (the scale
database keeps its shape). Prints the flush's queries and CPU/wall time per member count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hearth_scale_100000 \
    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/bench_last_seen.py 500 5000 50000
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Rollback(Exception):
    pass


def main(counts: list[int]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts import services
    from accounts.models import User
    from hearth.lib.redis_pool import client

    redis = client()
    load = os.getloadavg()[0]
    for count in counts:
        ids = list(User.objects.order_by("pk").values_list("pk", flat=True)[:count])
        redis.delete(services.SEEN_PENDING, services.SEEN_FLUSHING)
        now = int(timezone.now().timestamp())
        pipe = redis.pipeline()
        for pk in ids:
            pipe.hset(services.SEEN_PENDING, str(pk), now)
        pipe.execute()
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            with CaptureQueriesContext(connection) as queries, transaction.atomic():
                flushed = services.users_seen_flush()
                raise Rollback
        except Rollback:
            pass
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{len(ids):>7} members: flushed {flushed}, {len(queries)} queries, "
              f"CPU {cpu * 1000:.0f} ms, wall {wall * 1000:.0f} ms (load {load:.1f})")
    redis.delete(services.SEEN_PENDING, services.SEEN_FLUSHING)


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [500, 5000])
