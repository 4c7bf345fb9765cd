"""The one entry point: ``screen(text, context=...)`` runs every detector and the crisis model,
merges their findings and decides the crisis outcome.

    result = screen(post_text(title, body), context=Context(links_allowed=not new_member))
    result.held_kinds        # identifiers and spam: the post waits for a moderator
    result.crisis_outcome    # "escalate" | "review" | "none"
    result.flag_kinds        # misinformation: published, and queued for a moderator's look
    redact(body, result)     # identifiers replaced by "[removed]"

A text is screened once: the expensive part (rules and the model) is kept in the cache for an
hour under a digest of the text and of the screening code (`RULES_VERSION`, so a deploy that
changes a rule is not answered from an older one's results), so the composer's check before
posting, the crisis notice at submission and the Celery task share one screening of the same
words.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache

from . import crisis, identifiers, misinformation, spam
from . import model as crisis_model
from .base import (
    CRISIS,
    IDENTIFIER,
    MAX_LINKS,
    REDACTED,
    Finding,
    ScreeningResult,
    Text,
    finding,
    resolve,
)

logger = logging.getLogger(__name__)

CACHE_SECONDS = 3600
_DETECTORS = (identifiers, crisis, spam, misinformation)


@dataclass(frozen=True, slots=True)
class Context:
    """What screening needs to know beyond the words."""

    links_allowed: bool = True  # False for members too new to post links
    max_links: int = MAX_LINKS


def post_text(title: str, body: str) -> str:
    """The text screened for a post: the title and body of a thread's first post, else the body
    (the composer's check, the submission and the task must screen the same string)."""
    return f"{title}\n\n{body}" if title else body


@dataclass(frozen=True, slots=True)
class _Screened:
    """The context-free part of screening a text, as kept in the cache."""

    findings: tuple[tuple[str, int, int], ...]
    score: float
    span: tuple[int, int] | None
    model_used: bool


def _rule_findings(prepared: Text) -> list[Finding]:
    found: list[Finding] = []
    for detector in _DETECTORS:
        found.extend(detector.find(prepared))
    return found


def screen_rules(text: str, *, context: Context | None = None) -> ScreeningResult:
    """The rules alone: no model, no cache (what screening falls back to without the model)."""
    context = context or Context()
    found = _rule_findings(Text(text)) + spam.links_found(
        text, links_allowed=context.links_allowed, max_links=context.max_links)
    return ScreeningResult(findings=tuple(resolve(found)), model_used=False)


def _screen_words(text: str) -> _Screened:
    prepared = Text(text)
    found = _rule_findings(prepared)
    model = crisis_model.get()
    score, span = (0.0, None)
    if model is not None:
        try:
            score, span = model.score_text(prepared.normal)
        except Exception:  # noqa: BLE001 - a model fault must not stop posting: rules still ran
            logger.exception("crisis model failed on a post; rules only for this one")
            model = None
    return _Screened(findings=tuple((f.kind, *f.span) for f in found), score=score, span=span,
                     model_used=model is not None)


def _rules_version() -> str:
    """A digest of this package's source (every detector's rules): part of the cache key."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RULES_VERSION = _rules_version()


def _cached(text: str) -> _Screened:
    model = crisis_model.get()
    version = model.head.digest if model is not None else "rules"
    key = f"screening:{RULES_VERSION}:{version}:{hashlib.sha256(text.encode()).hexdigest()}"
    try:
        kept = cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down: screen without the cache
        kept = None
    if isinstance(kept, _Screened):
        return kept
    screened = _screen_words(text)
    if screened.model_used:
        try:
            cache.set(key, screened, CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("screening result not cached (cache unavailable)")
    return screened


def screen(text: str, *, context: Context | None = None) -> ScreeningResult:
    """Everything in ``text`` a moderator should know about, in text order, and the crisis
    outcome (escalate, review or none)."""
    if not text:
        return ScreeningResult()
    context = context or Context()
    screened = _cached(text)
    found = [finding(kind, (start, end)) for kind, start, end in screened.findings]
    found.extend(spam.links_found(text, links_allowed=context.links_allowed,
                                  max_links=context.max_links))
    model = crisis_model.get() if screened.model_used else None
    review = False
    span = screened.span
    by_rule = [f.span for f in found if f.category == CRISIS]
    if by_rule:
        span = _sentence_around(text, by_rule[0])
    elif model is not None:
        if screened.score >= model.head.escalate and span is not None:
            found.append(finding("crisis_risk", span))
        else:
            review = screened.score >= model.head.review
    return ScreeningResult(findings=tuple(resolve(found)), crisis_score=screened.score,
                           crisis_span=span, crisis_review=review,
                           model_used=screened.model_used)


def _sentence_around(text: str, span: tuple[int, int]) -> tuple[int, int]:
    for start, end in crisis_model.raw_sentences(text):
        if start <= span[0] < end:
            return start, max(end, span[1])
    return span


def redact(text: str, findings: Sequence[Finding] | ScreeningResult | None = None) -> str:
    """``text`` with every identifier replaced by "[removed]", for a moderator's redact action.

    ``findings`` must come from screening this same text; without them the text is screened.
    """
    if findings is None:
        findings = screen(text)
    if isinstance(findings, ScreeningResult):
        findings = findings.findings
    spans = sorted(f.span for f in findings if f.category == IDENTIFIER)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces: list[str] = []
    position = 0
    for start, end in merged:
        pieces.append(text[position:start])
        pieces.append(REDACTED)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
