"""Dates of birth, in English and Spanish, only where the text says it is one."""

from __future__ import annotations

import re

from ..base import Finding, Text, finding
from .common import _DIGIT, _keyed

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_MES = (
    r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|sep?tiembre|octubre|noviembre"
    r"|diciembre|ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\b\.?"
)
_YEAR = r"(?:19|20)[0-9]{2}"
_MON3 = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic)"
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])"
_ORDINAL = r"(?:st|nd|rd|th|ro|ero|º|°|o)?"
_HOLIDAY = (
    r"christmas(?:\s+(?:day|eve))?|xmas|new\s+year'?s(?:\s+(?:day|eve))?|valentine'?s\s+day"
    r"|halloween|independence\s+day|(?:the\s+)?(?:fourth|4th)\s+of\s+july|st\.?\s+patrick'?s\s+day"
    r"|(?:el\s+)?d[ií]a\s+de\s+(?:reyes|navidad|san\s+valent[ií]n|la\s+independencia|muertos"
    r"|la\s+candelaria|las\s+madres|a[nñ]o\s+nuevo)|navidad|nochebuena|a[nñ]o\s+nuevo"
    r"|nochevieja"
)
# A full date: a year or a two-digit year.
_FULL_DATE = (
    rf"(?:{_DAY}[/.-]{_DAY}[/.-](?:{_YEAR}|[0-9]{{2}})"
    rf"|{_YEAR}[/.-][01]?[0-9][/.-]{_DAY}"
    rf"|{_MONTH}\s+{_DAY}(?![0-9])(?:st|nd|rd|th)?(?:,?\s+of|,)?\s*(?:{_YEAR}|'?[0-9]{{2}})"
    rf"|(?:the\s+)?{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?:{_YEAR}|'?[0-9]{{2}})"
    rf"|{_DAY}[\s/-]{_MONTH}[\s/-](?:{_YEAR}|[0-9]{{2}})"
    rf"|{_DAY}{_ORDINAL}\s+(?:de\s+)?{_MES},?\s+(?:de(?:l)?\s+)?(?:{_YEAR}|[0-9]{{2}})"
    rf"|{_MES}\s+{_DAY},?\s+(?:de(?:l)?\s+)?{_YEAR}"
    rf"|{_DAY}-?{_MON3}-?(?:{_YEAR}|[0-9]{{2}})"
    # A holiday and a year: "on Christmas Day 1966", "el día de Reyes de 1980".
    rf"|(?:{_HOLIDAY})(?:,?\s+(?:of|de|del))?,?\s+{_YEAR})(?![0-9])"
)
# Any date, with or without its year.
_DATE = (
    rf"(?:{_FULL_DATE}"
    rf"|{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?"
    rf"|(?:the\s+)?{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}"
    rf"|{_DAY}{_ORDINAL}\s+de\s+{_MES}"
    rf"|{_DAY}[/.-]{_DAY}"
    rf"|[01][0-9][0-3][0-9](?:19|20)[0-9]{{2}}|[0-3][0-9][01][0-9](?:19|20)[0-9]{{2}}"
    rf"|[01][0-9][0-3][0-9][0-9]{{2}}|{_DAY}\s{_DAY}\s(?:{_YEAR}|[0-9]{{2}})"
    rf"|{_YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    rf"|{_DAY}[-/. ](?:xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i)[-/. ](?:{_YEAR}|[0-9]{{2}}))(?![0-9])"
)
_BIRTH_WORDS = (
    r"(?<![a-záéíóúñ])(?:dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthday|b-?day|born|b\."
    r"|fecha\s+de\s+nac(?:imiento|\.)?|f\.?\s?(?:de\s+)?nac\.?|f\.\s?n\.|nacimiento|nac[ií]|naci[oó]"
    r"|nacid[oa]s?|cumplea[nñ]os|cumple|cumplo|soy\s+del|a[nñ]os,?\s+del)(?![a-záéíóúñ])(?:'s)?"
)
# The date right after the words: "DOB 07241968", "born 3/14/62", "b. 1959-04-02",
# "nací el 8 de julio de 1967", "mi cumpleaños es el 3 de marzo", "soy del 15 de agosto del 77".
_keyed(
    "dob", _BIRTH_WORDS,
    r"[\s:=,(\[-]*(?:(?:is|was|on|of|in|the|listed\s+as|el|es|fue|en|de|a|un|d[ií]a|=)\s+){0,3}"
    rf"(?P<s>{_DATE})",
)
# A full date a little further on: "wants my DOB and I typed 10/3/1993", "happy birthday to
# me, 1/1/1980", and a day and month near "nací": "nací en el 93, el 19 de junio".
_NOT_A_BIRTH_SKIP = re.compile(
    r"\b(?:diagnos\w*|appointment|surgery|since|until|scan|test|visit|cita|cirug[ií]a"
    r"|diagn[oó]stic\w*|desde|hasta|estudio|died|passed|muri[oó]|falleci\w*)\b")
_LATEST_BIRTH_YEAR = 2016
_STRONG_BIRTH_WORD = re.compile(r"dob|d\.o\.b|birth(?!day)|born|b\.|nac|f\.\s?n\.")


def _birth_check(key: re.Match[str], value: re.Match[str]) -> bool:
    """A date a little after the words of birth: not one the words between give another
    meaning ("born ... diagnosed on 3/4/2021"), nor a recent year."""
    if _NOT_A_BIRTH_SKIP.search(value.string, key.end(), value.start("s")):
        return False
    year = re.search(r"(?:19|20)[0-9]{2}(?![0-9])|'[0-9]{2}|[/.-][0-9]{2}$", value.group("s"))
    if year is None:
        # A day and month without a year: only with the year said between ("born in 1967,
        # on July 8"; "nací en el 93, el 19 de junio").
        return re.search(r"(?:19|20)[0-9]{2}|\b[0-9]{2}\b|'[0-9]{2}",
                         value.string[key.end():value.start("s")]) is not None
    year_text = year.group().lstrip("'/.-")
    # Words that can only mean a birth ("date of birth", "born", "nació") take any year (a
    # baby's); "birthday" or "cumple" a little before a recent date more often mean a party.
    return (len(year_text) == 2 or int(year_text) <= _LATEST_BIRTH_YEAR
            or _STRONG_BIRTH_WORD.search(key.group()) is not None)


_keyed(
    "dob", _BIRTH_WORDS,
    rf"[^\n]{{0,60}}?(?<![0-9/.-])(?P<s>{_FULL_DATE}"
    rf"|(?<=[\s,])(?:el\s+)?{_DAY}{_ORDINAL}\s+de\s+{_MES}(?![^\n]{{0,3}}[0-9])"
    rf"|(?<=[\s,])(?:on\s+)?(?:{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?|the\s+{_DAY}(?:st|nd|rd|th)?"
    rf"\s+of\s+{_MONTH})(?![^\n]{{0,3}}[0-9]))",
    check=_birth_check,
)

# A date of birth written in words: "April ninth, nineteen sixty-one", "ocho de julio de mil
# novecientos sesenta y siete"; or a date followed by "baby" ("a March 14 1962 baby").
_ORDINAL_WORD = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|thirtieth|(?:twenty|thirty)-?\s?(?:first|second|third|fourth|fifth|sixth|seventh|eighth"
    r"|ninth))"
)
_YEAR_WORDS = (
    r"(?:nineteen[\s-]+(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?|oh[\s-]+\w+|ten|eleven"
    r"|twelve|\w+teen)|two\s+thousand(?:\s+and)?(?:\s+\w+)?"
    r"|mil\s+novecientos(?:\s+\w+){1,3}|dos\s+mil(?:\s+\w+){0,2})"
)
_DAY_WORD_ES = (
    r"(?:uno|primero|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce"
    r"|quince|diecis[eé]is|diecisiete|dieciocho|diecinueve|veinte|veinti\w+|treinta(?:\s+y\s+uno)?"
    r"|[0-9]{1,2})"
)
_keyed(
    "dob", _BIRTH_WORDS,
    rf"[^\n]{{0,40}}?(?P<s>{_MONTH},?\s+(?:the\s+)?{_ORDINAL_WORD},?\s+(?:{_YEAR_WORDS}|{_YEAR})"
    rf"|the\s+{_ORDINAL_WORD}\s+of\s+{_MONTH},?\s+(?:{_YEAR_WORDS}|{_YEAR}|'?[0-9]{{2}})"
    rf"|{_DAY_WORD_ES}\s+de\s+{_MES}\s+(?:de(?:l)?\s+)?{_YEAR_WORDS})",
    check=lambda k, v: not _NOT_A_BIRTH_SKIP.search(v.string, k.end(), v.start("s")),
    digit_within=0,
)
_AFTER_DATE_WORDS = re.compile(
    r"\b(?:baby|bday|birthday|born|kid|girl|boy|beb[eé]|birth\s*date|date\s+of\s+birth|dob"
    r"|d\.o\.b|fecha\s+de\s+nac(?:imiento|\.)?|cumplea[nñ]os|cumple)\b")
_DATE_TO_WORDS = re.compile(
    r"\s*[,(-]?\s*(?:(?:is|was|es|era|=)\s*)?(?:(?:my|his|her|our|their|mi|su)\s+)?\Z")


def _dates_before_birth_words(text: Text) -> list[Finding]:
    """A full date just before the words: "3/14/1962 is my birthday", "a March 14 1962 baby",
    "3 de agosto de 1969 es mi fecha de nacimiento"."""
    found: list[Finding] = []
    if not text.has_digit:
        return found
    folded = text.folded
    for words in _AFTER_DATE_WORDS.finditer(folded):
        start = max(0, words.start() - 45)
        if _DIGIT.search(folded, start, words.start()) is None:
            continue
        found.extend(finding("dob", date.span("s"))
                     for near in (_NEAR_FULL_DATE, _NEAR_MONTH_YEAR)
                     for date in near.finditer(folded, start, words.start())
                     if _DATE_TO_WORDS.match(folded, date.end(), words.start())
                     and (near is _NEAR_FULL_DATE or _birth_year_before(date.group("s"))))
    return found


# A full date beside someone's age: "I'm 62 (3/14/1962)", "tengo 55 años, del 03/08/1969".
_AGE_WORDS = re.compile(
    # "yo" only after a number ("6 yo"): alone it is Spanish "I" ("mi esposo y yo").
    r"\b(?:years?\s+old|yrs?\s+old|y/o|(?<=[0-9]\s)yo|age[ds]?|edad|a[nñ]os|turn(?:ed|ing|s)?"
    r"|cumpl[ií]\w*)\b")
_NEAR_FULL_DATE = re.compile(rf"(?<![0-9/.-])(?P<s>{_FULL_DATE})")
_AGE_REACH = 40


_TURNING_ON = re.compile(
    r"\b(?:turn(?:s|ed|ing)?|i'll\s+be|cumplo|cumple|cumpl[ií]|voy\s+a\s+cumplir)\s+[0-9]{1,3}"
    r"(?:\s+(?:years?|a[nñ]os))?(?:\s+old)?\s+(?:on|el)\s+(?:the\s+)?"
    rf"(?P<s>{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?|{_DAY}(?:st|nd|rd|th)?\s+of\s+{_MONTH}"
    rf"|{_DAY}{_ORDINAL}\s+de\s+{_MES}|{_DAY}[/.-]{_DAY})(?![0-9])")


# The day first, then the member's own age: "on June 12 I turn 45", "el 18 de mayo cumplo 40".
_DATE_THEN_TURNING = re.compile(
    rf"(?<![0-9/.-])(?:on\s+|el\s+)?(?:the\s+)?(?P<s>{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?"
    rf"|{_DAY}(?:st|nd|rd|th)?\s+of\s+{_MONTH}|{_DAY}{_ORDINAL}\s+de\s+{_MES})(?![0-9])"
    r",?\s+(?:i\s+turn|i'll\s+be|i\s+will\s+be|i'm\s+turning|im\s+turning|cumplo"
    r"|voy\s+a\s+cumplir|yo\s+cumplo)\s+[0-9]{1,3}\b")

_TURNING_WORD = re.compile(r"\bi\s+turn|i'll\s+be|i\s+will\s+be|turning|cumplo|cumplir")


def _dates_beside_ages(text: Text) -> list[Finding]:
    found: list[Finding] = []
    if not text.has_digit:
        return found
    folded = text.folded
    found.extend(finding("dob", m.span("s")) for m in _TURNING_ON.finditer(folded))
    if _TURNING_WORD.search(folded):
        found.extend(finding("dob", m.span("s")) for m in _DATE_THEN_TURNING.finditer(folded))
    for age in _AGE_WORDS.finditer(folded):
        start, end = max(0, age.start() - _AGE_REACH), age.end() + _AGE_REACH
        if _DIGIT.search(folded, start, end) is None:
            continue
        for date in _NEAR_FULL_DATE.finditer(folded, start, end):
            year = re.search(r"(?:19|20)[0-9]{2}(?![0-9])", date.group("s"))
            if year is not None and 1900 < int(year.group()) <= _LATEST_BIRTH_YEAR - 6:
                found.append(finding("dob", date.span("s")))
    return found


# A month and a year of birth, without the day, are a date of birth too (a year alone is not):
# "soy de agosto del 92", "born in March of '67", "yo soy del 85 pero de octubre", and a day
# and month with the year said just after: "cumplo años el 30 de enero, soy del 79".
_ANY_MONTH = rf"(?:{_MONTH}|{_MES})"
# A year, not a day: four digits, an apostrophe, or two digits no day can be ("May 12" is a day).
_YEAR_NOT_DAY = r"(?:(?:19|20)[0-9]{2}|'[0-9]{2}|3[2-9]|[4-9][0-9])(?![0-9])"
_NOT_A_COUNT = r"(?!\s*(?:days?|weeks?|months?|years?|d[ií]as|semanas|meses|a[nñ]os|%|mg))"
_MONTH_YEAR = (
    rf"(?:{_DAY}{_ORDINAL}\s+de\s+{_MES}|{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?)[^\n0-9]{{0,20}}?"
    rf"(?:\b(?:del?|in|of)\s+|')(?:{_YEAR}|[0-9]{{2}})(?![0-9]){_NOT_A_COUNT}"
    rf"|{_ANY_MONTH},?\s+(?:(?:of|de|del)\s+(?:{_YEAR}|'?[0-9]{{2}})(?![0-9])|{_YEAR_NOT_DAY})"
    rf"{_NOT_A_COUNT}"
    rf"|{_YEAR_NOT_DAY},?\s+(?:(?:pero|but|y|and)\s+)?(?:de|del|in|en)\s+{_ANY_MONTH}(?![\w])"
)
_keyed(
    "dob",
    rf"{_BIRTH_WORDS}|(?<![a-záéíóúñ])soy\s+de(?=\s+{_MES}\s)",
    rf"[^\n0-9]{{0,30}}?(?<![\w'])(?P<s>{_MONTH_YEAR})",
    check=lambda k, v: (not _NOT_A_BIRTH_SKIP.search(v.string, k.end(), v.start("s"))
                        and _plausible_birth_year(k, v.group("s"))),
)


def _plausible_birth_year(key: re.Match[str], value: str) -> bool:
    """A two-digit year, or a four-digit one before ``_LATEST_BIRTH_YEAR`` unless the words
    can only mean a birth ("born in March 2024": a baby's)."""
    year = re.search(r"(?:19|20)[0-9]{2}(?![0-9])", value)
    return (year is None or int(year.group()) <= _LATEST_BIRTH_YEAR
            or _STRONG_BIRTH_WORD.search(key.group()) is not None)
# A month and a year just before the words: "a June '71 baby", "marzo del 66, mi cumpleaños".
_NEAR_MONTH_YEAR = re.compile(
    rf"(?<![\w'])(?P<s>{_ANY_MONTH},?\s+(?:(?:of|de|del)\s+)?{_YEAR_NOT_DAY})")


def _birth_year_before(value: str) -> bool:
    """A month and year named before "birthday" or "baby" are a birth only in a year long past
    ("in May 2019 my birthday party"): a two-digit year or one up to ``_LATEST_BIRTH_YEAR``."""
    year = re.search(r"(?:19|20)[0-9]{2}(?![0-9])", value)
    return year is None or int(year.group()) <= _LATEST_BIRTH_YEAR


# A full date right after "baby": "I'm a Leap Day baby, Feb 29 1984" (a year long past).
_keyed(
    "dob", r"(?<![a-záéíóúñ])(?:baby|beb[eé])(?=\s*[,:(-])",
    rf"\s*[,:(-]\s*(?P<s>{_FULL_DATE})",
    check=lambda k, v: _birth_year_before(v.group("s")),
)
