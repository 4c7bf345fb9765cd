"""What the identifier rules share: the rule sets, keyed rules (naming words, then the value
where they end), the members' phone regions, and small helpers for digits and dates."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..base import Finding, RuleSet, Text, finding

RULES = RuleSet()
_rule = RULES.rule

DEFAULT_PHONE_REGIONS = ("US", "MX", "CA", "PR", "ES", "GB")


def phone_regions() -> tuple[str, ...]:
    """Where the members live: numbers written without a country code are read as from these
    regions, in order (``settings.HEARTH_PHONE_REGIONS``)."""
    try:
        from django.conf import settings

        return tuple(getattr(settings, "HEARTH_PHONE_REGIONS", DEFAULT_PHONE_REGIONS))
    except Exception:  # noqa: BLE001 - settings not configured (rules tested without Django)
        return DEFAULT_PHONE_REGIONS


# --------------------------------------------------------------------------------------------
# Keyed rules


@dataclass(frozen=True, slots=True)
class _Keyed:
    """A rule in two steps: ``key`` finds the naming words over the case-folded text (written
    lower-case, no flags); ``value`` is matched where the key ends, over the folded text or,
    when ``value_folded`` is false, the normalised one (letter case matters: "Calle Real 88").
    ``check(key, value)`` may reject a match; the finding spans the value's group ``s``."""

    kind: str
    key: re.Pattern[str]
    value: re.Pattern[str]
    value_folded: bool = True
    check: Callable[[re.Match[str], re.Match[str]], bool] | None = None
    key_folded: bool = True
    # Every value has a digit within this many characters of its key: without one the value
    # pattern is not tried (a post that repeats "born" costs little). 0: values in words.
    digit_within: int = 90

    def find(self, text: Text) -> list[Finding]:
        found: list[Finding] = []
        if self.digit_within and not text.has_digit:
            return found
        target = text.folded if self.value_folded else text.normal
        for key in self.key.finditer(text.folded if self.key_folded else text.normal):
            if self.digit_within and _DIGIT.search(target, key.end(),
                                                   key.end() + self.digit_within) is None:
                continue
            value = self.value.match(target, key.end())
            if value is None or (self.check is not None and not self.check(key, value)):
                continue
            found.append(finding(self.kind, value.span("s")))
        return found


KEYED: list[_Keyed] = []
_DIGIT = re.compile(r"[0-9]")


def _keyed(kind: str, key: str, value: str, *, value_folded: bool = True,
           key_folded: bool = True, digit_within: int = 90,
           check: Callable[[re.Match[str], re.Match[str]], bool] | None = None) -> None:
    KEYED.append(_Keyed(kind, re.compile(key), re.compile(value), value_folded, check,
                        key_folded, digit_within))


def _last(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of ``pattern`` in ``text`` starts, -1 without one."""
    at = -1
    for match in pattern.finditer(text):
        at = match.start()
    return at


_DATE_PARTS = re.compile(r"^([0-9]{1,4})[/.-]([0-9]{1,2})[/.-]([0-9]{2}|[0-9]{4})$")


def _looks_like_date(value: str) -> bool:
    """3/14/1962, 14.03.62, 1962-03-14: a day, a month and a year."""
    parts = _DATE_PARTS.match(value)
    if parts is None:
        return False
    first, second, last = parts.groups()
    # A year of four digits is a year people write (1800-2099): "7745-12-09" is a record.
    if any(len(part) == 4 and not part.startswith(("18", "19", "20")) for part in (first, last)):
        return False
    if len(first) == 4:
        return 1 <= int(second) <= 12 and 1 <= int(last) <= 31
    day_month = sorted((int(first), int(second)))
    return len(first) <= 2 and 1 <= day_month[0] <= 12 and 1 <= day_month[1] <= 31


def _digits(value: str) -> int:
    return sum(ch.isdigit() for ch in value)
