"""Personal identifiers: phone numbers, emails, SSNs, record numbers, dates of birth, addresses."""

from __future__ import annotations

import re
from collections.abc import Callable

from .base import Finding, RuleSet, Text

RULES = RuleSet()
_rule, _rules = RULES.rule, RULES.many

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


def find(text: Text) -> list[Finding]:
    return RULES.find(text)
