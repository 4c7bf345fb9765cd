"""`make bench`: run every bench/bench_*.py in turn, each in its own process with this
environment, and print its figures. Exits non-zero if any of them failed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(BENCH.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        code = subprocess.call([sys.executable, str(script)], cwd=BENCH.parent,
                               env=dict(os.environ))
        if code:
            failed.append(script.name)
            print(f"!! {script.name} exited with {code}", flush=True)
    if failed:
        print("failed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
