"""`make bench-scale`: build the scale data set (bench/scale/generate.py) at each size on its
own PostgreSQL database, then time every page and job of issue 24 in-process.

    python bench/scale/run.py --members 10000 100000   # builds a size only if missing
    python bench/scale/run.py --members 10000 --rebuild

Databases: BENCH_SCALE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/hearth_scale)
with the size appended (hearth_scale_10000). Prints, for each page and job: median, p95,
queries and the slowest query, side by side for the sizes; then the size of the database.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
BASE_URL = os.environ.get("BENCH_SCALE_DATABASE_URL",
                          "postgres://postgres@127.0.0.1:5432/hearth_scale")


def database_url(members: int) -> str:
    return f"{BASE_URL}_{members}"


def psql_admin(sql: str) -> str:
    base, _name = BASE_URL.rsplit("/", 1)
    return subprocess.run(["psql", f"{base}/postgres", "-tAc", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def ensure(members: int, rebuild: bool) -> None:
    name = database_url(members).rsplit("/", 1)[1]
    exists = psql_admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608
    if exists and not rebuild:
        done = subprocess.run(
            ["psql", database_url(members), "-tAc",
             "SELECT count(*) FROM community_community WHERE slug = 'scale-0'"],
            capture_output=True, text=True).stdout.strip()
        if done == "1":
            return
    psql_admin(f"DROP DATABASE IF EXISTS {name}")
    psql_admin(f"CREATE DATABASE {name}")
    env = {**os.environ, "DATABASE_URL": database_url(members),
           "DJANGO_SETTINGS_MODULE": "bench.settings"}
    print(f"building {members:,} members into {name} ...", flush=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                   check=True)
    subprocess.run([sys.executable, __file__, "--build", str(members)], cwd=ROOT, env=env,
                   check=True)
    # A bulk-built table is half dead rows with no visibility map until vacuumed (autovacuum may
    # be off or late): index-only counts would read the whole table. As after a restore.
    subprocess.run(["psql", database_url(members), "-qc", "VACUUM (ANALYZE)"], check=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "15")))
    args = parser.parse_args()
    if args.build:
        setup_django()
        from django.db import transaction

        from bench.scale.generate import build

        with transaction.atomic():
            build(args.build)
        return
    if args.measure:
        setup_django()
        from bench.scale.measure import measure_all

        measure_all(args.members[0] if args.members else args.measure, repeat=args.repeat)
        return
    started = time.monotonic()
    for members in args.members:
        ensure(members, args.rebuild)
    if args.generate_only:
        return
    for members in args.members:
        env = {**os.environ, "DATABASE_URL": database_url(members),
               "DJANGO_SETTINGS_MODULE": "bench.settings"}
        # a data set built before the latest migrations gets them (new columns, indexes)
        if subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT,
                          env=env).returncode:
            print("migrate failed: measuring the data set as it is", flush=True)
        subprocess.run([sys.executable, __file__, "--measure", str(members), "--members",
                        str(members), "--repeat", str(args.repeat)], cwd=ROOT, env=env,
                       check=True)
    print(f"bench-scale done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
