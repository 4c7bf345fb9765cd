"""Numbers written as words or one digit at a time: phone numbers and SSNs spelled out to get
past filters."""

from __future__ import annotations

import re

from ..base import Finding, Text, finding
from .common import phone_regions
from .phones import _PHONE_WORDS, _is_public_number, _not_a_phone, _parse_valid, _public_context

# Digits written as words, to get past filters: "nine three seven, 555, 0158", "four two one,
# five five, three eight eight oh" (after "social": an SSN).
_UNITS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
          "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "cero": "0",
          "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6",
          "siete": "7", "ocho": "8", "nueve": "9"}
_TEENS = {"ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
          "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
          "nineteen": "19"}
_TEENS.update({
    "diez": "10", "once": "11", "doce": "12", "trece": "13", "catorce": "14", "quince": "15",
    "dieciseis": "16", "dieciséis": "16", "diecisiete": "17", "dieciocho": "18",
    "diecinueve": "19", "veinte": "20", "veintiuno": "21", "veintidos": "22", "veintidós": "22",
    "veintitres": "23", "veintitrés": "23", "veinticuatro": "24", "veinticinco": "25",
    "veintiseis": "26", "veintiséis": "26", "veintisiete": "27", "veintiocho": "28",
    "veintinueve": "29"})
_TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
         "eighty": "8", "ninety": "9", "treinta": "3", "cuarenta": "4", "cincuenta": "5",
         "sesenta": "6", "setenta": "7", "ochenta": "8", "noventa": "9"}
_UNIT_WORD = "|".join(sorted(_UNITS, key=len, reverse=True))
_SPELLED_WORD = (
    rf"(?:(?:{'|'.join(_TENS)})(?:(?:-|\s+y\s+)(?:{_UNIT_WORD}))?"
    rf"|{'|'.join(sorted(_TEENS, key=len, reverse=True))}|{_UNIT_WORD})"
)
_NUMBER_WORD = rf"(?:{_SPELLED_WORD}|[0-9]{{1,4}})"
# A word right after a digit group's dash counts: "617-five five five-0193".
_ANY_SPELLED = re.compile(rf"(?<![\w'])(?<![a-záéíóúñ]-){_SPELLED_WORD}(?![\w'])")
_SPELLED = re.compile(
    rf"(?<![\w'-])(?P<s>{_NUMBER_WORD}(?:[\s,.-]{{1,3}}{_NUMBER_WORD}){{2,15}})(?![\w'-])"
)
_SSN_CONTEXT = re.compile(r"\b(?:ssn|ss\#|social|seguro\s+social)\b", re.IGNORECASE)
_PHONE_WORDS_RE = re.compile(_PHONE_WORDS)


def _spelled_digits(words: str) -> tuple[str, int]:
    """The digits a run of number words and digit groups spells, and how many words it has."""
    digits, spelled = [], 0
    tokens = re.findall(r"[a-zñáéíóú]+|[0-9]+", words)
    at = 0
    while at < len(tokens):
        token = tokens[at]
        at += 1
        if token.isdigit():
            digits.append(token)
            continue
        spelled += 1
        if token in _TENS:
            # "forty-one", "cincuenta y cinco": the unit joins its tens.
            if at + 1 < len(tokens) and tokens[at] == "y" and tokens[at + 1] in _UNITS:
                at += 1
            if at < len(tokens) and tokens[at] in _UNITS and tokens[at] not in ("o", "oh"):
                digits.append(_TENS[token] + _UNITS[tokens[at]])
                at += 1
            else:
                digits.append(_TENS[token] + "0")
        else:
            digits.append(_UNITS.get(token) or _TEENS.get(token, ""))
    return "".join(digits), spelled


def _spelled_findings(text: Text) -> list[Finding]:
    words = [m.start() for m in _ANY_SPELLED.finditer(text.folded)]
    if len(words) < 2:
        return []
    found: list[Finding] = []
    for match in _SPELLED.finditer(text.folded, max(0, words[0] - 40)):
        digits, spelled = _spelled_digits(match.group("s"))
        if spelled < 2 or not 7 <= len(digits) <= 11:
            continue
        span = match.span("s")
        before = text.folded[max(0, span[0] - 60):span[0]]
        # Two words among digits: a phone only when offered as one ("text 8 one 7 - 555 ...").
        if spelled == 2 and not (len(digits) >= 10 and _PHONE_WORDS_RE.search(before)):
            continue
        if len(digits) == 9 and _SSN_CONTEXT.search(before):
            found.append(finding("ssn", span))
        elif spelled >= 5 or len(digits) >= 10 or _PHONE_WORDS_RE.search(before):
            found.append(finding("phone", span))
    return found


# Digits typed one at a time with spaces, grouped by dashes or dots to get past filters:
# "2 1 5 - 5 5 5 - 0 1 8 9", "3 2 8 - 4 1 - 6 6 2 0 is my social", "seguro social 6 0 2 4 4 1 9
# 8 7".
_SPACED_DIGITS = re.compile(
    r"(?<![\w.,/-])(?P<s>[0-9](?:(?:\s{1,2}|\s?[-./]\s?|,\s?)[0-9]){6,13})(?![\w]|\s?[-./]?\s?[0-9])")
_SSN_AROUND = re.compile(
    r"\b(?:ssn|ss\#|social(?:\s+security)?|seguro\s+social|seguridad\s+social)\b")


def _spaced_digits(text: Text) -> list[Finding]:
    if not text.has_digit:
        return []
    found: list[Finding] = []
    for match in _SPACED_DIGITS.finditer(text.folded):
        groups = re.findall(r"[0-9]+", match.group("s"))
        # Mostly single digits with spaces between: not "215-555-0189" nor "120 / 80 / 95".
        # ("3-8-1, 0-6, 2-2-7-4": read aloud in groups, commas between.)
        if (sum(len(group) == 1 for group in groups) < 7
                or (match.group("s").count(" ") < 5 and match.group("s").count(",") < 2)):
            continue
        digits = "".join(groups)
        start, end = match.span("s")
        around = text.folded[max(0, start - 60):end + 60]
        if len(digits) == 9 and _SSN_AROUND.search(around):
            found.append(finding("ssn", (start, end)))
        elif len(digits) >= 10 and _phone_like(digits, text.folded, start, end):
            found.append(finding("phone", (start, end)))
        elif (len(digits) == 7 and digits[0] in "23456789"
              and _PHONE_WORDS_RE.search(text.folded, max(0, start - 40), start)
              and not _not_a_phone(text.folded, start)
              and not _public_context(text.folded, start, end)):
            # A local number one digit at a time, offered as one: "my number's 5 5 5 - 0 1 4 2".
            found.append(finding("phone", (start, end)))
    return found


def _phone_like(digits: str, text: str, start: int, end: int) -> bool:

    if _not_a_phone(text, start) or _public_context(text, start, end):
        return False
    number, _region, _possible = _parse_valid(digits, phone_regions())
    if number is not None:
        return not _is_public_number(number)
    return len(digits) == 10 and digits[0] in "23456789"
