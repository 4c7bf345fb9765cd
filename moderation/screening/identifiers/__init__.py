"""Personal identifiers: phone numbers, emails, SSNs, record numbers, dates of birth, addresses,
in English and Spanish.

Phone numbers go through ``phonenumbers`` (Google's libphonenumber): its ``PhoneNumberMatcher``,
over the regions of ``settings.HEARTH_PHONE_REGIONS``, finds slashed, spaced, dotted and
international layouts and knows which numbers are valid where. Numbers it types as toll-free,
shared-cost or premium-rate (helplines, companies), short codes and crisis lines (988, 741741,
911) are public, not personal; so is a number the text names as an institution's main line or
helpline. Rules keep what the library cannot know: seven-digit local numbers and numbers of
other countries offered as "my cell", digits written as words.

The other kinds are context rules. Most are "keyed": a cheap pattern finds the words that name
an identifier ("MRN", "nací el", "calle", " at ") over the whole case-folded text, and the
value is matched from where the words end; this costs less than running case-insensitive
patterns in windows. Patterns have bounded repeats and cannot backtrack without bound.
"""

from __future__ import annotations

import re
import unicodedata

from ..base import Finding, Text
from . import addresses, dates, emails, numbers, phones, spelled
from .common import DEFAULT_PHONE_REGIONS, KEYED, RULES, phone_regions
from .phones import public_number, warm_up

__all__ = ["DEFAULT_PHONE_REGIONS", "KEYED", "RULES", "find", "phone_regions",
           "public_number", "warm_up"]


# Digits of other scripts (full-width "５５５", Arabic-Indic, mathematical bold) read as ASCII
# digits, and invisible spaces inside a number as spaces: one character for one, so spans fit.
_UNICODE_DIGITS = {
    code: str(unicodedata.digit(chr(code)))
    for start in (0x0660, 0x06F0, 0x0966, 0xFF10, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6)
    for code in range(start, start + 10)
}
_UNICODE_DIGITS.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF), " "))
_UNICODE_DIGITS[0x2024] = "."  # one dot leader, in "gmail․com"


_OTHER_DIGITS = re.compile(
    "[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\uff10-\uff19\U0001d7ce-\U0001d7ff"
    "\u200b-\u200d\u2060\ufeff\u2024]")


def _ascii_digits(text: Text) -> Text:
    if text.normal.isascii() or _OTHER_DIGITS.search(text.normal) is None:
        return text
    translated = text.normal.translate(_UNICODE_DIGITS)
    return text if translated == text.normal else Text(translated)


def find(text: Text) -> list[Finding]:
    text = _ascii_digits(text)
    phones._screening.parsed = {}
    phones._screening.public = {}
    phones._screening.matched = {}
    addresses._screening.normal = phones._screening.normal = text.normal
    addresses._screening.memo = {}
    try:
        return _find(text)
    finally:
        phones._screening.parsed = phones._screening.public = phones._screening.matched = None
        addresses._screening.normal = phones._screening.normal = None
        addresses._screening.memo = None


def _find(text: Text) -> list[Finding]:
    found = RULES.find(text)
    for rule in KEYED:
        found.extend(rule.find(text))
    found += (phones._phone_findings(text) + spelled._spelled_findings(text)
              + spelled._spaced_digits(text)
              + emails._spelled_emails(text) + emails._user_names(text)
              + addresses._spelled_streets(text) + addresses._spanish_streets(text)
              + phones._numbers_named_after(text) + dates._dates_beside_ages(text))
    found += dates._dates_before_birth_words(text)
    # "Insurgentes Sur #970" is an address, not a record number after a name.
    streets = [f.span for f in found if f.kind == "address"]
    living = [f for f in addresses._LIVING_AT.find(text)
              if addresses._home_address_at(text.normal, f.span[0])]
    found.extend(f for f in numbers._INSTITUTION_NUMBER.find(text) + living
                 if not any(a < f.span[1] and f.span[0] < b for a, b in streets))
    return found


warm_up()
