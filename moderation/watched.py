"""Watched words: staff patterns, compiled safely and matched with a time limit.

A plain word matches as a whole word, case-insensitively. A pattern (is_regex) is compiled by
the `regex` module and searched with a timeout, so a pattern that would backtrack for ever
cannot stall screening: it is reported as timed out and treated as a match for review.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import regex
from django.utils.translation import gettext as _

from hearth.lib.spreadsheets import text_cell

from .models import WatchedWord

TIMEOUT_SECONDS = 0.05
MAX_TEXT = 20000


class PatternError(ValueError):
    pass


def compile_word(pattern: str, *, is_regex: bool) -> regex.Pattern:
    source = pattern if is_regex else rf"(?<!\w){regex.escape(pattern.strip())}(?!\w)"
    try:
        return regex.compile(source, regex.IGNORECASE | regex.VERSION1)
    except regex.error as exc:
        raise PatternError(str(exc)) from exc


@dataclass(frozen=True)
class WordHit:
    word: WatchedWord
    span: tuple[int, int] | None
    timed_out: bool = False


def find_hits(text: str, words: list[WatchedWord]) -> list[WordHit]:
    hits = []
    text = text[:MAX_TEXT]
    for word in words:
        try:
            compiled = compile_word(word.pattern, is_regex=word.is_regex)
            match = compiled.search(text, timeout=TIMEOUT_SECONDS)
        except PatternError:
            continue
        except TimeoutError:
            hits.append(WordHit(word, None, timed_out=True))
            continue
        if match:
            hits.append(WordHit(word, match.span()))
    return hits


def apply_replacements(text: str, words: list[WatchedWord]) -> str:
    for word in words:
        if word.action != WatchedWord.Action.REPLACE:
            continue
        try:
            compiled = compile_word(word.pattern, is_regex=word.is_regex)
            text = compiled.sub(word.replacement or "***", text, timeout=TIMEOUT_SECONDS)
        except (PatternError, TimeoutError):
            continue
    return text


CSV_FIELDS = ["pattern", "is_regex", "action", "replacement"]


def export_csv(words) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for word in words:
        writer.writerow([text_cell(word.pattern), "yes" if word.is_regex else "no",
                         word.action, text_cell(word.replacement)])
    return out.getvalue()


def parse_csv(text: str) -> tuple[list[dict], list[str]]:
    """Rows to import, and a plain-language error per bad line."""
    rows, errors = [], []
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "pattern" not in reader.fieldnames:
        return [], [_("The first line must name the columns: %(columns)s")
                    % {"columns": "pattern,is_regex,action,replacement"}]
    for number, row in enumerate(reader, start=2):
        pattern = (row.get("pattern") or "").strip()
        action = (row.get("action") or "hold").strip().lower()
        is_regex = (row.get("is_regex") or "").strip().lower() in ("yes", "true", "1")
        if pattern.startswith("'"):
            pattern = pattern[1:]
        if not pattern:
            errors.append(_("Line %(n)s: the pattern is empty.") % {"n": number})
            continue
        if action not in WatchedWord.Action.values:
            errors.append(_("Line %(n)s: unknown action “%(action)s”.")
                          % {"n": number, "action": action})
            continue
        try:
            compile_word(pattern, is_regex=is_regex)
        except PatternError as exc:
            errors.append(_("Line %(n)s: the pattern does not compile (%(error)s).")
                          % {"n": number, "error": exc})
            continue
        rows.append({"pattern": pattern[:200], "is_regex": is_regex, "action": action,
                     "replacement": (row.get("replacement") or "")[:100]})
    return rows, errors
