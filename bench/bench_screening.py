"""Screening: accuracy on the held-out third of the team's labelled set, speed on 2,000-character
posts with the crisis model on one core, and the model's memory.

    python bench/bench_screening.py [--iterations 300] [--all]

Accuracy: recall, precision and false-positive rate per category and language, on the third of
``data/screening/`` that ``screening_train`` never sees (``--all`` scores every post, training
posts included, which flatters the model). Crisis counts as caught when the outcome is escalate
or review. Speed: "clean" posts are built from the set's non-crisis, identifier-free posts,
"mixed" from all of it; "adversarial" inputs are built to make regular expressions backtrack,
"adversarial2" to cost the encoder many tokens or the rules many matches.
Goals (issue 14): p99 <= 50 ms per 2,000-character post, model memory <= 250 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, as the goal says

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

from moderation.management import screening_data  # noqa: E402
from moderation.screening import IDENTIFIER, model_state, screen  # noqa: E402
from moderation.screening import model as crisis_model  # noqa: E402
from moderation.screening.engine import Context  # noqa: E402

POST_LENGTH = 2000
ADVERSARIAL = [
    "a" * POST_LENGTH, "1" * POST_LENGTH, "1 " * 1000, "a." * 1000, "a@" * 1000, "@" * 2000,
    "555-" * 500, "+1 " * 666, "- " * 1000, "1 Main " * 285, "x" * 1999 + "@",
    "http://" + "a" * 1993, "MRN " + "1 " * 998, "born " * 400, "if I " * 400,
    "bottle of pills " * 125, "I want to " * 200, "vaccines " * 222, "how many " * 222,
    "Aa " * 666, "ending " * 285, "my " * 666, "kill myself " * 166, "arroba " * 285,
    "calle " * 333, "nací el " * 250,
]


def more_adversarial() -> list[str]:
    """Inputs found in session 6 to cost far more than the list above: many encoder tokens a
    character (emoji, CJK, random letters, lists of addresses or numbers), a crisis phrase
    repeated in one long run, and many numbers that each take the phone library's checks."""
    rng = random.Random(7)

    def word(size: int) -> str:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(size))

    def post(parts) -> str:
        return " ".join(parts)[:POST_LENGTH]

    return [
        post(rng.choice("😀😂💀🙏🔥") * 3 for _ in range(500)),
        post("".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(3)) for _ in range(500)),
        post(word(3) for _ in range(500)), post(word(24) for _ in range(80)),
        post(word(1) for _ in range(1000)),
        post(f"{word(5)}@{word(5)}.com" for _ in range(200)),
        post(f"{word(5)} at {word(5)} dot com" for _ in range(200)),
        post(f"{rng.randint(1, 9999)} {word(5)} St" for _ in range(200)),
        post(f"Calle {word(5)} {rng.randint(1, 999)}" for _ in range(200)),
        post(f"MRN # {rng.randint(1, 99999)}" for _ in range(200)),
        post(f"born {rng.randint(1, 12)}/{rng.randint(1, 28)}/19{rng.randint(10, 99)}"
             for _ in range(200)),
        post(f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}" for _ in range(200)),
        post(f"call me at {rng.randint(200, 999)}-{rng.randint(1000, 9999)}" for _ in range(200)),
        post(f"+44 {rng.randint(1000, 9999)} {rng.randint(100000, 999999)}" for _ in range(200)),
        post(f"{rng.randint(0, 9)} " for _ in range(1000)),
        ("1  2  3  4  5  6  7  8  9  0  " * 66)[:POST_LENGTH],
        ("I want to die " * 143)[:POST_LENGTH], ("quiero morir " * 154)[:POST_LENGTH],
        ("how many pills would kill me " * 69)[:POST_LENGTH],
        ("years ago I kill myself " * 84)[:POST_LENGTH],
        post(". ".join(" ".join(word(rng.randint(2, 8)) for _ in range(6)) for _ in range(60))
             for _ in range(1)),
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
    """Wall and CPU milliseconds per post (CPU time is what one core spends, whatever else
    shares the machine)."""
    wall, cpu = [], []
    for post in posts:
        started, started_cpu = time.perf_counter(), time.thread_time()
        screen(post, context=Context(links_allowed=False))
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def summary(name: str, measured: tuple[list[float], list[float]]) -> str:
    wall, cpu = measured
    ordered, ordered_cpu = sorted(wall), sorted(cpu)

    def pct(values: list[float], q: float) -> float:
        return values[min(len(values) - 1, int(q * len(values)))]

    return (f"{name:12} n={len(wall):5}  wall mean {statistics.fmean(wall):6.2f} ms  "
            f"p50 {pct(ordered, 0.5):6.2f}  p99 {pct(ordered, 0.99):6.2f}  max {ordered[-1]:6.2f}"
            f"  | CPU mean {statistics.fmean(cpu):6.2f}  p99 {pct(ordered_cpu, 0.99):6.2f}"
            f"  (load average {os.getloadavg()[0]:.1f})")


def outcome(text: str) -> tuple[str, set[str]]:
    result = screen(text)
    return result.crisis_outcome, set(result.kinds_in(IDENTIFIER))


def crisis_by_kind(examples: list, outcomes: dict[str, str]) -> str:
    """Crisis posts caught (escalate or review) and other posts flagged, per kind and
    language: where the misses and the false alarms are."""
    rows: dict[tuple[str, str], list[int]] = {}
    for e in examples:
        if not (e.is_crisis or e.crisis_kind):
            continue
        flagged = outcomes[e.id] != "none"
        for lang in (e.lang, "all"):
            row = rows.setdefault((("crisis " if e.is_crisis else "other ")
                                   + (e.crisis_kind or "-"), lang), [0, 0])
            row[0] += flagged
            row[1] += 1
    lines = [f"\n{'crisis kind (share flagged)':36}{'en':>12}{'es':>12}{'all':>12}"]
    for kind in sorted({k for k, _lang in rows}):
        cells = [f"{rows[kind, lang][0]}/{rows[kind, lang][1]}" if (kind, lang) in rows else "-"
                 for lang in ("en", "es", "all")]
        lines.append(f"{kind:36}" + "".join(f"{c:>12}" for c in cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--all", action="store_true", help="score training posts too")
    parser.add_argument("--speed-only", action="store_true",
                        help="skip the accuracy figures (alternating runs of two heads)")
    args = parser.parse_args()

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    crisis_model.load()
    loaded = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"crisis model: {model_state()}, loaded in {loaded:.1f} s, "
          f"memory +{rss_after - rss_before:.0f} MB (process {rss_after:.0f} MB)")

    examples = screening_data.load()
    if not args.speed_only:
        accuracy(examples, args.all)
    speed(examples, args.iterations)


def accuracy(examples: list, everything: bool) -> None:
    scored = examples if everything else [e for e in examples if e.held_out]
    langs = sorted({e.lang for e in scored})
    by_lang = ", ".join(f"{sum(e.lang == x for e in scored)} {x}" for x in langs)
    print(f"\naccuracy on {'all' if everything else 'the held-out third of'} the labelled set: "
          f"{len(scored)} posts ({by_lang}"
          f"; {sum(e.is_crisis for e in scored)} crisis, "
          f"{sum(bool(e.identifiers) for e in scored)} with identifiers)")
    outcomes = {e.id: outcome(e.text) for e in scored}
    by_text = {e.text: outcomes[e.id] for e in scored}
    print(screening_data.table(screening_data.score(scored, by_text.__getitem__)))
    print(crisis_by_kind(scored, {key: value[0] for key, value in outcomes.items()}))
    # The identifier files' posts are easy non-crisis posts: without them, the crisis figures on
    # the posts written about crisis and everyday life alone (a harsher share flagged).
    crisis_only = [e for e in scored if not e.source.startswith("identifiers_")]
    caught = sum(outcomes[e.id][0] != "none" for e in crisis_only if e.is_crisis)
    crises = sum(e.is_crisis for e in crisis_only)
    flagged = sum(outcomes[e.id][0] != "none" for e in crisis_only if not e.is_crisis)
    others = len(crisis_only) - crises
    print(f"\ncrisis without the identifier files' posts ({len(crisis_only)} posts): recall "
          f"{caught / max(crises, 1):.3f} ({caught}/{crises}), non-crisis flagged "
          f"{flagged / max(others, 1):.1%} ({flagged}/{others})")



def speed(examples: list, iterations: int) -> None:
    rng = random.Random(42)
    clean = [e.text for e in examples if not e.is_crisis and not e.identifiers]
    print(f"\nspeed, {POST_LENGTH}-character posts, one thread:")
    measure(build_posts(clean, 20, rng))  # warm up
    for name, texts in (("clean", clean), ("mixed", [e.text for e in examples])):
        print(summary(name, measure(build_posts(texts, iterations, rng))))
    print(summary("adversarial", measure(ADVERSARIAL * 3)))
    print(summary("adversarial2", measure(more_adversarial() * 3)))


if __name__ == "__main__":
    main()
