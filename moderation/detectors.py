"""Screening detectors: what in a post's text holds it, escalates it or flags it.

Pure Python: no models, no database, no settings needed to screen. Labels are
``gettext_lazy`` strings and are only translated when something renders them.

    result = screen_text(body, links_allowed=not new_member)
    result.held_kinds          # identifiers and spam: the post waits for a moderator
    result.is_crisis           # crisis language: escalate, show the member crisis resources
    result.flag_kinds          # misinformation: published, and queued for a moderator's look
    result.identifier_labels   # plain words for telling the author what was found
    redact(body, result.findings)   # identifiers replaced by "[removed]"

Each detector is a regular expression compiled at import. Most carry trigger words, and run
only in the stretches of text around them, on a lower-cased copy of the text: in CPython a
case-insensitive pattern, or a scan of the whole text, costs several times more. Patterns are
written so that no input makes them backtrack without bound (bounded repeats, alternatives
that cannot match the same text, fixed-width lookbehinds). ``bench/bench_screening.py``
measures a 2,000-character post.

Crisis detection follows the spirit of public guidance on suicide-safe online communities
(Samaritans' online safety guidelines, the 988 Lifeline social-media toolkit): it looks for
first-person statements of intent, plans, means and hopelessness, and errs towards letting a
person see a moderator; idioms ("this headache is killing me"), other people's history and
awareness events are not crisis language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
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


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    findings: tuple[Finding, ...] = ()

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


_RULES: list[_Rule] = []


def _fold_pattern(pattern: str) -> str:
    """Lower-case a pattern's literals, leaving escapes (\\S, \\W, ...) and (?P<name>) alone."""
    return re.sub(r"\\.|\(\?P|[A-Z]",
                  lambda m: m.group() if len(m.group()) > 1 else m.group().lower(), pattern)


def _rule(kind: str, pattern: str, *, flags: int = re.IGNORECASE, **options) -> None:
    assert kind in KINDS, kind
    folded = bool(flags & re.IGNORECASE)
    if folded:
        pattern, flags = _fold_pattern(pattern), flags & ~re.IGNORECASE
    _RULES.append(_Rule(kind, re.compile(pattern, flags), folded, **options))


def _rules(kind: str, parts: list[tuple[tuple[str, ...], str]], **options) -> None:
    """Several rules of one kind, each run only when one of its own trigger words is present."""
    for triggers, pattern in parts:
        _rule(kind, pattern, triggers=triggers, **options)


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

# ---- identifiers ------------------------------------------------------------------------

_NUMBER_START = r"(?<![\w$/.,+-])"
_NUMBER_END = r"(?![0-9]|[./-][0-9])"
# Numbers that look like phones but are named as something else.
_NOT_A_PHONE_CONTEXT = re.compile(
    r"\b(?:lot|batch|serial|order|claim|invoice|tracking|confirmation|reference|ref|ndc|npi|"
    r"model|part|isbn|case|ticket|item|sku|rx|prescription|account|acct|member|policy|group|"
    r"mrn|record|id)\s*(?:number|no\.?|num|\#)?\s*[:#]?\s*(?:is\s+)?$",
    re.IGNORECASE,
)


def _digit_count(match: re.Match[str], low: int, high: int) -> bool:
    digits = sum(ch.isdigit() for ch in match.group("s"))
    return low <= digits <= high


def _phone_check(low: int, high: int) -> Callable[[re.Match[str]], bool]:
    def check(match: re.Match[str]) -> bool:
        before = match.string[max(0, match.start("s") - 32):match.start("s")]
        return _digit_count(match, low, high) and not _NOT_A_PHONE_CONTEXT.search(before)

    return check


# US / NANP: (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567, 1-800-555-0199.
_rule(
    "phone",
    _NUMBER_START
    + r"(?P<s>(?:\+?1[\s.-]?)?(?:\([2-9][0-9]{2}\)\s?|[2-9][0-9]{2}[\s.-]?)"
    r"[0-9]{3}[\s.-]?[0-9]{4})" + _NUMBER_END,
    needs_digit=True, check=_phone_check(10, 11),
)
# International with a country code: +44 20 7946 0958, +34 612 345 678, +447700900123.
_rule(
    "phone",
    r"(?<![\w+])(?P<s>\+[1-9][0-9]{0,2}[\s.-]?(?:\([0-9]{1,4}\)[\s.-]?)?[0-9]{1,12}"
    r"(?:[\s.-][0-9]{1,6}){0,5})" + _NUMBER_END,
    triggers=("+",), check=_phone_check(8, 15),
)
# National with a trunk zero: 020 7946 0958, 07700 900123, 0800 123 4567.
_rule(
    "phone",
    _NUMBER_START + r"(?P<s>0[1-9][0-9]{1,3}[\s-]?[0-9]{3,4}[\s-]?[0-9]{3,4})" + _NUMBER_END,
    needs_digit=True, check=_phone_check(10, 11),
)
# A seven-digit local number, only where it is offered as a number to call: "text me at 555-0142".
_rule(
    "phone",
    r"\b(?:call|text|phone|cell|mobile|tel|ring|reach|my\s+number|number\s+is)\b"
    r"[^0-9\n]{0,24}?" + _NUMBER_START + r"(?P<s>[2-9][0-9]{2}[\s.-][0-9]{4})" + _NUMBER_END,
    triggers=("call", "text", "phone", "cell", "mobile", "tel", "ring", "reach", "number"),
    needs_digit=True, check=_phone_check(7, 7),
)

_DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_rule(
    "phone",
    rf"\b(?P<s>(?:{_DIGIT_WORD}[\s,.-]+){{6,14}}{_DIGIT_WORD})\b",
    triggers=("five", "nine", "eight", "seven", "six", "four", "three", "zero"),
)

_rule(
    "email",
    r"(?<![\w.%+-])(?P<s>[a-z0-9][a-z0-9._%+-]{0,63}@[a-z0-9][a-z0-9-]{0,62}"
    r"(?:\.[a-z0-9-]{1,63}){0,6}\.[a-z]{2,24})\b",
    triggers=("@",),
)
# Spelled out to dodge filters: "maria.r at gmail dot com", "maria (at) gmail (dot) com".
_rule(
    "email",
    r"(?<![\w.+-])(?P<s>[a-z0-9][a-z0-9._+-]{1,63}\s*(?:"
    r"\s+at\s+[a-z0-9-]{2,63}\s+dot\s+"
    r"|\s*[(\[]\s*at\s*[)\]]\s*[a-z0-9-]{2,63}\s*(?:[(\[]\s*dot\s*[)\]]|\s+dot\s+|\.)\s*)"
    r"(?:com|net|org|edu|gov|co|io|us|uk|ca|de|es|mx|info|me))\b",
    triggers=(" dot ", "(at)", "[at]", "( at )", "[ at ]"),
)

_rule(
    "ssn",
    r"(?<![\w-])(?P<s>(?!000|666|9[0-9]{2})[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4})(?![\w-])",
    needs_digit=True,
)
_rule(
    "ssn",
    r"\b(?:ssn|ss\#|social\s+security(?:\s+(?:number|no\.?|num|\#))?|socials?)(?![a-z])"
    r"(?:[\s:#=]*(?:(?:is|was|number|no\.?|num)[\s:#=]*){0,2}|[^\n0-9]{0,80}?(?<![\w-]))"
    r"(?P<s>(?!000|666|9[0-9]{2})[0-9]{3}[\s.-]?(?!00)[0-9]{2}[\s.-]?(?!0000)[0-9]{4})(?![0-9])",
    triggers=("ss", "social"), needs_digit=True,
)

# A medical record number only where the text says it is one.
_rule(
    "mrn",
    r"\b(?i:mrn|m\.r\.n\.?|medical\s+record(?:\s+(?:number|no\.?|num|\#))?"
    r"|patient\s+(?:id|identifier|number|no\.?|num|\#)|record\s+(?:number|no\.?|num|\#)"
    r"|chart\s+(?:number|no\.?|num|\#)|hospital\s+(?:number|id|no\.?))(?![A-Za-z])"
    r"(?:\s+(?i:at|with|for|from)\s+[A-Z][\w'&.-]*(?:\s+[A-Z][\w'&.-]*){0,3})?"
    r"[\s:#=(),]*(?:(?i:is|was|reads|number|no\.?|num|mrn|it's|it\s+is)[\s:#=(),]*){0,3}"
    r"(?:(?i:wrong|listed|written|printed|shown|on\s+file)[\s:#=(),]*"
    r"(?:(?i:is|was|as|it's|it\s+is)[\s:#=(),]*){0,2})?"
    r"(?P<s>(?:[A-Z]{1,3}-?)?[0-9](?:[ -]?[0-9]){4,15})(?![0-9])",
    flags=0, triggers=("mrn", "m.r.n", "record", "patient", "chart", "hospital"),
    needs_digit=True,
)

_rule(
    "mrn",
    r"\b(?i:mrn|medical\s+record\s+(?:number|no\.?|num|\#)|patient\s+(?:id|identifier)\s+"
    r"(?:number|no\.?|\#)?|chart\s+(?:number|no\.?|\#)|hospital\s+(?:number|id))(?![A-Za-z])"
    r"[^0-9\n]{0,40}?"
    r"(?<![\w-])(?P<s>(?:[A-Z]{1,3}-?)?[0-9](?:[ -]?[0-9]){4,15})(?![0-9])",
    flags=0, triggers=("mrn", "record", "patient", "chart", "hospital"), needs_digit=True,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_YEAR = r"(?:19|20)[0-9]{2}"
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])"
_DATE = (
    rf"(?:{_DAY}[/.-]{_DAY}[/.-](?:{_YEAR}|[0-9]{{2}})"
    rf"|{_YEAR}-[01]?[0-9]-{_DAY}"
    rf"|{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?"
    rf"|(?:the\s+)?{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"
    rf"|{_DAY}/{_DAY})(?![0-9])"
)
# A date of birth only where the text says it is one.
_rule(
    "dob",
    r"\b(?:dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthday|b-?day|born)(?![a-z])"
    r"[\s:=,-]*(?:(?:is|was|on|of|listed\s+as|=)\s+){0,3}"
    rf"(?P<s>{_DATE})",
    triggers=("dob", "d.o.b", "birth", "day", "born"), needs_digit=True,
)

_STREET = (
    r"(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Way|Place|Terrace|Circle|Parkway"
    r"|Highway|Trail|Square|Crescent|Alley|Pike|Loop|Plaza|Gardens|Close|Mews|Grove|Rise|Heights"
    r"|Hollow|Ridge|Commons|Ave|Rd|Blvd|Ln|Ct|Pl|Ter|Cir"
    r"|Pkwy|Hwy|Trl|Sq|Cres|street|avenue|road|boulevard|blvd|ave|rd"
    # "St" and "Dr" are also Saint and Doctor: not when a name follows ("Dr Lee", "St Mary's").
    r"|(?:St|Dr)(?!\.?\s+(?!(?:I|It|It's|We|My|The|They|He|She|This|That|If|And|But|So"
    r"|Please|Thanks|Anyone|Come|Call|Text)\b)[A-Z][a-z]))"
)
_STREET_ANY_CASE = (
    r"(?:street|avenue|road|boulevard|lane|drive|court|way|place|terrace|circle|parkway"
    r"|highway|trail|crescent|st|ave|rd|blvd|ln|dr|ct|pl|ter|cir|pkwy|hwy)"
)
_UNIT = r"(?i:,?\s+(?:apt|apartment|unit|suite|ste|\#)\.?\s*\#?\s*[0-9][0-9a-z-]{0,5}\b)?"
_NOT_A_STREET_NAME = (
    r"(?:The|A|An|And|Or|Of|On|At|In|To|My|Our|Your|His|Her|Their|Down|Up|Across|Along"
    r"|Around|From|Off|Over|Past|Near|By|Miles?|Blocks?|Steps?|Times|Days?|Weeks?|Months?"
    r"|Years?|Hours?|Minutes?|Mins?|Am|Pm|AM|PM|A\.M|P\.M|Units?|Mg|MG|Pills?|Type|I|Is"
    r"|Was|Laps?|Kids?|Dr|Doctors?)\b"
)
_rule(
    "address",
    r"(?<![\w$/.,:#-])(?P<s>[0-9]{1,6}(?:-[0-9]{1,4})?[A-Za-z]?\s+"
    rf"(?:(?!{_NOT_A_STREET_NAME})(?:[A-Z][A-Za-z'.-]*|[0-9]{{1,3}}(?:st|nd|rd|th))\s+){{1,4}}"
    rf"{_STREET}(?![\w']){_UNIT}\.?)",
    flags=0, needs_digit=True,
)
# Lower-case, where the text offers it as where someone lives: "i live at 42 maple st".
_rule(
    "address",
    r"\b(?:live[sd]?|living|staying|address(?:\s+is)?|house\s+is|home\s+is|apartment\s+is"
    r"|located|meet\s+(?:me|us)|come\s+(?:by|over)|drop\s+(?:it\s+)?off|mail\s+(?:it\s+)?"
    r"|send\s+(?:it\s+)?)\s*(?:at|on|to|is|:)?\s*"
    r"(?P<s>[0-9]{1,6}[a-z]?\s+(?:(?!(?:the|a|an|of|and|miles?|blocks?|minutes?|hours?|days?"
    r"|weeks?|times|from|away)\b)[a-z0-9][a-z'.-]*\s+){1,4}?"
    rf"{_STREET_ANY_CASE}(?![\w']){_UNIT}\.?)",
    triggers=("liv", "staying", "address", "house", "home", "apartment", "located", "meet", "come",
              "drop", "mail", "send"),
    needs_digit=True,
)
_rule(
    "address",
    r"\b(?P<s>(?:p\.?\s?o\.?\s+box|post\s+office\s+box)\s+[0-9]{1,6})\b",
    triggers=("box",), needs_digit=True,
)

# ---- crisis -----------------------------------------------------------------------------

_I = r"\bI"
_IM = r"\b(?:I'm|Im|I\s+am)"
_INTENT = (
    r"(?:want(?:ed|ing)?\s+to|wanna|going\s+to|gonna|plan(?:ning)?\s+(?:to|on)|about\s+to"
    r"|ready\s+to|(?:thinking|thought|think)\s+(?:about|of)|tempted\s+to|urges?\s+to"
    r"|need\s+to|decided\s+to|(?:could|might|should|will|'ll)\s+just|just\s+want\s+to"
    r"|try(?:ing)?\s+to|(?:can't|cannot)\s+stop\s+thinking\s+about)"
)
_WISH = (
    r"(?:want(?:ed|ing)?\s+to|wanna|(?:thinking|thought|think)\s+(?:about|of)|tempted\s+to"
    r"|urges?\s+to|plan(?:ning)?\s+(?:to|on)|ready\s+to|decided\s+to)"
)
# "I would never kill myself", "I'm not going to hurt myself".
_NEVER = re.compile(
    r"(?:\bnever|\bnot\s+(?:going\s+to|gonna)|won't|wouldn't|would\s+not|will\s+not)"
    r"\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)

_END_NOT_SUICIDE = (
    r"(?!\s+(?:with|here|there|now\s+(?:with|before)|on\s+a|by|for\s+today|at\s+that|off))"
)
_rules("suicidal_intent", [
    (("my life", "my own life"), r"\b(?:end|ending|take|taking)\s+my\s+(?:own\s+)?life\b"),
    (("it all",), r"\bend(?:ing)?\s+it\s+all\b"),
    (("end it", "ending it", "end things", "ending things", "end everything", "ending everything"),
     rf"{_INTENT}\s+end(?:ing)?\s+(?:it|everything|things)\b{_END_NOT_SUICIDE}"),
    (("end it", "end things", "end everything", "end my life"),
     r"\bI\s+(?:finally\s+|just\s+|will\s+|'ll\s+|can\s+|could\s+)?end\s+(?:it\s+all|things"
     rf"|everything|it|my\s+life)\b{_END_NOT_SUICIDE}"),
    (("myself",),
     r"\b(?:kill|killing|unalive|hang|hanging|shoot|shooting|drown|drowning)\s+myself\b"
     r"(?!\s+(?:trying|to\s+(?:get|make|keep|finish|lose|stay|meet|hit|pay)|at\s+(?:the\s+)?"
     r"(?:gym|work|office)|working|laughing|over\s+(?:this|it|work)|for\s+(?:this|a|nothing|work)"
     r"|in\s+the\s+foot|in\s+(?:work|coffee|paperwork)|slowly\s+with|with\s+(?:all\s+(?:this|the)"
     r"\s+)?(?:sugar|food|junk|soda|pop|stress|work|cigarettes|smoking|carbs|candy|fast\s+food"
     r"|takeout|drinking|alcohol|booze|worry|overtime|this\s+diet)))"),
    (("suicide", "myself", "ending", "my life", "my own life"),
     r"\b(?:think|thinking|thought|thoughts|considering|contemplating|planning|plan|planned)"
     r"\s+(?:about\s+|of\s+|on\s+)?(?:suicide|killing\s+myself|ending\s+(?:it(?:\s+all)?|my\s+life"
     r"|things|everything)|taking\s+my\s+(?:own\s+)?life)\b"
     r"(?!\s+(?:prevention|awareness|rates?|statistics|hotline|lifeline|research|training|walk))"),
    (("suicide",),
     r"\b(?:I|I'm|I\s+am|me)\s+(?:(?!not\b|never\b)\w+\s+){0,3}?(?:commit(?:ting)?|attempt(?:ing)?)"
     r"\s+suicide\b|\b(?:my|a)\s+suicide\s+(?:note|letter|plan)\b"),
    (("goodbye", "farewell", "suicide"),
     r"\b(?:wrote|writing|written|write)\s+(?:my\s+|a\s+)?(?:goodbye|farewell|suicide)\s+"
     r"(?:letters?|notes?)\b"),
    # Passive wishes: "if I didn't wake up tomorrow that would be fine".
    (("if i ",),
     r"\bif\s+I\s+(?:just\s+|never\s+|simply\s+)?(?:died|die|didn't\s+wake\s+up|don't\s+wake\s+up"
     r"|did\s+not\s+wake\s+up|do\s+not\s+wake\s+up|never\s+woke\s+up|wasn't\s+(?:here|around"
     r"|alive)|weren't\s+(?:here|around|alive)|was\s+gone|were\s+gone|disappeared|got\s+hit\s+by"
     r"\s+a\s+(?:car|bus|truck))\b[^.!?\n]{0,40}?\b(?:fine|okay|ok|alright|relief|blessing|better"
     r"|easier|good\s+thing|mind|care|happy|glad)\b"),
    (("mind if", "care if"),
     r"\b(?:wouldn't|would\s+not|don't|do\s+not|honestly\s+wouldn't)\s+(?:even\s+)?(?:mind|care)"
     r"\s+if\s+I\s+(?:died|didn't\s+wake\s+up|never\s+woke\s+up|don't\s+wake\s+up|was\s+gone"
     r"|wasn't\s+here|got\s+hit|disappeared|just\s+(?:died|disappeared|didn't\s+wake\s+up))"),
    (("nobody", "no one", "no-one", "noone", "anyone"),
     r"\b(?:nobody|no\s+one|no-one|noone|(?:not\s+)?anyone)\s+would\s+(?:even\s+|really\s+"
     r"|ever\s+)?(?:notice|care|miss\s+me|be\s+sad)\s+if\s+I\s+(?:was|were|died|disappeared"
     r"|wasn't|weren't|killed|ended|left\s+for\s+good|just\s+(?:died|disappeared|vanished)"
     r"|wasn't\s+here)"
     r"|\b(?:nobody|no\s+one|no-one)\s+(?:\w+\s+)?cares?\s+(?:if|whether)\s+I\s+(?:live|die"
     r"|'m\s+alive|am\s+alive|exist)"),
    (("better off",),
     r"\bbetter\s+off\s+without\s+me\b"
     r"|\b(?:I'd|I\s+would|I'm|I\s+am|I)\s+(?:be\s+)?better\s+off\s+dead\b"
     r"|\bbetter\s+off\s+(?:if|when)\s+I(?:'m|\s+am)?\s+(?:just\s+|simply\s+)?(?:was|were|wasn't"
     r"|weren't|died|disappeared|gone|dead|not\s+(?:here|around))\b"),
    (("without me",),
     r"\b(?:world|everyone|everybody|family|kids|they|it|things)\s+(?:[\w']+\s+){0,3}?(?:better"
     r"|happier|easier)\s+(?:place\s+|off\s+)?without\s+me\b"),
    (("would be",),
     r"\b(?:everyone|everybody|they|my\s+\w+)\s+would\s+be\s+(?:happier|better|fine)\s+"
     r"(?:if\s+I\s+(?:was|were|died|wasn't|weren't)|when\s+I'm\s+gone|once\s+I'm\s+gone)\b"),
    (("disappear",),
     r"\bwant\s+to\s+disappear(?:\s+(?:forever|for\s+good|permanently)|(?=\s*(?:[.!\n]|$)))"),
    (("to end", "be over"), r"\bwant\s+(?:it\s+all|everything)\s+to\s+(?:end|be\s+over)\b"),
    (("reason", "point"),
     r"\b(?:no|nothing|not\s+(?:any|a\s+single))\s+(?:\w+\s+)?(?:reason|point)\s+(?:to|in|of)\s+"
     r"(?:live|living|go\s+on|going\s+on|being\s+alive|staying\s+alive|carry(?:ing)?\s+on"
     r"|keep\s+(?:living|going))\b"
     r"|\bwhat's\s+the\s+point\s+(?:of|in)\s+(?:living|going\s+on|being\s+alive|being\s+here"
     r"|staying\s+alive|carrying\s+on)\b"),
    (("live for", "will to live"),
     r"\bnothing\s+(?:left\s+)?to\s+live\s+for\b"
     r"|\b(?:lost|losing|lose|no)\s+(?:the\s+|my\s+|all\s+)?will\s+to\s+live\b"),
    (("go on", "keep going"),
     rf"{_I}\s+(?:just\s+)?(?:can't|cannot|can\s+not|cant)\s+(?:go\s+on|keep\s+going)\s+"
     r"(?:living|(?:anymore|any\s+more|any\s+longer)(?:\s+like\s+this)?)"),
    (("of living", "of being alive", "of existing"),
     r"\b(?:tired|sick|exhausted)\s+of\s+(?:living|being\s+alive|existing)\b(?!\s+with)"),
    (("worth living", "worth it"),
     r"\blife\s+(?:is\s+not|isn't|is\s+no\s+longer|ain't|not)\s+worth\s+(?:living|it\s+anymore)\b"
     r"(?!\s+without\s+(?:cheese|coffee|bread|chocolate|carbs|pizza|sugar|wine|beer|bacon"
     r"|dessert|pasta|ice\s+cream))"
     r"|\bnot\s+worth\s+living\b"),
    (("read this", "reads this"),
     r"\bby\s+the\s+time\s+(?:you|anyone|someone)\s+reads?\s+this,?\s+I(?:'ll|\s+will)\s+"
     r"(?:be\s+(?:gone|dead|no\s+longer\s+here)|not\s+be\s+(?:here|alive))"),
    (("ways to", "how to", "way to", "way of", "ways of", "method"),
     r"\b(?:looking\s+up|researching|googling|searching\s+for|reading\s+about)\s+(?:\w+\s+){0,2}?"
     r"(?:ways|how)\s+to\s+(?:die|kill\s+myself|end\s+(?:it|my\s+life)|overdose|od)\b"
     # Method seeking: "the easiest way to die", "a painless way to end it".
     r"|\b(?:easiest|easy|painless|quickest|quick|fastest|quietest|surest|least\s+painful)\s+"
     r"(?:way|method|ways|methods)\s+(?:to|of)\s+(?:die|dying|kill\s+myself|killing\s+myself"
     r"|end\s+(?:it|my\s+life|things)|ending\s+(?:it|my\s+life|things)|commit\s+suicide"
     r"|suicide)\b(?!\s+(?:well|peacefully|at\s+home|with\s+dignity|is\s+to\s+ignore))"),
    (("way out",),
     r"\b(?:no|any|only|other)\s+way\s+out\b[^.!?\n]{0,30}?\b(?:ending\s+it|end\s+it|death"
     r"|dying|suicide|to\s+die|killing\s+myself)\b"),
    (("deserve to",), r"\bI\s+(?:\w+\s+)?deserve\s+to\s+(?:die|be\s+dead)\b"),
    (("wake", "open my eyes"),
     r"\b(?:I|want\s+to|wanna|wish\s+I\s+could|could\s+just|hope\s+I|pray\s+I)\s+(?:\w+\s+){0,2}?"
     r"(?:sleep|go\s+to\s+sleep|fall\s+asleep|close\s+my\s+eyes)\s+(?:forever\s+)?and\s+"
     r"(?:never|not)\s+(?:wake|open)"),
    (("edge of",),
     r"\bedge\s+of\s+(?:the|a)\s+(?:platform|roof|bridge|cliff|building|balcony)\b[^.!?\n]{0,60}?"
     r"\b(?:step|stepping|jump|jumping|fall|falling|lean|leaning)\b"),
    (("away my", "away all"),
     r"\bgiv(?:ing|en|e)\s+away\s+(?:all\s+)?(?:of\s+)?my\s+(?:things|stuff|belongings"
     r"|possessions)\b[^.!?\n]{0,80}?\b(?:letters|goodbye|won't\s+need|not\s+going\s+to\s+need)"),
    (("after tonight", "after today", "after this"),
     r"\bdon't\s+worry\s+about\s+me\s+after\s+(?:tonight|today|this)\b"),
    (("garage",),
     r"\b(?:engine|car)\s+running\s+in\s+(?:the|a)\s+(?:closed\s+)?garage|\bgarage\s+with\s+the"
     r"\s+(?:engine|car)\s+running"),
    (("driv", "crash", "steer", "wreck"),
     rf"\b{_INTENT}\s+(?:driving|drive|crash|crashing|steer|steering)\s+"
     r"(?:my\s+car\s+|the\s+car\s+)?"
     r"(?:into|off)\s+(?:a\s+|the\s+)?(?:wall|tree|bridge|cliff|oncoming\s+traffic|road|overpass"
     rf"|river|lake)\b|\b{_WISH}\s+(?:crash|crashing|wreck|wrecking)\s+my\s+car\b"),
    (("takes me",), r"\b(?:hope|pray|wish)\s+(?:the\s+\w+|it|god|death|this)\s+takes\s+me\b"),
    (("ctb", "sewer", "sleep forever"),
     rf"\b{_INTENT}\s+(?:ctb|sewer\s*slide)\b|\bsleep\s+forever\b"),
    (("wrist", "throat"),
     r"\b(?:slit|slash|slice|slitting|slashing)\s+my\s+(?:wrists?|throat)\b"
     r"|\b(?:cut|cutting)\s+my\s+wrists\b"),
    (("jump", "front of"),
     r"\bjump(?:ing)?\s+(?:off|from)\s+(?:a|the|my)\s+(?:\w+\s+)?(?:bridge|building|roof|balcony"
     r"|cliff|overpass)"
     r"|\b(?:step|walk|throw\s+myself|jump)\s+in\s+front\s+of\s+(?:a|the)\s+(?:train|bus|truck"
     r"|car)"),
], not_after=_NEVER)
_rule(
    "suicidal_intent",
    r"\b(?:wan(?:t\s+to|na)|gonna|going\s+to|about\s+to|ready\s+to|gotta|i|i'?ll|i\s+will"
    r"|i\s+(?:might|could|should)|just|literally)\s+kms\b",
    triggers=("kms",),
)
_rule(
    "suicidal_intent",
    # "I'm suicidal", "I've been feeling really suicidal", "Feeling suicidal tonight."
    rf"(?:{_IM}|{_I}(?:'ve|\s+have)?\s+been|{_I}\s+(?:feel|felt|get|keep\s+(?:feeling|getting))"
    r"|(?:^|[.!?]\s*)(?:been\s+|so\s+|really\s+)?feeling)"
    r"\s+(?:(?!not\b|never\b)\w+\s+){0,2}?suicidal\b"
    r"(?!\s+(?:thoughts?\s+)?(?:before|years|in\s+the\s+past))",
    flags=re.IGNORECASE | re.MULTILINE, triggers=("suicidal",), not_after=_NEVER,
)
_rule(
    "suicidal_intent",
    rf"{_I}(?:'ve|\s+have)?\s+(?:been\s+)?(?:having|have|get|getting|keep\s+having"
    r"|struggl\w+\s+with|dealing\s+with|fighting)\s+(?:\w+\s+){0,2}?"
    r"(?:suicidal\s+(?:thoughts|ideation|feelings|urges)|thoughts\s+of\s+(?:suicide|killing\s+"
    r"myself|ending\s+(?:it|my\s+life)|dying)|urges\s+to\s+(?:die|end\s+it))"
    r"|\bmy\s+suicidal\s+(?:thoughts|ideation|feelings|urges)\s+(?:are|is|have)\s+(?:\w+\s+)?"
    r"(?:back|worse|returning|coming\s+back|bad|strong|loud)",
    triggers=("suicid", "thoughts of", "urges"),
)
_rules("suicidal_intent", [
    (("die", "dead", "exist"),
     rf"{_I}\s+(?:just\s+|really\s+|honestly\s+|kinda\s+|kind\s+of\s+|sometimes\s+|still\s+)*"
     r"(?:want|wanna|wish|need)\s+(?:to\s+)?(?:die|be\s+dead|not\s+exist|stop\s+existing)\b"
     r"(?!\s+(?:of|from)\s+(?:embarrassment|shame|laughing|laughter|boredom))"
     r"|\bwish\s+I\s+(?:was|were)\s+dead\b"),
    (("wish i",),
     r"\bwish\s+I\s+(?:could\s+)?(?:just\s+)?(?:die|disappear\s+forever|not\s+wake\s+up"
     r"|never\s+wake\s+up|fall\s+asleep\s+and\s+(?:never|not)\s+wake\s+up)"
     r"|\bwish\s+I\s+(?:had\s+|'d\s+)?never\s+(?:been\s+born|woken\s+up)"),
    (("wake up",),
     r"\b(?:hope|pray|praying|hoping)\s+I\s+(?:don't|do\s+not|never|won't)\s+wake\s+up"),
    (("want to", "wanna"),
     rf"{_I}\s+(?:just\s+|really\s+|honestly\s+|truly\s+)?(?:don't|do\s+not|dont)\s+"
     r"(?:want|wanna)\s+(?:to\s+)?(?:be\s+alive|exist|be\s+on\s+this\s+earth"
     r"|(?:live|be\s+here|go\s+on|keep\s+(?:living|going)|wake\s+up)"
     r"(?:\s+(?:anymore|any\s+more|any\s+longer|ever\s+again|again)|(?=\s*(?:[.!\n]|$))))"),
])
# Spanish: "quiero morir", "quitarme la vida", "ya no quiero vivir", "me voy a matar".
_rule(
    "suicidal_intent",
    r"\b(?:quiero|quisiera|me\s+quiero|voy\s+a|pienso|pensando\s+en|ganas\s+de)\s+"
    r"(?:morir(?:me)?|matarme|suicidarme|quitarme\s+la\s+vida|acabar\s+con\s+mi\s+vida"
    r"|desaparecer\s+para\s+siempre)\b"
    r"|\bquitarme\s+la\s+vida\b|\bsuicidarme\b|\bme\s+voy\s+a\s+matar\b"
    r"|\bquiero\s+desaparecer\s+(?:para\s+siempre|y\s+no\s+volver)"
    r"|\bno\s+quiero\s+(?:vivir|seguir\s+viviendo|estar\s+viv[oa])\b"
    r"|\bno\s+(?:tengo|hay)\s+(?:ninguna\s+)?raz[oó]n\s+para\s+vivir\b"
    r"|\bmejor\s+(?:estar[ií]an|est[aá]n)\s+sin\s+m[ií]\b|\bno\s+vale\s+la\s+pena\s+vivir\b"
    r"|\bno\s+(?:le\s+)?(?:veo|encuentro|tiene)\s+(?:ning[uú]n\s+)?sentido\s+(?:a\s+|de\s+)?"
    r"(?:vivir|la\s+vida|seguir(?:\s+viviendo)?)\b",
    triggers=("morir", "matar", "suicid", "vida", "vivir", "desaparecer", "sin m", "sentido"),
    not_after=re.compile(r"\bno\s+$", re.IGNORECASE),
)

_rule(
    "self_harm",
    r"\b(?:cutting|cut|burning|burn|hurting|hurt|harming|harm|hitting|hit|punishing|punish"
    r"|scratching|scratch)\s+myself\s+(?:on\s+purpose|again|deliberately|to\s+(?:feel|cope|punish"
    r"|numb|calm)|when\s+I\s+(?:feel|get|am|'m)\s+(?:so\s+|really\s+)?(?:numb|sad|anxious|angry"
    r"|overwhelmed|upset|stressed|empty|bad|low|down|worthless))\b"
    r"|\b(?:cutting|cut)\s+myself\b(?!\s+(?:shaving|while|on\s+(?:a|an|the|some|my)\b|by\s+accident"
    r"|accidentally|slicing|chopping|in\s+the\s+kitchen|with\s+(?:a|the|my)\s+(?:kitchen|mandoline"
    r"|lancet)|opening|on\s+paper|making|too\s+deep))",
    triggers=("myself",), not_after=re.compile(
        r"(?:\baccident(?:al)?ly|\bnever|\bnot\s+(?:going\s+to|gonna|to)|won't|wouldn't|don't"
        r"|didn't"
        r"|doesn't|\bcareful)\s+(?:\w+\s+)?$",
        re.IGNORECASE),
)
_rule(
    "self_harm",
    r"\b(?:want(?:ed|ing)?|going|gonna|urges?|need|needing|feel\s+like|thinking\s+(?:about|of)"
    r"|thought\s+about|tempted|trying\s+not|(?:keep|kept|been|started|start)(?=\s+(?:hurting"
    r"|harming|burning|hitting|punishing|scratching)))\s+(?:to\s+)?"
    r"(?:hurt|hurting|harm|harming|burn|burning|hit|hitting|punish|punishing|scratch|scratching"
    r"|cut|cutting)\s+myself\b"
    r"(?!\s+(?:by|while|falling|on\s+(?:the|a|my)|at\s+(?:the|work)|lifting|during|in\s+the\s+"
    r"(?:kitchen|garden|gym|yard|shower|bathroom|process)|because|if\s+I\s+(?:fall|trip)|shaving"
    r"|cooking))",
    triggers=("myself",), not_after=_NEVER,
)
_rules("self_harm", [
    (("self harm", "self-harm", "selfharm"),
     rf"{_I}(?:'ve|\s+have)?\s+(?:been\s+|still\s+|sometimes\s+|started\s+|keep\s+|want\s+to\s+"
     r"|need\s+to\s+|relapsed\s+and\s+|am\s+|'m\s+)?self[\s-]?harm(?:ed|ing)?\b"
     r"|\bself[\s-]?harm(?:ing)?\s+again\b"
     r"|\bI\s+know\s+(?:it's|it\s+is|that's|this\s+is)\s+(?:\w+\s+)?self[\s-]?harm"),
    (("urge",),
     r"\burges?\s+to\s+(?:self[\s-]?harm|cut(?:\s+(?:again|myself)\b|(?=\s*(?:[.!,;\n]|$|\s+(?:is"
     r"|are|was|were|has|have|keeps?|won't|tonight|today)\b))))"),
    (("relaps",),
     r"\brelaps\w*\b[^\n]{0,60}?\b(?:self[\s-]?harm\w*|cutting)\b"
     r"|\b(?:self[\s-]?harm\w*|cutting)\b[^\n]{0,60}?\brelaps\w*"),
    (("cutting again", "cut again", "cut myself"),
     r"\b(?:started|start|been|keep|kept|began)\s+cutting\s+again\b"
     r"|\b(?:want|wanting|need|needing|itching)\s+to\s+cut\s+(?:again|myself)\b"),
    (("only thing", "only way", "cope"),
     r"\b(?:cutting|self[\s-]?harm(?:ing)?|burning\s+myself|hurting\s+myself)\s+(?:is\s+)?"
     r"(?:the\s+only\s+(?:thing|way)|helps\s+me\s+cope|is\s+how\s+I\s+cope)"
     r"|\bonly\s+(?:thing|way)\s+(?:that\s+)?(?:helps|works|I\s+can\s+cope)\s+is\s+(?:cutting"
     r"|burning\s+myself|hurting\s+myself|self[\s-]?harm)"),
    (("my arm", "my wrist", "my leg", "my thigh", "my skin", "my stomach"),
     r"\b(?:burn(?:ed|t|ing)?|cut|cutting|carv(?:ed|ing)|scratch(?:ed|ing)?)\s+my\s+(?:arms?"
     r"|wrists?|legs?|thighs?|skin|stomach)\s+(?:[\w']+\s+){0,3}?(?:on\s+purpose|with\s+(?:a\s+)?"
     r"(?:cigarette|lighter|razor|blade))"
     r"|\b(?:cut|cutting|carv(?:ed|ing))\s+(?:into\s+)?my\s+(?:arms?|wrists?|thighs?)\s+again\b"
     r"|\b(?:started|start|been|keep|kept|began)\s+(?:cutting|burning|carving)\s+(?:into\s+)?my\s+"
     r"(?:arms?|wrists?|thighs?|legs?|stomach|skin)\b(?!\s+(?:shaving|on|while))"),
    (("until", "till", "til "),
     r"\b(?:punch|punching|hit|hitting|bang|banging)\s+(?:walls?|myself|my\s+head)\b"
     r"[^.!?\n]{0,30}?\b(?:until|till|til)\s+(?:I|my\s+\w+|they|it)\s+(?:bleeds?|bled|bruise)"),
    (("blade",),
     r"\b(?:keep|kept|hide|hid|hiding|carry|carrying|bought|stash|stashed)\s+(?:a\s+|some\s+"
     r"|my\s+)?(?:razor\s*blades?|blades)\b"
     r"|\b(?:razor\s*blades?|blades)\s+(?:\w+\s+){0,4}?for\s+(?:the\s+)?(?:bad|hard|dark|rough)\s+"
     r"(?:days|nights|times|moments)"),
], not_after=_NEVER)
_rule(
    "self_harm",
    r"\b(?:quiero|voy\s+a|ganas\s+de|necesito)\s+(?:cortarme|lastimarme|hacerme\s+da[ñn]o)\b"
    r"|\bme\s+(?:he\s+estado|estoy|sigo)\s+cortando\b|\bme\s+corto\s+(?:los|las|otra\s+vez)\b",
    triggers=("cort", "lastim", "hacerme"),
)

_PILLS = (
    r"(?:pills|meds|medications?|medicines?|tablets|insulin|sleeping\s+pills|painkillers"
    r"|pain\s+pills|opioids|oxy\w*|percocets?|xanax|klonopin|ambien|tylenol|antidepressants"
    r"|prescriptions?|sleeping\s+tablets|pain\s+meds|heart\s+pills|blood\s+pressure\s+pills)"
)
_rule(
    "overdose_intent",
    rf"\b{_INTENT}\s+(?:just\s+)?(?:take|taking|swallow|swallowing|down|inject|injecting|shoot"
    rf"|shooting)\s+(?:(?:all|every\s+(?:one|last\s+one)|the\s+rest)\s+(?:of\s+)?(?:my|the|these"
    rf"|those)\s+(?:\w+\s+)?{_PILLS}|every\s+(?:single\s+)?(?:pill|tablet|med)s?)\b"
    r"(?!\s+(?:with|in\s+the\s+(?:morning|evening)|at\s+(?:breakfast|lunch|dinner|night|bedtime)"
    r"|to\s+(?:the|my|a|your|every)|for\s+(?:a|the|my)|before|after|on\s+time"
    r"|every|each|together\s+in|from\s+now|as\s+prescribed|like))"
    r"|\b(?:take|swallow)\s+(?:all|every\s+one)\s+(?:of\s+)?my\s+(?:\w+\s+)?"
    rf"{_PILLS}\s+(?:tonight|at\s+once\s+and|and\s+(?:end|be\s+done|never|not\s+wake"
    r"|go\s+to\s+sleep"
    r"|die))",
    triggers=("all", "every", "rest"), not_after=_NEVER,
)
_rule(
    "overdose_intent",
    r"\b(?:saving|saved|save|stockpil\w*|hoard\w*|collect\w*|stash\w*)\s+(?:up\s+)?(?:all\s+)?"
    rf"(?:of\s+)?(?:my\s+)?(?:\w+\s+)?{_PILLS}\s+(?:\w+\s+){{0,3}}?(?:to|so\s+I\s+can|for\s+when"
    r"\s+I|until\s+I)\s+(?:\w+\s+){0,2}?(?:overdose|od|end\s+it|end\s+(?:my\s+life|things)|die"
    r"|kill\s+myself|take\s+them\s+all|take\s+all\s+of\s+them|not\s+wake\s+up|have\s+enough)"
    rf"|\bsaving\s+up\s+(?:all\s+)?(?:of\s+)?my\s+(?:\w+\s+)?{_PILLS}\b"
    r"(?!\s+for\s+(?:the|my|a|our|travel|trips?|vacation)\b)"
    rf"|\b{_PILLS}\s+(?:\w+\s+){{0,2}}?(?:saved|stashed|stockpiled|hoarded)(?:\s+up)?"
    r"(?=\s*(?:[.!\n]|$|,?\s+(?:and|tonight|ready)))"
    rf"|\b(?:overdosed|od'?d|took\s+(?:\w+\s+){{0,4}}?{_PILLS})\s+(?:\w+\s+){{0,2}}?on\s+purpose\b",
    triggers=("sav", "stockpil", "hoard", "collect", "stash", "purpose"),
)
_rules("overdose_intent", [
    (("overdos", " od", "o.d"),
     rf"\b(?:{_I}\s+|{_INTENT}\s+)(?:(?:just|really|might|could|will|'ll|should)\s+)?"
     r"(?:overdose|overdosing|OD|O\.D\.)(?![\w']|\.\w)"
     r"(?!\s+(?:warning|risk|symptom|by\s+accident|accidentally|reversal))"),
    (("overdose", " od", "lethal", "fatal"),
     rf"\b{_INTENT}\s+(?:take|taking)\s+(?:an?\s+)?(?:overdose|OD|lethal\s+dose|fatal\s+dose)\b"),
    (("how many", "how much"),
     r"\bhow\s+(?:many|much)\s+(?:of\s+)?(?:my\s+|the\s+|these\s+|those\s+)?(?:[\w']+\s+){0,2}?"
     rf"(?:{_PILLS}|units|doses|mg|grams|advil|ibuprofen|aspirin|acetaminophen|paracetamol"
     r"|benadryl|of\s+them)\b[^.?!\n]{0,40}?\b(?:to|would|will|could|does|is)\s+(?:it\s+)?"
     r"(?:take\s+to\s+)?(?:kill\s+(?:me|myself|someone|a\s+person|an\s+adult)|die|not\s+wake\s+up"
     r"|never\s+wake\s+up|end\s+(?:it|my\s+life)|be\s+(?:lethal|fatal|deadly)|overdose|OD)\b"),
    (("bottle of", "handful of", "stash of", "supply of", "box of", "pile of"),
     rf"\b(?:bottle|handful|stash|supply|box|pile)\s+of\s+(?:\S+\s+){{0,3}}?{_PILLS}\b"
     r"[^.!?\n]{0,60}?\b(?:(?:keep|kept|been|am|I'm|sit|sat|sitting)\s+(?:\w+\s+)?(?:looking"
     r"|staring)\s+at\s+(?:it|them|the\s+(?:bottle|pills)|those|that\s+bottle)\b|calling\s+"
     r"(?:to\s+)?me|tempting\s+me|lined\s+up)"),
    (("enough",),
     r"\benough\s+to\s+(?:kill\s+(?:me|myself)|end\s+(?:it|my\s+life)|not\s+wake\s+up)\b"
     rf"|\benough\s+(?:of\s+)?(?:my\s+|the\s+)?(?:\w+\s+)?{_PILLS}\s+to\s+(?:finish\s+(?:it"
     r"|myself|me\s+off)|do\s+it|end\s+(?:it|things|my\s+life)|kill\s+(?:me|myself)"
     r"|not\s+wake\s+up|die)\b"),
    (("skip", "not taking"),
     rf"\b(?:skipping|skip|not\s+taking)\s+(?:my\s+)?(?:\w+\s+)?{_PILLS}\s+(?:[\w']+\s+){{0,2}}?"
     r"to\s+(?:save|stockpile|stash|hoard|collect)\s+(?:them|it)\b"),
    (("took", "swallowed", "taken", "downed", "injected"),
     r"\b(?:took|swallowed|taken|downed|injected)\s+(?:\w+\s+){0,2}?(?:[1-9][0-9]+|twenty"
     r"|thirty|forty|fifty|a\s+(?:bunch|handful)|too\s+many|the\s+whole\s+(?:bottle|box|pack))\s+"
     rf"(?:of\s+)?(?:my\s+|the\s+|his\s+|her\s+)?(?:\w+\s+)?{_PILLS}\b[^.!?\n]{{0,40}}?\b(?:ago"
     r"|on\s+purpose|to\s+(?:die|end\s+it|sleep\s+forever)|just\s+now)\b"),
    (("lethal", "fatal", "deadly"),
     r"\b(?:what|how\s+much)(?:'s|\s+is|\s+would\s+be)\s+(?:a|the)\s+(?:lethal|fatal|deadly)\s+"
     r"(?:dose|amount)"),
    (("whole", "entire"),
     r"\b(?:take|swallow|taking|swallowing)\s+(?:the|a|this|that)\s+(?:whole|entire)\s+"
     r"(?:bottle|pack|packet|box|month's\s+supply)\b"
     r"(?!\s+(?:of\s+)?(?:water|juice|wine|soda|pop|beer|vodka|whiskey|ketchup|cookies|chips"
     r"|candy|gum|with\s+(?:me|us)|to\s+(?:the|my|work)))"),
], not_after=_NEVER)
_rule(
    "overdose_intent",
    r"\b(?:tomarme|tomar|tragarme|tragar)\s+todas\s+(?:mis|las)\s+(?:pastillas|p[ií]ldoras"
    r"|medicinas|medicamentos)\b"
    r"|\b(?:quiero|voy\s+a|pienso)\s+(?:tomar\s+una\s+)?sobredosis\b"
    r"|\b(?:tomarme|tomar|tragarme|tragar)\s+todo\s+el\s+(?:frasco|bote|paquete)\b",
    triggers=("todas", "sobredosis", "todo el"),
)

# ---- spam -------------------------------------------------------------------------------

_LINK = re.compile(  # run on the folded text
    r"\bhttps?://[^\s<>\"')\]]+"
    r"|\bwww\.[^\s<>\"')\]]+"
    r"|(?<![@\w.-])[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,4}"
    r"\.(?:com|net|org|gov|edu|io|co|info|biz|xyz|ru|cn|shop|store|online|site|top|club|app|ly"
    r"|health"
    r"|link|click|live|pro|vip|us|uk|ca|me)\b(?!@|\.[a-z0-9])(?:/[^\s<>\"')\]]*)?",
)
_LINK_TRIGGERS = ("http", "www.", ".")

_NEGATED = re.compile(
    r"(?:\b(?:no|not|never|nothing|isn't|aren't|there's\s+no|there\s+is\s+no|no\s+such\s+thing"
    r"\s+as)|n't)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_rules("spam_phrase", [
    (("now",), r"\b(?:buy|order)\s+now\b|\bact\s+now\b"),
    (("here",), r"\b(?:buy|order|shop)\s+(?:it\s+)?here\b(?!\s+in\b)"),
    (("yours",), r"\bget\s+yours\s+(?:now|here|today)\b"),
    (("link",),
     r"\b(?:use|click|through)\s+my\s+(?:referral\s+|affiliate\s+)?link\b"
     r"|\b(?:referral|affiliate)\s+link\b|\blink\s+in\s+(?:my\s+)?bio\b"),
    (("click",), r"\bclick\s+(?:here|the\s+link|this\s+link|below|my\s+link)\b"),
    (("team", "boss", "commission", "residual"),
     r"\bjoin\s+my\s+team\b|\bbe\s+your\s+own\s+boss\b"
     r"|\b(?:earn|make|making|earning)\s+(?:residual\s+income|commissions?)\b"),
    (("limited", "offer ends"),
     r"\blimited[\s-]+(?:time\s+)?(?:offer|deal)\b|\boffer\s+ends\s+(?:today|soon|tonight)\b"),
    (("guarantee",),
     r"\b100\s*%\s*guaranteed\b|\bguaranteed\s+(?:results|to\s+work|weight\s+loss|income|returns"
     r"|profits?)\b|\bmoney[\s-]+back\s+guarantee\b"),
    (("home",),
     r"\bwork[\s-]+from[\s-]+home\s+(?:and\s+)?(?:earn|make|opportunit\w+|jobs?|business|income"
     r"|\$)|\b(?:earn|make|making)\s+(?:\$?[0-9][0-9,]*k?\s+|money\s+|cash\s+|extra\s+\w+\s+)?"
     r"(?:\w+\s+){0,2}?(?:working\s+)?from\s+home\b"),
    (("$",),
     r"\b(?:earn|make)\s+up\s+to\s+\$"
     r"|\b(?:make|earn|making|earning)\s+(?:up\s+to\s+)?\$\s?[0-9][0-9,]*k?\+?\s*(?:(?:/|a|per"
     r"|each|every)\s*(?:day|week|hour)\b|daily\b|weekly\b)|\$\$\$"),
    (("money", "cash", "income", "opportunit"),
     r"\b(?:earn|make)\s+(?:extra\s+)?(?:money|cash|income)\s+(?:fast|quickly|online|easily)\b"
     r"|\bpassive\s+income\b|\b(?:investment|business)\s+opportunit(?:y|ies)\b"),
    (("crypto", "bitcoin", "btc", "forex", "binary"),
     r"\b(?:crypto\w*|bitcoin|btc|forex|binary\s+options)\s+(?:\w+\s+){0,3}?(?:invest\w*"
     r"|trad\w*|profits?|returns?|mining|signals?|opportunit\w+|platform|expert|broker"
     r"|account\s+manager)"
     r"|\b(?:invest\w*|trad\w*|earn\w*|profit\w*)\s+(?:\w+\s+){0,3}?(?:in|with|from|on|through)"
     r"\s+(?:crypto\w*|bitcoin|btc|forex)\b"),
    (("whatsapp", "telegram", "wechat", "kik", "dm me"),
     r"\b(?:contact|message|text|dm|add|reach|inbox)\s+(?:me|us|him|her)\s+(?:on|via|at"
     r"|through)\s+(?:whatsapp|telegram|wechat|kik)\b|\bwhatsapp\s*(?:me\b|us\b|:|\+|number)"
     r"|\bdm\s+me\s+(?:for|to\s+(?:get|buy|order|learn))\b"),
    (("prescription", " rx"),
     r"\b(?:buy|order|get)\s+(?:\w+\s+){0,2}?(?:viagra|cialis|ozempic|wegovy|mounjaro"
     r"|semaglutide|tirzepatide|oxycodone|xanax|adderall|tramadol)\s+(?:online\s+)?(?:without"
     r"\s+(?:a\s+)?prescription|no\s+(?:prescription|rx))"),
    (("my website", "my site", "my store", "my shop", "my channel", "my blog", "our website",
      "our site", "our store", "our shop", "our channel", "our blog", "subscribe"),
     r"\b(?:visit|check\s+out|go\s+to)\s+(?:my|our)\s+(?:website|site|store|shop|channel|blog)\b"
     r"|\bsubscribe\s+to\s+my\s+(?:channel|newsletter|youtube)\b"),
    (("code",), r"\b(?:use|enter)\s+my\s+(?:promo|discount|referral|coupon)\s+code\b"),
    (("hate", "trick"),
     r"\bdoctors\s+hate\s+(?:him|her|this|them)\b"
     r"|\b(?:one|this)\s+(?:weird|simple|strange|odd)\s+trick\b"),
    (("lose",),
     r"\blose\s+(?:up\s+to\s+)?[0-9]+\s*(?:lbs|pounds|kg|kilos)\s+(?:in\s+[0-9]+\s+days\s+)?"
     r"(?:without\s+(?:diet|dieting|exercise|exercising)|guaranteed|fast)\b"),
    (("casino", "betting", "loan", "singles", "promotion", "discount", "free "),
     r"\b(?:online\s+casino|betting\s+tips|payday\s+loans?|loan\s+offer|hot\s+singles)\b"
     r"|\bspecial\s+(?:promotion|discount)\b|\bfree\s+(?:gift|iphone|bitcoin)\b"),
    (("out",),
     r"\bcheck\s+(?:it|this|them)\s+out\s*(?:at|here|on)?\s*:?\s*(?:https?://|www\.|[a-z0-9-]+\."
     r"(?:com|net|shop|store|xyz|online|site|info)\b)"),
    (("worldwide", "discreet"),
     r"\b(?:ships?|shipping|shipped|delivery)\s+(?:worldwide|discreetly|discreet)\b"
     r"|\b(?:worldwide|discreet)\s+(?:shipping|delivery)\b"),
    (("herbal", "spell", "native", "traditional"),
     r"\b(?:herbal|spell|native|traditional)\s+(?:medicine|remedy|remedies|cure|doctor|healer"
     r"|home)\b[^.!?\n]{0,80}?\b(?:contact|e-?mail|whatsapp|reach|write\s+to)\b"
     r"|\b(?:contact|e-?mail|whatsapp|reach\s+out\s+to)\b[^.!?\n]{0,60}?\b(?:herbal|spell)\s+"
     r"(?:medicine|remedy|doctor|healer|home|caster)\b"),
])
_rule(
    "spam_phrase",
    r"\bmiracle\s+(?:cure|pill|supplement|remedy|drug)s?\b",
    triggers=("miracle",), not_after=_NEGATED,
)

# ---- misinformation ---------------------------------------------------------------------

_MEDS = (
    r"(?:meds|medications?|medicines?|insulin|metformin|pills|statins?|prescriptions?|drugs"
    r"|antidepressants?|chemo(?:therapy)?|blood\s+(?:pressure\s+)?(?:meds|pills|thinners?)"
    r"|inhalers?|thyroid\s+(?:meds|pills)|levothyroxine|lisinopril|atorvastatin|eliquis|warfarin"
    r"|jardiance|ozempic|glipizide|ssris?|seizure\s+meds|anticoagulants?|beta[\s-]?blockers?"
    r"|steroids|diabetes\s+(?:meds|pills)|heart\s+(?:meds|pills)|HIV\s+meds|antiretrovirals"
    r"|tamoxifen|letrozole|lithium)"
)
# A warning is not advice: "don't stop taking your insulin", "if you stop your insulin...".
_ADVICE_AGAINST = re.compile(
    r"(?:\b(?:never|not|no|don't|dont|shouldn't|mustn't|wouldn't|won't|can't|cannot|dangerous"
    r"|unsafe|risky|safe|okay|ok|fine|normal|before|without|why|if|afraid|scared|worried|careful"
    r"|nobody\s+should|not\s+to|ask(?:ed)?|told\s+me|said|should\s+I|can\s+I|do\s+I|did\s+you"
    r"|when)|n't)"
    r"(?:\W+\w+){0,3}?\W*$",
    re.IGNORECASE,
)
_rule(
    "stop_medication",
    r"\b(?:stop|quit|ditch|drop|throw\s+(?:away|out)|flush|toss|get\s+off|come\s+off|skip"
    r"|give\s+up|bin)\s+(?:taking\s+|using\s+)?(?:all\s+)?(?:of\s+)?(?:your|ur|yer)\s+"
    r"(?:(?!old\b|expired\b|opened\b|unused\b|leftover\b|extra\b|spare\b)\w+\s+)?"
    rf"{_MEDS}\b(?!\s+(?:after|once|when|if|every|that|past|before|at|in\s+the|off|slowly"
    r"|gradually|with|under))",
    triggers=("your", "ur ", "yer "), not_after=_ADVICE_AGAINST,
)
_rule(
    "stop_medication",
    r"\b(?:you|everyone|diabetics|people)\s+(?:should|need\s+to|must|can|have\s+to|gotta"
    r"|ought\s+to|really\s+should)\s+(?:just\s+|all\s+)?(?:stop|quit|ditch|drop|get\s+off"
    rf"|come\s+off)\s+(?:taking\s+|using\s+)?(?:the\s+|their\s+)?{_MEDS}\b"
    r"(?!\s+(?:if|when|once|before|after|until|unless)\b)"
    r"|(?:^|[.!?]\s+)(?P<s>(?:just\s+|so\s+)?(?:stop|quit|ditch)\s+(?:taking|using)\s+"
    rf"{_MEDS}\b(?!\s+(?:if|when|once|before|after|until|unless)\b))"
    r"|\byou\s+(?:don't|do\s+not|dont)\s+(?:really\s+|even\s+)?need\s+(?:your\s+|the\s+|any\s+)?"
    r"(?:insulin|meds|medications?|metformin|statins?|chemo(?:therapy)?|blood\s+pressure\s+"
    r"(?:meds|pills)|antidepressants?|pills|inhalers?)\b"
    r"(?=\s*(?:anymore|at\s+all|,?\s*just\b|if\s+you\s+(?:eat|drink|take|try|do|follow|go|just)"
    r"|[,.;!]\s*(?:they're|they\s+are|it's|it\s+is|that's)\s+(?:a\s+|just\s+)?(?:big\s+pharma|scam"
    r"|poison|useless|toxic|junk)))",
    flags=re.IGNORECASE | re.MULTILINE,
    triggers=("stop", "quit", "ditch", "drop", "get off", "come off", "need"),
    not_after=_ADVICE_AGAINST,
)
_rule(
    "stop_medication",
    r"\b(?:skip|refuse|say\s+no\s+to|turn\s+down|don't\s+do|avoid)\s+(?:the\s+)?chemo(?:therapy)?"
    r"\s*(?:and|,)\s+(?:\w+\s+)?(?:try|use|do|go|take|switch|juice|drink|eat|heal)\b"
    r"|\b(?:insulin|statins?|metformin|chemo(?:therapy)?|vaccines?|antidepressants)\s+(?:is|are)"
    r"\s+(?:just\s+|pure\s+)?(?:poison|killing\s+you|a\s+scam)\b"
    r"|\bchemo(?:therapy)?\s+kills\s+more\s+(?:people|patients)\s+than\b"
    r"|\bpoison(?:ing)?\s+(?:yourself|your\s+body|it|people|patients)\s+with\s+(?:chemo|insulin"
    r"|statins|meds|medications?|drugs|vaccines|pills)\b"
    r"|\b(?:don't|do\s+not|never)\s+let\s+(?:them|your\s+doctors?|the\s+doctors?|anyone|doctors)\s+"
    rf"(?:put\s+you\s+on|start\s+you\s+on|give\s+you|talk\s+you\s+into)\s+(?:\w+\s+)?{_MEDS}\b",
    triggers=("chemo", "poison", "killing you", "scam", "let "),
    not_after=re.compile(r"(?:\bI\s+(?:\w+\s+){0,3}|\bnot\s+|n't\s+)$", re.IGNORECASE),
)

_CONDITIONS = (
    r"(?:diabetes|type\s*[12](?:\s+diabetes)?|t[12]d|cancer|cancers|tumou?rs?"
    r"|high\s+blood\s+pressure|hypertension|heart\s+disease|alzheimer'?s|dementia|autism"
    r"|arthritis|multiple\s+sclerosis|lupus|hiv|aids|kidney\s+disease|ckd|asthma|copd|depression"
    r"|thyroid\s+disease|hashimoto'?s|neuropathy|insulin\s+resistance|pre-?diabetes|fatty\s+liver"
    r"|psoriasis|crohn'?s|covid(?:-19)?|heart\s+failure|a-?fib|atrial\s+fibrillation"
    r"|high\s+cholesterol|cholesterol|blood\s+sugar|sugar|hsv|herpes|hepatitis\s+[bc])"
)
_REMEDY = (
    r"(?:cinnamon|turmeric|curcumin|garlic|apple\s+cider\s+vinegar|acv|bitter\s+melon|okra"
    r"(?:\s+water)?|baking\s+soda|essential\s+oils?|frankincense|colloidal\s+silver"
    r"|chlorine\s+dioxide|mms|bleach|ivermectin|hydroxychloroquine|apricot\s+(?:seeds?"
    r"|kernels?)|laetrile|b17|vitamin\s+(?:c|d|b17)|juicing|juice\s+(?:fasting|cleanses?)"
    r"|raw\s+veganism|alkaline\s+(?:water|diet)|lemon\s+water|moringa|fenugreek|cannabis\s+oil"
    r"|cbd(?:\s+oil)?|rick\s+simpson\s+oil|coffee\s+enemas?"
    r"|hydrogen\s+peroxide|black\s+seed(?:\s+oil)?|(?:this|my|our)\s+(?:tea|juice|herb"
    r"|herbal\s+blend|supplement|drink|smoothie|protocol|powder|remedy|oil|formula|program))"
)
_NUMBER_WORD = r"(?:[0-9]+|a|one|two|three|four|five|six|seven|eight|nine|ten|fourteen|thirty)"
_MEDICAL_TREATMENT = (
    r"(?:surgery|chemo|radiation|treatment|immunotherapy|(?:a\s+)?transplant|medication|insulin"
    r"|early|proper|the\s+right\s+(?:treatment|medication|care|team)|your\s+(?:doctor"
    r"|care\s+team|oncologist)|a\s+combination)"
)
# "There's no evidence cinnamon reverses diabetes", "is it true that vaccines cause autism?"
_REPORTED_CLAIM = re.compile(
    r"(?:(?:\b(?:no|not|never|isn't|doesn't|don't|won't|whether|if|heard|myths?|debunk\w*|claims?"
    r"|claiming|is\s+it\s+true|no\s+evidence|evidence|think|believe|why)|n't)\s+(?:that\s+)?"
    r"(?:\w+\s+){0,2}"
    r"|(?:^|[.!?]\s*)(?:does|do|did|can|could|will|would|is|are)\s+(?:\w+\s+){0,3})$",
    re.IGNORECASE,
)
_CLAIM_NEGATED = re.compile(r"\b(?:no|not|never|cannot|can't|won't|doesn't|don't|didn't)\b",
                            re.IGNORECASE)
_rule(
    "cure_claim",
    r"\b(?:cures?|can\s+cure|will\s+cure|to\s+cure)\s+(?:your\s+|the\s+)?(?:own\s+)?"
    rf"{_CONDITIONS}\s+"
    r"(?:naturally|for\s+good|forever|permanently|at\s+home|overnight|100\s*%"
    rf"|in\s+(?:just\s+|only\s+)?{_NUMBER_WORD}\s+(?:days?|weeks?|hours?)"
    r"|without\s+(?:meds|medications?|medicine|drugs|insulin|chemo(?:therapy)?|surgery|doctors"
    rf"|pills)|with(?!\s+{_MEDICAL_TREATMENT})\s+(?:\w+\s+){{0,3}}?(?:diet|tea|juice|herbs?"
    r"|supplements?|oils?|vinegar|cinnamon|turmeric|baking\s+soda|fasting|protocol|remed(?:y|ies)"
    r"|trick|method|plants?|mushrooms?|garlic|lemons?|water|seeds?|powder|berries|enzymes?"
    r"|cleanses?|smoothies?|foods?|spice))"
    rf"|\bcured\s+(?:my|his|her|their)\s+{_CONDITIONS}\s+(?:naturally|in\s+(?:just\s+|only\s+)?"
    rf"{_NUMBER_WORD}\s+(?:days?|weeks?)|without\s+(?:meds|medications?|medicine|drugs|insulin"
    rf"|chemo(?:therapy)?|surgery|doctors|pills)|with\s+{_REMEDY})",
    triggers=("cure",), not_inside=_CLAIM_NEGATED, not_after=_REPORTED_CLAIM,
)
_rule(
    "cure_claim",
    rf"\b{_REMEDY}\s+(?:[\w']+\s+){{0,3}}?(?:cures?|cured|reverses?|reversed|eliminates?|kills?"
    rf"|destroys?|gets\s+rid\s+of|heals?)\s+(?:[\w']+\s+){{0,2}}?{_CONDITIONS}\b",
    triggers=("cure", "revers", "eliminat", "kill", "destroy", "rid of", "heal"),
    not_inside=_CLAIM_NEGATED, not_after=_REPORTED_CLAIM,
)
_rule(
    "cure_claim",
    r"\b(?:reverse[sd]?|beat|cure[sd]?|heal|eliminate|get\s+rid\s+of|kick|fix)\s+"
    rf"(?:your\s+|my\s+)?(?:[\w']+\s+){{0,2}}?{_CONDITIONS}\s+(?:[\w']+\s+){{0,3}}?"
    rf"in\s+(?:just\s+|only\s+|under\s+)?{_NUMBER_WORD}\s+(?:days?|hours?)\b"
    rf"|\b{_CONDITIONS}\s+(?:is|are)\s+(?:100\s*%\s+|completely\s+|totally\s+|easily\s+|fully\s+)?"
    rf"curable\s+(?:naturally|with(?!\s+{_MEDICAL_TREATMENT})\s+\w+|by\s+(?:eating|drinking|taking"
    r"|juicing|fasting)|in\s+[0-9]+\s+days|at\s+home)",
    triggers=("revers", "curable", "beat", "cure", "heal", "eliminat", "rid of", "kick", "fix"),
    not_inside=_CLAIM_NEGATED, not_after=_REPORTED_CLAIM,
)
_rule(
    "cure_claim",
    r"\b(?:big\s+pharma|pharma|doctors|the\s+government|they|the\s+(?:medical|cancer)\s+"
    r"(?:industry|establishment)|the\s+fda)\s+(?:\w+\s+){0,2}?(?:hid(?:e|es|ing|den)?|suppress\w*"
    r"|(?:don't|doesn't|do\s+not)\s+want\s+you\s+to\s+know|won't\s+tell\s+you|are\s+hiding)\s+"
    r"(?:\w+\s+){0,3}?(?:the\s+)?(?:cure|cures)\b"
    r"|\bthe\s+cure\s+(?:for\s+(?:\w+\s+){1,2})?(?:that\s+)?(?:big\s+pharma|pharma|doctors|they)"
    r"\s+(?:don't|doesn't|won't)\s+want"
    r"|\bdoctors\s+(?:don't|do\s+not)\s+want\s+you\s+to\s+know\s+(?:about\s+)?(?:this|these)\b",
    triggers=("cure", "want you to know"),
)
_rule(
    "cure_claim",
    r"\b(?:cured|healed|freed)\s+(?:me\s+|him\s+|her\s+|them\s+)?(?:of|from)\s+"
    r"(?:my\s+|his\s+|her\s+)?"
    rf"{_CONDITIONS}\s+(?:\w+\s+){{0,2}}?(?:by|with|using|through)\s+(?:dr\b\.?|doctor|herbal"
    r"|natural|his|her|this|a\s+(?:herbal|natural|traditional|spell))",
    triggers=("cured", "healed", "freed"), not_inside=_CLAIM_NEGATED,
)

_VACCINE = (
    r"(?:vaccines?|vaccinations?|vaxx?(?:ines?|es)?|jabs?|immuni[sz]ations?"
    r"|mrna(?:\s+(?:vaccines?|shots?|jabs?))?|(?:mmr|hpv|covid(?:-19)?|flu|tetanus|dtap|polio"
    r"|measles|shingles|rsv|hep(?:atitis)?\s+b)\s+(?:vaccines?|shots?|jabs?))"
)
_VACCINE_HARMS = (
    r"(?:autism|cancer|turbo[\s-]+cancer|diabetes|type\s*1|infertility|sterility|sterile|sids"
    r"|dementia|alzheimer'?s|aids|hiv|magnetism|magnetic|sudden\s+death|shedding|the\s+disease)"
)
_rule(
    "anti_vaccine",
    rf"\b{_VACCINE}\s+(?:[\w']+\s+){{0,2}}?(?:cause[sd]?|causing|gives?\s+(?:you|kids|children"
    r"|people|babies)|gave\s+(?:my\s+\w+|him|her|them|me)|leads?\s+to|led\s+to|triggers?"
    rf"|triggered)\s+(?:[\w']+\s+){{0,2}}?{_VACCINE_HARMS}\b"
    rf"|\b{_VACCINE}\s+(?:is|are)\s+(?:\w+\s+)?(?:poison|poisonous|toxic\s+(?:sludge|waste|poison)"
    r"|a\s+scam|bioweapons?|a\s+bioweapon|genocide|killing\s+people|depopulation|a\s+hoax"
    r"|experimental\s+gene\s+therapy|gene\s+therapy|full\s+of\s+(?:toxins|poison|mercury"
    r"|aluminum|formaldehyde))\b"
    rf"|\b{_VACCINE}\s+(?:\w+\s+){{0,2}}?(?:alters?|changes?|rewrites?|modif(?:y|ies)|edits?"
    r"|damages?)\s+(?:your\s+|our\s+|the\s+|human\s+|people's\s+)?dna\b"
    rf"|\b{_VACCINE}\s+(?:\w+\s+){{0,2}}?(?:contain|contains|have|has|put|inject|injects)\s+"
    r"(?:\w+\s+)?(?:microchips?|(?:tracking\s+)?chips|5g|graphene|nanobots|trackers?)\b"
    r"|\b(?:vaccinated\s+people|the\s+vaccinated)\s+(?:are\s+)?shed(?:ding)?\b"
    rf"|\b{_VACCINE}\s+(?:[\w']+\s+){{0,2}}?makes?\s+(?:you\s+|girls\s+|boys\s+|kids\s+|children\s+"
    r"|people\s+|women\s+|men\s+|babies\s+)?(?:infertile|sterile|autistic|magnetic)\b"
    # "the flu shot gives you the flu", "the polio vaccine causes polio"
    r"|\b(?P<disease>flu|polio|measles|covid|shingles|hpv|tetanus|whooping\s+cough|pertussis"
    r"|chickenpox|rsv)\s+(?:vaccines?|shots?|jabs?)\s+(?:[\w']+\s+){0,4}?(?:causes?|caused|gives?"
    r"\s+(?:you|people|kids|everyone)|spreads?)\s+(?:the\s+)?(?P=disease)\b",
    triggers=("vacc", "vax", "jab", "immuni", "mrna", "shot"),
    not_inside=_CLAIM_NEGATED, not_after=_REPORTED_CLAIM,
)


_rule(
    "anti_vaccine",
    r"\b(?:never|don't|do\s+not)\s+(?:let\s+(?:them|anyone|the\s+doctors?)\s+)?vaccinate\s+"
    r"(?:your|ur)\s+(?:kids?|children|baby|babies|child|grandkids)\b",
    triggers=("vaccinate",),
)


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


def _windows(folded: str, triggers: tuple[str, ...], seen: dict[str, list[int]]
             ) -> list[tuple[int, int]]:
    """The stretches of text around each occurrence of a trigger, merged, in order.

    ``seen`` remembers where each trigger occurs, for the other rules that share it.
    """
    length, spans = len(folded), []
    for trigger in triggers:
        if trigger not in seen:
            seen[trigger] = _occurrences(folded, trigger)
        spans.extend((max(0, at - _REACH_BEFORE), min(length, at + _REACH_AFTER))
                     for at in seen[trigger])
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


def _find_links(folded: str) -> list[tuple[int, int]]:
    if not any(t in folded for t in _LINK_TRIGGERS):
        return []
    return [m.span() for m in _LINK.finditer(folded)]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _resolve(findings: list[Finding]) -> list[Finding]:
    """One finding per stretch of text and kind; overlapping identifiers keep the most
    specific kind (an MRN that looks like a phone number is an MRN)."""
    findings.sort(key=lambda f: (_IDENTIFIER_PRIORITY.get(f.kind, 9), f.span[0], -f.span[1]))
    kept: list[Finding] = []
    for finding in findings:
        if any(
            _overlaps(finding.span, other.span)
            and (other.kind == finding.kind
                 or (finding.category == IDENTIFIER and other.category == IDENTIFIER))
            for other in kept
        ):
            continue
        kept.append(finding)
    kept.sort(key=lambda f: (f.span[0], f.span[1]))
    return kept


def _finding(kind: str, span: tuple[int, int]) -> Finding:
    category, label = KINDS[kind]
    return Finding(kind=kind, category=category, label=label, span=span)


def screen_text(text: str, *, links_allowed: bool = True, max_links: int = MAX_LINKS
                ) -> ScreeningResult:
    """Everything in ``text`` a moderator should know about, in text order.

    ``links_allowed`` is False for members too new to post links; ``max_links`` is how many
    links a post may carry before it waits for a moderator.
    """
    if not text:
        return ScreeningResult()
    text = text.translate(_NORMALISE)
    folded = text.translate(_FOLD)  # lower case, and unlike str.lower() the same length
    has_digit = _DIGIT.search(text) is not None
    found: list[Finding] = []
    whole = [(0, len(text))]
    seen: dict[str, list[int]] = {}
    for rule in _RULES:
        if rule.needs_digit and not has_digit:
            continue
        windows = _windows(folded, rule.triggers, seen) if rule.triggers else whole
        target = folded if rule.folded else text
        # Scanning only around the triggers is what keeps a long post cheap: CPython's re pays
        # for every position it tries, and most rules' triggers appear rarely, if at all.
        matches = (m for a, b in windows for m in rule.pattern.finditer(target, a, b))
        for match in matches:
            start = match.start()
            if rule.not_after is not None and rule.not_after.search(
                text, max(0, start - _LOOKBACK), start
            ):
                continue
            if rule.not_inside is not None and rule.not_inside.search(match.group()):
                continue
            if rule.check is not None and not rule.check(match):
                continue
            found.append(_finding(rule.kind, _span(match)))

    links = _find_links(folded)
    if len(links) > max_links:
        found.append(_finding("many_links", (links[0][0], links[-1][1])))
    if links and not links_allowed:
        found.append(_finding("link_from_new_member", links[0]))
    return ScreeningResult(findings=tuple(_resolve(found)))


def redact(text: str, findings: Sequence[Finding] | ScreeningResult | None = None) -> str:
    """``text`` with every identifier replaced by "[removed]", for a moderator's redact action.

    ``findings`` must come from screening this same text; without them the text is screened.
    """
    if findings is None:
        findings = screen_text(text)
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


def category_scores(examples: Iterable[dict]) -> dict[str, dict[str, float]]:
    """Per-category precision, recall and false-positive rate over labelled examples.

    Each example is ``{"text": ..., "kinds": [...]}``; an empty ``kinds`` is a negative.
    A category counts as found in an example when any of its kinds is found there.
    """
    counts = {c: {"tp": 0, "fp": 0, "fn": 0, "negatives": 0, "fp_on_negatives": 0}
              for c in CATEGORIES}
    for example in examples:
        expected = {KINDS[kind][0] for kind in example["kinds"]}
        got = screen_text(
            example["text"], links_allowed=example.get("links_allowed", True)
        ).categories
        for category, c in counts.items():
            if category in expected:
                c["tp" if category in got else "fn"] += 1
            elif category in got:
                c["fp"] += 1
            if not example["kinds"]:
                c["negatives"] += 1
                c["fp_on_negatives"] += category in got
    scores = {}
    for category, c in counts.items():
        found, relevant = c["tp"] + c["fp"], c["tp"] + c["fn"]
        scores[category] = {
            **c,
            "precision": c["tp"] / found if found else 1.0,
            "recall": c["tp"] / relevant if relevant else 1.0,
            "fpr": c["fp_on_negatives"] / c["negatives"] if c["negatives"] else 0.0,
        }
    return scores


def scores_table(scores: dict[str, dict[str, float]]) -> str:
    """``category_scores`` as a small text table (FP rate: share of negatives that fire)."""
    lines = [f"{'category':16}{'precision':>10}{'recall':>8}{'FP rate':>9}"
             f"{'found':>7}{'false':>7}{'missed':>8}"]
    lines += [
        f"{category:16}{s['precision']:10.3f}{s['recall']:8.3f}{s['fpr']:9.3f}"
        f"{s['tp']:7}{s['fp']:7}{s['fn']:8}"
        for category, s in scores.items()
    ]
    return "\n".join(lines)
