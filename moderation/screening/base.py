"""What screening finds and how detectors find it: kinds, findings, results, rule sets.

Each detector module (``identifiers``, ``crisis``, ``spam``, ``misinformation``) keeps a
``RuleSet`` of regular expressions compiled at import. Most rules carry trigger words and run
only in the stretches of text around them, on a lower-cased copy of the text: in CPython a
case-insensitive pattern, or a scan of the whole text, costs several times more. Patterns are
written so that no input makes them backtrack without bound (bounded repeats, alternatives
that cannot match the same text, fixed-width lookbehinds). Labels are ``gettext_lazy`` strings,
translated only when something renders them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

IDENTIFIER = "identifier"
CRISIS = "crisis"
SPAM = "spam"
MISINFORMATION = "misinformation"
CATEGORIES = (IDENTIFIER, CRISIS, SPAM, MISINFORMATION)

# kind -> (category, label). The label finishes "Your post seems to contain ...".
KINDS: dict[str, tuple[str, Promise]] = {
    "phone": (IDENTIFIER, _("a phone number")),
    "email": (IDENTIFIER, _("an email address")),
    "ssn": (IDENTIFIER, _("a Social Security number")),
    "mrn": (IDENTIFIER, _("a medical record number")),
    "dob": (IDENTIFIER, _("a date of birth")),
    "address": (IDENTIFIER, _("a home or street address")),
    "suicidal_intent": (CRISIS, _("words about ending your life")),
    "crisis_risk": (CRISIS, _("words that may mean you are thinking of harming yourself")),
    "self_harm": (CRISIS, _("words about hurting yourself")),
    "overdose_intent": (CRISIS, _("words about taking an overdose")),
    "many_links": (SPAM, _("a lot of links")),
    "link_from_new_member": (SPAM, _("a link (new members' links wait for a moderator)")),
    "spam_phrase": (SPAM, _("wording often used in advertising or spam")),
    "stop_medication": (MISINFORMATION, _("advice to stop prescribed medicine")),
    "cure_claim": (MISINFORMATION, _("a claim of a cure")),
    "anti_vaccine": (MISINFORMATION, _("a false claim about vaccines")),
}
KIND_CHOICES = [(kind, label) for kind, (_category, label) in KINDS.items()]
HELD_CATEGORIES = (IDENTIFIER, SPAM)
MAX_LINKS = 3
REDACTED = "[removed]"

# When identifiers overlap, the more specific one names the finding.
_IDENTIFIER_PRIORITY = {"ssn": 0, "mrn": 1, "dob": 2, "email": 3, "phone": 4, "address": 5}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    category: str
    label: Promise  # a lazy translation; str() renders it in the active language
    span: tuple[int, int]  # [start, end) in the screened text


# The three crisis outcomes. Escalate: a rule fired or the model is sure (today's crisis flow).
# Review: the model is unsure (published, the author sees a support note, a moderator looks).
ESCALATE, REVIEW, NONE = "escalate", "review", "none"


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    findings: tuple[Finding, ...] = ()
    # The crisis model's highest score over the whole text and each sentence (0 without it),
    # and the sentence that worried screening most: the one holding the first crisis rule's
    # match, else the one the model scored highest.
    crisis_score: float = 0.0
    crisis_span: tuple[int, int] | None = None
    crisis_review: bool = False
    # False when the model could not be used and only the rules ran.
    model_used: bool = True

    @property
    def crisis_outcome(self) -> str:
        if self.is_crisis:
            return ESCALATE
        return REVIEW if self.crisis_review else NONE

    @property
    def crisis_highlight(self) -> tuple[int, int] | None:
        """The sentence that worried screening most (for the moderator's card)."""
        return self.crisis_span

    def kinds_in(self, *categories: str) -> tuple[str, ...]:
        """Distinct kinds of these categories, in the order they appear in the text."""
        return tuple(dict.fromkeys(f.kind for f in self.findings if f.category in categories))

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.kind for f in self.findings))

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(f.category for f in self.findings)

    @property
    def held_kinds(self) -> tuple[str, ...]:
        """Identifiers and spam: the post waits for a moderator before anyone sees it."""
        return self.kinds_in(*HELD_CATEGORIES)

    @property
    def is_held(self) -> bool:
        return bool(self.held_kinds)

    @property
    def crisis_kinds(self) -> tuple[str, ...]:
        return self.kinds_in(CRISIS)

    @property
    def is_crisis(self) -> bool:
        return bool(self.crisis_kinds)

    @property
    def flag_kinds(self) -> tuple[str, ...]:
        """Misinformation: published, and put in front of a moderator."""
        return self.kinds_in(MISINFORMATION)

    @property
    def identifier_labels(self) -> tuple[Promise, ...]:
        """What to tell the author was found ("a phone number", ...), each once."""
        return self.labels_for(self.kinds_in(IDENTIFIER))

    def labels_for(self, kinds: Iterable[str]) -> tuple[Promise, ...]:
        # Distinct by kind: hashing a lazy label would translate it, which needs settings.
        return tuple(KINDS[kind][1] for kind in dict.fromkeys(kinds))


# --------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    # True: the pattern was written case-insensitive and runs, without re.IGNORECASE (which costs
    # several times more in CPython), on the case-folded copy of the text.
    folded: bool
    # Lower-case substrings, one of which every match contains: the rule runs only around
    # where the text has one (see _windows). Empty means over the whole text.
    triggers: tuple[str, ...] = ()
    needs_digit: bool = False
    # Rejects a match when found in the text just before it (a negation: "never", "don't").
    not_after: re.Pattern[str] | None = None
    # Rejects a match when found inside it ("vaccines do NOT cause autism").
    not_inside: re.Pattern[str] | None = None
    check: Callable[[re.Match[str]], bool] | None = None


def _fold_pattern(pattern: str) -> str:
    """Lower-case a pattern's literals, leaving escapes (\\S, \\W, ...) and (?P<name>) alone."""
    return re.sub(r"\\.|\(\?P|[A-Z]",
                  lambda m: m.group() if len(m.group()) > 1 else m.group().lower(), pattern)


class RuleSet:
    """The rules of one detector module, run by ``find`` over a prepared ``Text``."""

    def __init__(self) -> None:
        self.rules: list[_Rule] = []

    def rule(self, kind: str, pattern: str, *, flags: int = re.IGNORECASE, **options) -> None:
        assert kind in KINDS, kind
        folded = bool(flags & re.IGNORECASE)
        if folded:
            pattern, flags = _fold_pattern(pattern), flags & ~re.IGNORECASE
        self.rules.append(_Rule(kind, re.compile(pattern, flags), folded, **options))

    def many(self, kind: str, parts: list[tuple[tuple[str, ...], str]], **options) -> None:
        """Several rules of one kind, each run only when one of its own trigger words is present."""
        for triggers, pattern in parts:
            self.rule(kind, pattern, triggers=triggers, **options)

    def find(self, text: Text) -> list[Finding]:
        found: list[Finding] = []
        for rule in self.rules:
            if rule.needs_digit and not text.has_digit:
                continue
            windows = text.windows(rule.triggers) if rule.triggers else text.whole
            target = text.folded if rule.folded else text.normal
            # Scanning only around the triggers is what keeps a long post cheap: CPython's re
            # pays for every position it tries, and most rules' triggers appear rarely.
            for match in (m for a, b in windows for m in rule.pattern.finditer(target, a, b)):
                start = match.start()
                if rule.not_after is not None and rule.not_after.search(
                    text.normal, max(0, start - _LOOKBACK), start
                ):
                    continue
                if rule.not_inside is not None and rule.not_inside.search(match.group()):
                    continue
                if rule.check is not None and not rule.check(match):
                    continue
                found.append(finding(rule.kind, _span(match)))
        return found


_LOOKBACK = 48  # characters before a match that the negation checks look at
# A match lies within this many characters of the trigger it contains: no pattern reaches
# more than about 120 characters before its trigger or 200 after it; the extra after leaves
# room for lookaheads.
_REACH_BEFORE, _REACH_AFTER = 150, 260

# Same-length replacements, so spans found in the normalised text fit the original.
_NORMALISE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\uff07": "'", "\u201c": '"', "\u201d": '"',
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\uff0b": "+", "\uff20": "@",
})
# The same, plus case folding of ASCII and Latin-1 letters: still one character for one.
_FOLD = {**_NORMALISE, **{c: c + 32 for c in range(0x41, 0x5B)},
         **{c: c + 32 for c in range(0xC0, 0xDF) if c != 0xD7}}
_DIGIT = re.compile(r"[0-9]")
# --------------------------------------------------------------------------------------------
# Screening


def _span(match: re.Match[str]) -> tuple[int, int]:
    if "s" in match.re.groupindex and match.group("s") is not None:
        return match.span("s")
    return match.span()


def _occurrences(folded: str, trigger: str) -> list[int]:
    found, at = [], folded.find(trigger)
    while at != -1:
        found.append(at)
        at = folded.find(trigger, at + 1)
    return found


class Text:
    """A text prepared once for every detector: normalised, case-folded (one character for
    one, so spans fit the original), and where each trigger word occurs."""

    def __init__(self, raw: str) -> None:
        self.normal = raw.translate(_NORMALISE)
        self.folded = self.normal.translate(_FOLD)  # unlike str.lower(), the same length
        self.has_digit = _DIGIT.search(self.normal) is not None
        self.whole = [(0, len(self.normal))]
        self._seen: dict[str, list[int]] = {}

    def windows(self, triggers: tuple[str, ...]) -> list[tuple[int, int]]:
        """The stretches of text around each occurrence of a trigger, merged, in order."""
        length, spans = len(self.folded), []
        for trigger in triggers:
            if trigger not in self._seen:
                self._seen[trigger] = _occurrences(self.folded, trigger)
            spans.extend((max(0, at - _REACH_BEFORE), min(length, at + _REACH_AFTER))
                         for at in self._seen[trigger])
        if not spans:
            return spans
        spans.sort()
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def resolve(findings: list[Finding]) -> list[Finding]:
    """One finding per stretch of text and kind; overlapping identifiers keep the most
    specific kind (an MRN that looks like a phone number is an MRN)."""
    findings.sort(key=lambda f: (_IDENTIFIER_PRIORITY.get(f.kind, 9), f.span[0], -f.span[1]))
    kept: list[Finding] = []
    for item in findings:
        if any(
            _overlaps(item.span, other.span)
            and (other.kind == item.kind
                 or (item.category == IDENTIFIER and other.category == IDENTIFIER))
            for other in kept
        ):
            continue
        kept.append(item)
    kept.sort(key=lambda f: (f.span[0], f.span[1]))
    return kept


def finding(kind: str, span: tuple[int, int]) -> Finding:
    category, label = KINDS[kind]
    return Finding(kind=kind, category=category, label=label, span=span)


