"""The team's labelled screening set: loading, the held-out third, and scoring.

Not runtime code: the training command (``screening_train``), the accuracy bench
(``bench/bench_screening.py``) and tests use it. The set lives in ``data/screening/*.jsonl``,
one post a line: ``{"id", "lang", "text", "crisis": "escalate"|"review"|"none",
"crisis_kind", "identifiers": [...]}``. A third of it, chosen by a hash of each id, is never
trained on: the bench reports figures on that third only.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

DATA_DIR = Path(settings.BASE_DIR) / "data" / "screening"
IDENTIFIER_KINDS = ("phone", "email", "ssn", "mrn", "dob", "address")
CRISIS_OUTCOMES = ("escalate", "review", "none")


@dataclass(frozen=True)
class Example:
    id: str
    lang: str
    text: str
    crisis: str
    crisis_kind: str
    identifiers: tuple[str, ...] = field(default=())
    source: str = ""  # the file's name without .jsonl

    @property
    def is_crisis(self) -> bool:
        return self.crisis != "none"

    @property
    def held_out(self) -> bool:
        """The third of the set kept out of training, the same on every machine."""
        return int(hashlib.sha256(self.id.encode()).hexdigest(), 16) % 3 == 0


def load(data_dir: Path = DATA_DIR) -> list[Example]:
    examples: list[Example] = []
    for path in sorted(data_dir.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            crisis = row.get("crisis", "none")
            identifiers = tuple(row.get("identifiers") or ())
            if crisis not in CRISIS_OUTCOMES or not set(identifiers) <= set(IDENTIFIER_KINDS):
                raise ValueError(f"{path.name}:{number}: unknown label")
            examples.append(Example(id=row["id"], lang=row.get("lang", "en"), text=row["text"],
                                    crisis=crisis, crisis_kind=row.get("crisis_kind", ""),
                                    identifiers=identifiers, source=path.stem))
    return examples


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: bool, got: bool) -> None:
        if expected:
            self.tp += got
            self.fn += not got
        else:
            self.fp += got
            self.tn += not got

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def fpr(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0


def score(examples: Iterable[Example], screen: Callable[[str], tuple[str, set[str]]]
          ) -> dict[tuple[str, str], Counts]:
    """Counts per (category, language) and (category, "all"): crisis (escalate or review
    counts as caught), crisis-escalate, each identifier kind, and identifiers as a whole.

    ``screen(text)`` returns ``(crisis_outcome, identifier_kinds)``.
    """
    counts: dict[tuple[str, str], Counts] = defaultdict(Counts)
    for example in examples:
        outcome, kinds = screen(example.text)
        for lang in (example.lang, "all"):
            counts["crisis", lang].add(example.is_crisis, outcome != "none")
            counts["crisis escalate", lang].add(example.crisis == "escalate",
                                                outcome == "escalate")
            counts["identifiers", lang].add(bool(example.identifiers), bool(kinds))
            for kind in IDENTIFIER_KINDS:
                counts[f"  {kind}", lang].add(kind in example.identifiers, kind in kinds)
    return dict(counts)


def table(counts: dict[tuple[str, str], Counts]) -> str:
    lines = [f"{'category':18}{'lang':>5}{'recall':>8}{'precision':>10}{'FP rate':>9}"
             f"{'found':>7}{'false':>7}{'missed':>8}"]
    for (category, lang), c in sorted(counts.items(), key=lambda kv: (kv[0][0].strip() != kv[0][0],
                                                                        kv[0][0], kv[0][1])):
        lines.append(f"{category:18}{lang:>5}{c.recall:8.3f}{c.precision:10.3f}{c.fpr:9.3f}"
                     f"{c.tp:7}{c.fp:7}{c.fn:8}")
    return "\n".join(lines)
