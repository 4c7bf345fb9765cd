"""How long screening takes on a 2,000-character post, and how accurate it is.

    python bench/bench_screening.py [--iterations 2000]

Posts are built from the labelled set (tests/moderation/labelled_posts.json): "clean" posts
from its negatives only, "mixed" posts from all of it, so they are dense with the numbers,
medicines and phrases the detectors look at. "adversarial" inputs are built to make regular
expressions backtrack. Wall-clock time suffers when the machine is busy; CPU time is this
thread's own. The goal is under 5 ms per post. No Django settings are needed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.detectors import category_scores, scores_table, screen_text  # noqa: E402

LABELLED = ROOT / "tests" / "moderation" / "labelled_posts.json"
POST_LENGTH = 2000
ADVERSARIAL = [
    "a" * POST_LENGTH, "1" * POST_LENGTH, "1 " * 1000, "a." * 1000, "a@" * 1000, "@" * 2000,
    "555-" * 500, "+1 " * 666, "- " * 1000, "1 Main " * 285, "x" * 1999 + "@",
    "http://" + "a" * 1993, "MRN " + "1 " * 998, "born " * 400, "if I " * 400,
    "bottle of pills " * 125, "I want to " * 200, "vaccines " * 222, "how many " * 222,
    "Aa " * 666, "ending " * 285, "my " * 666, "kill myself " * 166,
]


def build_posts(texts: list[str], count: int, rng: random.Random) -> list[str]:
    posts = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < POST_LENGTH:
            parts.append(rng.choice(texts))
        posts.append(" ".join(parts)[:POST_LENGTH])
    return posts


def measure(posts: list[str]) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for post in posts:
        w0, c0 = time.perf_counter(), time.thread_time()
        screen_text(post, links_allowed=False)
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return wall, cpu


def summary(name: str, wall: list[float], cpu: list[float]) -> str:
    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return (f"{name:12}{len(wall):6}  wall mean {statistics.fmean(wall):6.3f}  p50 "
            f"{pct(wall, .5):6.3f}  p99 {pct(wall, .99):6.3f}   cpu p50 {pct(cpu, .5):6.3f}  "
            f"p99 {pct(cpu, .99):6.3f}  max {max(cpu):6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()

    labelled = json.loads(LABELLED.read_text(encoding="utf-8"))
    rng = random.Random(args.seed)
    clean = build_posts([e["text"] for e in labelled if not e["kinds"]], args.iterations // 2, rng)
    mixed = build_posts([e["text"] for e in labelled], args.iterations - len(clean), rng)
    measure(clean[:50] + mixed[:50])  # warm up

    print(f"screen_text on {POST_LENGTH}-character posts, milliseconds per post")
    results = {"clean": measure(clean), "mixed": measure(mixed)}
    results["all"] = (results["clean"][0] + results["mixed"][0],
                      results["clean"][1] + results["mixed"][1])
    results["adversarial"] = measure([text for text in ADVERSARIAL for _ in range(5)])
    for name, (wall, cpu) in results.items():
        print(summary(name, wall, cpu))

    positives = sum(1 for e in labelled if e["kinds"])
    print(f"\nlabelled set: {positives} positive and {len(labelled) - positives} negative posts")
    print(scores_table(category_scores(labelled)))


if __name__ == "__main__":
    main()
