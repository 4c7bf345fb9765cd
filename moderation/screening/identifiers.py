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
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher, PhoneNumberType

from .base import Finding, RuleSet, Text, finding

RULES = RuleSet()
_rule = RULES.rule

DEFAULT_PHONE_REGIONS = ("US", "MX", "CA", "PR", "ES", "GB")


def warm_up() -> None:
    """Load the phone metadata of the members' regions now (the library loads it lazily, at a
    cost of several milliseconds on the first number of each region)."""
    for region in phone_regions():
        phonenumbers.example_number(region)


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
    if len(first) == 4:
        return 1 <= int(second) <= 12 and 1 <= int(last) <= 31
    day_month = sorted((int(first), int(second)))
    return len(first) <= 2 and 1 <= day_month[0] <= 12 and 1 <= day_month[1] <= 31


def _digits(value: str) -> int:
    return sum(ch.isdigit() for ch in value)


# --------------------------------------------------------------------------------------------
# Phone numbers

# Where a number starts: not inside a word, a price, a decimal or another number; after "tel."
# or "cel," it may ("cel.55 1234 5678").
_NUMBER_START = r"(?<![\w$/+-])(?<![0-9][.,])"
_NUMBER_END = r"(?![0-9]|[./-][0-9])"
# Numbers that look like phones but are named as something else.
_NOT_A_PHONE_CONTEXT = re.compile(
    r"\b(?:lot|batch|serial|order|claim|invoice|tracking|confirmation|reference|ref|ndc|npi|"
    r"model|part|isbn|case|ticket|item|sku|rx|prescription|account|acct|member|policy|group|"
    r"accession|specimen|requisition|sample|authori[sz]ation|auth|card|id|identification|"
    r"license|licence|plate|vin|routing|bank|pin|code|zip|postal|mrn|record|chart|patient|"
    r"pedido|factura|folio|lote|receta|p[oó]liza|afiliaci[oó]n|afiliado|expediente|nss|"
    r"paciente|cuenta|registro|c[eé]dula|curp|rfc|dni|nie|pasaporte|passport|tarjeta|clabe|"
    r"historia|seguro\s+social|social|ssn|sn|s/n|serie)\s*(?:number|no\.?|num|n[uú]mero|\#)?\s*[:#]?\s*"
    r"(?:is\s+|es\s+|was\s+)?$",
    re.IGNORECASE,
)
# The number belongs to an institution, said just before it: "the main number is", "helpline",
# "la línea de ... es". The nearest of these and the personal words below decides.
_PUBLIC_PHONE_CONTEXT = re.compile(
    r"\b(?:main\s+(?:\w+\s+){0,2}(?:number|line|desk|office)|hot\s?line|help\s?line|help\s+desk"
    r"|info(?:rmation)?\s+line|customer\s+(?:service|care|support)|member\s+services"
    r"|support\s+(?:line|number|team)|switchboard|toll[\s-]?free|call\s+cent(?:er|re)"
    r"|poison\s+control|lifeline|crisis\s+line|nurse\s+line|front\s+desk|operator"
    r"|(?:appointments?|scheduling|billing|pharmacy|office|hospital|clinic|center|centre"
    r"|department|dept|foundation|association|society|agency|program|company|insurance"
    r"|insurer)(?:'s)?\s+(?:main\s+)?(?:line|number|phone|desk)"
    r"|l[ií]nea|conmutador|atenci[oó]n\s+(?:al?\s+)?(?:cliente|paciente|usuario)s?"
    r"|lada\s+sin\s+costo|n[uú]mero\s+gratuito|gratuit[oa]|centro\s+de\s+atenci[oó]n"
    r"|centro\s+de\s+\w+|fundaci[oó]n|asociaci[oó]n|cruz\s+roja|saptel|locatel|conadic"
    r"|secretar[ií]a|ministerio|instituto|consulado|embajada|salud\s+responde|fax"
    r"|consejo\s+ciudadano|tel[eé]fono\s+de\s+la\s+esperanza|dif|assmca"
    r"|(?:doctor|dr|pharmacy|clinic|hospital|dentist|practice|company)'s\s+(?:office\s+)?"
    r"(?:at|is|number|line|phone)"
    r"|(?:tel[eé]fono|n[uú]mero|tel\.?)\s+(?:del|de\s+la|de)\s+(?:hospital|cl[ií]nica|centro"
    r"|fundaci[oó]n|asociaci[oó]n|farmacia|oficina|imss|issste|seguro|cruz\s+roja|aseguradora"
    r"|consulado|embajada))\b",
    re.IGNORECASE,
)
_PERSONAL_PHONE_CONTEXT = re.compile(
    r"\b(?:my|mine|me|him|her|his|our|us|mi|me|mis|su|sus|nuestro|ll[aá]mame|m[aá]rcame"
    r"|escr[ií]beme|cel|cell|mobile|m[oó]vil|celular|whats(?:app)?|home|casa)\b",
    re.IGNORECASE,
)
_PHONE_LOOKBACK = 40
# Public numbers that are not typed toll-free: crisis and help lines members share for others.
_PUBLIC_NUMBERS = frozenset({
    "5552598121",  # SAPTEL, Mexico's crisis line (Cruz Roja)
    "5556581111",  # Locatel, Mexico City
    "717003717",  # Teléfono de la Esperanza, Spain
    "914590050",  # Teléfono de la Esperanza, Madrid
})
_PUBLIC_TYPES = frozenset({PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST,
                           PhoneNumberType.PREMIUM_RATE, PhoneNumberType.UAN})
# A run of digits, spaces and phone punctuation with room for one number and its extension.
_PHONE_CANDIDATE = re.compile(
    r"(?<![\w+@#$/-])(?<![0-9][.,])\+?\(?[0-9][0-9 ()./-]{5,28}[0-9]"
    r"(?:\s*(?:ext|x)\.?\s*[0-9]{1,5})?(?![0-9]|[./-][0-9])"
)
_EXTENSION = re.compile(r"\s*(?:ext|x)")
_LETTER_O = re.compile(r"(?<=[0-9][0-9-])[Oo](?=[0-9])|(?<=[0-9])[Oo](?=[0-9-][0-9])")
_NANP_SHAPE = re.compile(
    r"^(?:\+?1[\s.-]?)?(?:\([0-9]{3}\)\s?|[0-9]{3}[\s./-])[0-9]{3}[\s.-][0-9]{4}$")
_GROUP_SEPARATOR = re.compile(r"[ ()./-]+")
_DIGIT_NEXT = re.compile(r"[ ./-]?[0-9]")
_DIGIT_BEFORE = re.compile(r"[0-9][ ./-]?$")


def _public_context(text: str, start: int) -> bool:
    """The words just before ``start`` offer an institution's number (its main line, a
    helpline, a company's customer service), not someone's own."""
    before = text[max(0, start - _PHONE_LOOKBACK):start]
    public = _last(_PUBLIC_PHONE_CONTEXT, before)
    if public < 0 or _MINE_BEFORE.search(before, 0, public):  # "my office line": still mine
        return False
    return _last(_PERSONAL_PHONE_CONTEXT, before) < public


_MINE_BEFORE = re.compile(r"\b(?:my|our|mi|nuestr[oa]|his|her|their|su)\s+(?:\w+\s+)?$",
                          re.IGNORECASE)


def _not_a_phone(text: str, start: int) -> bool:
    return bool(_NOT_A_PHONE_CONTEXT.search(text[max(0, start - 32):start]))


def _calling_regions(regions: tuple[str, ...]) -> tuple[str, ...]:
    """One region per country calling code (US, CA and PR share +1: one parse covers them)."""
    seen: dict[int, str] = {}
    for region in regions:
        seen.setdefault(phonenumbers.country_code_for_region(region), region)
    return tuple(seen.values())


def _parse_valid(raw: str, regions: tuple[str, ...]
                 ) -> tuple[phonenumbers.PhoneNumber | None, str | None, bool]:
    """The number ``raw`` is in the first region where it is valid, that region (None for a
    number written with its country code), and whether it is only possible (written with its
    country code but outside the ranges the library knows as assigned).

    Within one ``find`` the same string is parsed once (several rules ask about it)."""
    parsed = getattr(_screening, "parsed", None)
    if parsed is None:
        return _parse_valid_uncached(raw, regions)
    if (raw, regions) not in parsed:
        parsed[raw, regions] = _parse_valid_uncached(raw, regions)
    return parsed[raw, regions]


def _parse_valid_uncached(raw: str, regions: tuple[str, ...]
                          ) -> tuple[phonenumbers.PhoneNumber | None, str | None, bool]:
    if raw.lstrip("(").startswith("+"):
        try:
            number = phonenumbers.parse(raw, None)
        except phonenumbers.NumberParseException:
            return None, None, False
        if phonenumbers.is_valid_number(number):
            return number, None, False
        if phonenumbers.is_possible_number(number):
            return number, None, True
        return None, None, False
    for region in _calling_regions(regions):
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number, region, False
    return None, None, False


_screening = threading.local()  # what one call of ``find`` has parsed


def _is_public_number(number: phonenumbers.PhoneNumber) -> bool:
    return (phonenumbers.number_type(number) in _PUBLIC_TYPES
            or phonenumbers.national_significant_number(number) in _PUBLIC_NUMBERS)


def public_number(raw: str, regions: tuple[str, ...] | None = None) -> bool:
    """``raw`` is a valid number of a kind that is not personal (toll-free, shared-cost,
    premium-rate, a known crisis line) where it is valid."""
    number, _region, _possible = _parse_valid(raw, regions or phone_regions())
    return number is not None and _is_public_number(number)


def _phone_findings(text: Text) -> list[Finding]:
    if not text.has_digit:
        return []
    regions = phone_regions()
    # A letter O typed for a zero inside a number ("918-555-O142"), one character for one.
    normal = _LETTER_O.sub("0", text.normal)
    found: list[Finding] = []
    for candidate in _PHONE_CANDIDATE.finditer(normal):
        raw = _EXTENSION.split(candidate.group())[0]
        digits = _digits(raw)
        groups = _GROUP_SEPARATOR.split(raw.strip("()+ "))
        if len(groups) > 6:
            # One digit at a time ("6 4 6 5 5 5 0 1 8 6"), not a longer run of digits.
            if (any(len(group) != 1 for group in groups) or digits > 13
                    or len(set(_GROUP_SEPARATOR.findall(raw.strip("()+ ")))) != 1
                    or _DIGIT_NEXT.match(normal, candidate.end())
                    or _DIGIT_BEFORE.search(normal, max(0, candidate.start() - 2),
                                            candidate.start())):
                continue
            raw = ("+" if raw.startswith("+") else "") + "".join(groups)
        if not 8 <= digits <= 15 or _looks_like_date(raw):
            continue
        at = candidate.start()
        if _not_a_phone(normal, at) or _public_context(normal, at):
            continue
        number, region, possible_only = _parse_valid(raw, regions)
        if number is None and digits > 10 and " " in raw.strip():
            # Perhaps a number beside another one ("646-555-0186 2/3"): the library's matcher
            # finds where each starts and ends.
            found.extend(_matched_in(normal, candidate.start(), candidate.end(), regions))
            continue
        if number is None:
            # Shaped like a North American number ("(123) 456-7890") though no region has it:
            # still a number someone gave to be called.
            if _NANP_SHAPE.match(raw):
                found.append(finding("phone", candidate.span()))
            continue
        if _is_public_number(number):
            continue
        # The library's matcher, on the candidate and a character either side, checks what a
        # parse alone does not: dates and times, letters glued to the digits, grouping.
        start = max(0, at - 1)
        window = normal[start:candidate.end() + 1]
        leniency = Leniency.POSSIBLE if possible_only else Leniency.VALID
        found.extend(finding("phone", (start + match.start, start + match.end))
                     for match in PhoneNumberMatcher(window, region, leniency=leniency)
                     if not _is_public_number(match.number))
    return found


def _matched_in(text: str, start: int, end: int, regions: tuple[str, ...]) -> list[Finding]:
    window_start = max(0, start - 1)
    window = text[window_start:end + 1]
    for region in _calling_regions(regions):
        matches = [m for m in PhoneNumberMatcher(window, region, leniency=Leniency.VALID)
                   if not _is_public_number(m.number)]
        if matches:
            return [finding("phone", (window_start + m.start, window_start + m.end))
                    for m in matches]
    return []


def _phone_value(low: int, high: int) -> Callable[[re.Match[str], re.Match[str]], bool]:
    """For the phone rules: the number has between ``low`` and ``high`` digits, is not named
    as something else, and is not a public number or an institution's line."""
    def check(key: re.Match[str], value: re.Match[str]) -> bool:
        raw = value.group("s")
        digits = _digits(raw)
        if not low <= digits <= high or _looks_like_date(raw):
            return False
        at = value.start("s")
        if _not_a_phone(value.string, at) or _public_context(value.string, at):
            return False
        # A mobile or WhatsApp number is not a company's line, whatever a region makes of it
        # (Colombia's 300 mobiles are toll-free in Mexico).
        return digits < 8 or _MOBILE_KEY.search(key.group()) is not None or not public_number(raw)

    return check


_MOBILE_KEY = re.compile(r"cel|mobile|m[oó]vil|whats|wasap|guasap|wsp|wpp")
# The words that offer a number to call, in both languages.
_PHONE_WORDS = (
    r"\b(?:call(?:s|ed|ing)?|text(?:s|ed)?|phone|cell|cel|mobile|m[oó]vil|celular|tel[eé]fono"
    r"|telefono|tel|ring|reach|number|numbers|nums?|digits|whats(?:app)?|hmu|hit\s+me\s+up"
    r"|ll[aá]m[aáeéo]\w{0,6}|m[aá]r(?:c|qu)\w{0,6}|n[uú]mero|escr[ií]b\w{0,6}|cont[aá]ct\w{0,6}"
    r"|(?:i'm|is|'s|are|am|me|him|her|them|us)\s+at"
    r"|contact(?:o|ar)?|mensaje|escr[ií]beme|fono|wasap|guasap|wsp|wpp|informes|comun[ií](?:c|qu)\w*"
    r"|txt|tx|msg|sms|pager|beeper|b[ií]per|h[aá]bl\w{0,6}|fijo|casa|home|landline)\b"
)
# A seven-digit local number, only where it is offered as a number to call: "text me at
# 555-0142", "my nums 555-0183", "call (555) 0159".
_keyed(
    "phone", _PHONE_WORDS,
    r"[^0-9\n]{0,24}?" + _NUMBER_START
    + r"(?P<s>(?:[2-9][0-9]{2}\s?[.-]?\s?|\([2-9][0-9]{2}\)\s?)[0-9]{4})" + _NUMBER_END,
    check=_phone_value(7, 7),
)
_NOT_A_LOCAL_BEFORE = re.compile(
    r"\b(?:from|between|range|to|of|about|around|entre|de|open|opens|hours|horario|until|till"
    r"|at|a\s+las|desde|hasta)\s*$", re.IGNORECASE)
_NOT_A_LOCAL_AFTER = re.compile(r"\s?(?:am|pm|a\.m|p\.m|hrs?|h|horas|hours)\b", re.IGNORECASE)
# A seven-digit number written with its dash, alone: "Jenny 867-5309"; not a range or a dose
# ("200-1000 mg", "$250-1500") nor a number named as something else.
_rule(
    "phone",
    r"(?<![\w$/.,+#:-])(?<![0-9] )(?P<s>[2-9][0-9]{2}-[0-9]{4})(?![0-9]|[./-][0-9]|\s?(?:mg|mcg|ml"
    r"|units?|iu|steps|cal|kcal|calories|%|dollars|pesos|usd|mxn|lbs?|kg|m|km|ft|mi)\b|\s?%)",
    flags=0, needs_digit=True,
    check=lambda m: (not _not_a_phone(m.string, m.start("s"))
                     and not _public_context(m.string, m.start("s"))
                     and _NOT_A_LOCAL_BEFORE.search(m.string, max(0, m.start("s") - 16),
                                                    m.start("s")) is None
                     and _NOT_A_LOCAL_AFTER.match(m.string, m.end("s")) is None),
)
# The words after the number: "555-0134 is my cell", "5 5501 0147 es mi whats".
_PHONE_AFTER = re.compile(
    r"\s*[,(-]?\s*(?:is|es|=)?\s*(?:my|mi|her|his|our|su|the|el)?\s*"
    r"(?:cell|cel|celular|mobile|m[oó]vil|number|n[uú]mero|phone|tel[eé]fono|whats(?:app)?"
    r"|home|house|casa|work)\b", re.IGNORECASE)
_LOCAL_NUMBER = re.compile(
    _NUMBER_START + r"(?P<s>(?:[2-9][0-9]{2}[\s.-]|\([2-9][0-9]{2}\)\s?)[0-9]{4}"
    r"|\+?\(?[0-9]{1,5}\)?(?:[\s.-][0-9]{1,6}){1,5})" + _NUMBER_END)


def _numbers_named_after(text: Text) -> list[Finding]:
    """A number followed by the words that make it a phone: "555-0134 is my cell"."""
    found: list[Finding] = []
    if not text.has_digit:
        return found
    for match in _LOCAL_NUMBER.finditer(text.normal):
        after = _PHONE_AFTER.match(text.normal, match.end())
        digits = _digits(match.group("s"))
        if after is None or not 7 <= digits <= 13 or _looks_like_date(match.group("s")):
            continue
        if not _not_a_phone(text.normal, match.start()) and (
                digits < 8 or not public_number(match.group("s"))):
            found.append(finding("phone", match.span("s")))
    return found
# Any grouping of 8 to 13 digits offered as a number to call, for the countries and ranges
# the library does not read as valid here: "tel. casa 2 555 0163", "ring me on 07700 900461".
_keyed(
    "phone", _PHONE_WORDS,
    r"[^0-9\n]{0,30}?" + _NUMBER_START
    + r"(?P<s>\+?\(?[0-9]{1,5}\)?(?:[\s.-][0-9]{1,6}){1,5}|[0-9]{8,13})" + _NUMBER_END,
    check=_phone_value(8, 13),
)

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
_ANY_SPELLED = re.compile(rf"(?<![\w'-]){_SPELLED_WORD}(?![\w'])")
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
    if len(words) < 3:
        return []
    found: list[Finding] = []
    for match in _SPELLED.finditer(text.folded, max(0, words[0] - 40)):
        digits, spelled = _spelled_digits(match.group("s"))
        if spelled < 3 or not 7 <= len(digits) <= 11:
            continue
        span = match.span("s")
        before = text.folded[max(0, span[0] - 60):span[0]]
        if len(digits) == 9 and _SSN_CONTEXT.search(before):
            found.append(finding("ssn", span))
        elif spelled >= 5 or len(digits) >= 10 or _PHONE_WORDS_RE.search(before):
            found.append(finding("phone", span))
    return found


# --------------------------------------------------------------------------------------------
# Emails

_rule(
    "email",
    r"(?<![\w.%+-])(?P<s>[a-z0-9][a-z0-9._%+-]{0,63}@[a-z0-9][a-z0-9-]{0,62}"
    r"(?:\.[a-z0-9-]{1,63}){0,6}\.[a-z]{2,24})\b",
    triggers=("@",),
)
# Spelled out or obfuscated to dodge filters, in English and Spanish: "joy_tran at outlook.com",
# "maria (at) gmail (dot) com", "mikeD(at)aol", "teresa.nguyen @ gmail.com", "name@gmail",
# "juan punto perez arroba gmail punto com", "pedro(punto)maldonado(arroba)protonmail(punto)com".
_DOT_WORD = r"(?:\s+(?:dot|punto)\s+|\s*[(\[{<]\s*(?:dot|punto)\s*[)\]}>]\s*)"
_DOT = rf"(?:\s?\.\s?|{_DOT_WORD})"
_AT = (r"(?:\s*[(\[{<]\s*(?:at|arroba|@)\s*[)\]}>]\s*|\s+(?:at|arroba)\s+|\s+@\s*|\s*@\s+"
       r"|\s+en\s+(?=(?:gmail|yahoo|hotmail|outlook|aol|icloud|prodigy|live)\b)"
       r"|(?<=[a-z0-9])@(?=(?:gmail|yahoo|hotmail|outlook|aol|icloud)\b(?!\.)))")
# Mail providers named without their domain: "daviddaviesmusic at gmail", "bob at yahoo com".
_PROVIDER = (
    r"(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|msn|aol|icloud|protonmail|gmx|comcast"
    r"|verizon|sbcglobal|bellsouth|earthlink|fastmail|zoho|yandex|prodigy|telmex|tutanota)"
)
_TLD = (
    r"(?:com|net|org|edu|gov|mil|info|biz|io|co|us|uk|ca|mx|es|ar|cl|pe|ve|ec|uy|py|bo|cr|gt|hn"
    r"|sv|ni|pa|do|pr|cu|de|fr|it|pt|br|me|app|health|email|tv|ai|dev|au|nz|ie|in)"
)
_LOCAL = r"[a-z0-9][a-z0-9._%+-]{0,63}"
_LOCAL_TAIL = re.compile(rf"(?<![\w.%+-]){_LOCAL}(?:{_DOT_WORD}{_LOCAL}){{0,3}}\Z")
_EMAIL_DOMAIN = re.compile(
    rf"(?P<s>(?P<provider>{_PROVIDER}|live)(?:(?:{_DOT}|\s+|,){_TLD}(?:{_DOT}{_TLD})?)?(?![\w@.])"
    rf"|[a-z0-9][a-z0-9-]{{1,62}}(?:{_DOT}[a-z0-9-]{{2,62}}){{0,2}}{_DOT}{_TLD}"
    rf"(?:{_DOT}{_TLD})?(?![\w@]))"
)
_EMAIL_AT = re.compile(_AT)
_PLAIN_WORD_AT = re.compile(r"^\s+(?:at|en)\s+$")
_NOT_A_LOCAL_PART = frozenset({"me", "us", "him", "her", "them", "it", "you", "one", "site",
                               "look", "email", "mail", "write", "message", "contact", "info",
                               "here", "there", "online", "up", "in", "out", "is", "are"})
_EMAIL_CONTEXT = re.compile(
    r"\b(?:e-?mail|mail|correo|write|escr[ií]be\w*|contact\w*|reach|message|mensaje|dm|hmu"
    r"|find\s+me|ping|hit\s+me|drop\s+me|get\s+in\s+touch|inbox|me\s+at|send|env[ií]\w*"
    r"|address|direcci[oó]n)\b")


_AT_HINTS = ("@", " at ", "arroba", "at)", "at]", "at}", "at>", " en ")


# A mail provider and a user name beside it: "my gmail is sarahbeth47", "sarahbeth47 on gmail".
_PROVIDER_FIRST = re.compile(
    rf"\b(?:my|mi)\s+{_PROVIDER}(?:\s+(?:is|es|address|account|handle))?\s*[:=]?\s*"
    r"(?P<s>[a-z0-9][a-z0-9._+-]{2,63})(?![\w@])")
_PROVIDER_AFTER = re.compile(
    rf"(?<![\w.@+-])(?P<s>[a-z0-9][a-z0-9._+-]{{2,63}})\s+(?:on|at|en|in)\s+"
    rf"(?:the\s+usual\s+|my\s+|mi\s+)?{_PROVIDER}\b(?!\.)")


def _user_names(text: Text) -> list[Finding]:
    """User names need a digit, a dot or an underscore: "sarahbeth47 on gmail", not "me on
    gmail"."""
    found: list[Finding] = []
    if not any(name in text.folded for name in ("gmail", "yahoo", "hotmail", "outlook", "aol",
                                                  "icloud", "proton")):
        return found
    for pattern in (_PROVIDER_FIRST, _PROVIDER_AFTER):
        for match in pattern.finditer(text.folded):
            name = match.group("s")
            if re.search(r"[0-9._]", name) and not re.fullmatch(r"[0-9.]+", name):
                found.append(finding("email", match.span("s")))
    return found


def _spelled_emails(text: Text) -> list[Finding]:
    folded = text.folded
    found: list[Finding] = []
    if not any(hint in folded for hint in _AT_HINTS):
        return found
    for at in _EMAIL_AT.finditer(folded):
        domain = _EMAIL_DOMAIN.match(folded, at.end())
        if domain is None:
            continue
        local = _LOCAL_TAIL.search(folded, max(0, at.start() - 160), at.start())
        if local is None or local.group() in _NOT_A_LOCAL_PART:
            continue
        plain = _PLAIN_WORD_AT.match(at.group())
        if plain and (domain.group("provider") is None or at.group().strip() == "en"):
            # The plain word "at" before a domain makes an email only with an address-like
            # name or where the text speaks of writing: "joy_tran at outlook.com", "email
            # maria at healthmail.org", not "look at webmd.com".
            context = _EMAIL_CONTEXT.search(folded, max(0, local.start() - 40), local.start())
            spelled_dot = re.search(r"dot|punto", domain.group()) is not None
            if (re.search(r"\s\.|\.\s", domain.group()) is not None
                    or (re.search(r"[._0-9]", local.group()) is None and context is None
                        and not spelled_dot)):
                continue
        found.append(finding("email", (local.start(), domain.end("s"))))
    return found


# --------------------------------------------------------------------------------------------
# Social Security numbers

_SSN_AREA = r"(?!000|666|9[0-9]{2})[0-9]{3}"
_SSN_GROUP = r"(?!00)[0-9]{2}"
_SSN_SERIAL = r"(?!0000)[0-9]{4}"
# In any separator layout, the same separator twice: 078-05-1120, 412 58 3391, 219/44/8802.
_rule(
    "ssn",
    rf"(?<![\w/.,+-])(?<![0-9][ .-])(?P<s>{_SSN_AREA}(?P<sep>[-./ ]){_SSN_GROUP}(?P=sep)"
    rf"{_SSN_SERIAL})(?![\w-]|[./ ][0-9])",
    flags=0, needs_digit=True,
)
# Any layout, no separator or odd ones, where the text says it is a social security number:
# "ssn 123456789", "mi numero de seguro social es 604 55 01 94".
_keyed(
    "ssn",
    r"\b(?:ssn|ss\#|social\s+security(?:\s+(?:number|no\.?|num|\#))?|socials?|seguro\s+social"
    r"|ssdi|ssi)(?![a-záéíóúñ])",
    r"(?:[\s:#=]*(?:(?:is|was|number|no\.?|num|es|era)[\s:#=]*){0,2}|[^\n0-9]{0,80}?(?<![\w-]))"
    rf"(?P<s>{_SSN_AREA}[\s./-]?{_SSN_GROUP}[\s./-]?[0-9]{{2}}[\s./-]?[0-9]{{2}})(?![0-9])",
    check=lambda _k, v: re.sub(r"[^0-9]", "", v.group("s"))[-4:] != "0000",
)

# --------------------------------------------------------------------------------------------
# Medical record, patient, member and health-card numbers: only where the text says what they
# are, in either language, or an institution's name is followed by "#" or "number".

# A record number: groups joined by dashes, dots or slashes, or spaces before digit groups
# that do not start a date or a phone ("MRN 1234567 03/14/1962" stops before the date).
_ID = (r"(?:[A-Z]{1,5}[ -]?)?[0-9][0-9A-Z]{0,15}"
       r"(?:[./-][0-9A-Z]{1,12}|\s[0-9]{1,6}(?![0-9]|[/.-][0-9])){0,6}")
_RECORD_WORDS = (
    r"(?<![a-záéíóúñ])(?:mrn|m\.r\.n\.?|mr\s?\#|mr\s+no\.?|med(?:ical)?\s+rec(?:ord)?s?"
    r"(?:\s+(?:number|no\.?|num|\#|id))?"
    r"|(?:record|chart|client|member|subscriber|patient|pt|enrollee|beneficiary|hospital|clinic"
    r"|medicaid|medicare|insurance|health\s+(?:card|plan|insurance)|nhs|chi|ohip|va\s+file"
    r"|visit|encounter|policy|portal)\s+"
    r"(?:id|identifier|number|no\.?|num|\#|account|acct|card)"
    r"|health\s+card|pt\s?\#|bracelet|wristband|armband|nhs|ohip|phn|personal\s+health\s+number"
    r"|expediente(?:\s+cl[ií]nico)?|historia\s+cl[ií]nica|n[uú]mero\s+de\s+historia"
    r"|(?:n[uú]m(?:ero|\.)?|nro\.?)\s+de\s+(?:paciente|expediente|afiliaci[oó]n|afiliado|beneficiario"
    r"|seguridad\s+social|historia|p[oó]liza)"
    r"|no\.\s+de\s+(?:paciente|expediente|afiliaci[oó]n)|nss|seguridad\s+social|seguro\s+social"
    r"|afiliaci[oó]n|afiliad[oa]|tarjeta\s+sanitaria|cip|tarjeta\s+(?:de\s+)?salud"
    r"|tarjeta\s+del\s+seguro|carn[eé]t?\s+(?:de\s+salud|del\s+seguro|del\s+imss)"
    r"|credencial\s+del\s+(?:imss|issste|seguro)|pulsera|brazalete|nhc|cartilla"
    r"|n\.?\s?[º°o]\.?\s+de\s+(?:paciente|expediente|historia|afiliaci[oó]n|afiliad[oa]|registro"
    r"|p[oó]liza|socio|beneficiario|seguridad\s+social)"
    r"|(?:id|clave|c[oó]digo)\s+(?:de|del)\s+(?:paciente|afiliad[oa]|expediente|asegurad[oa])"
    r"|(?:n[uú]mero|n[uú]m\.?|nro\.?|no\.|n\.?\s?[º°])\s+(?:de|del)\s+(?:la\s+|el\s+|mi\s+)?"
    r"(?:afiliaci[oó]n|afiliad[oa]|asegurad[oa]|derechohabiente|credencial|carn[eé]t?"
    r"|seguro(?:\s+social|\s+popular)?|imss|issste|insabi|sis|essalud|fonasa|isapre|eps"
    r"|obra\s+social|prepaga|ips|css)"
    r"|historia(?:\s+cl[ií]nica)?\s+(?:n[uú]m(?:ero|\.)?|n[º°o]\.?)|obra\s+social"
    r"|paciente\s+(?:\#|no\.|n[º°]|n[uú]m\.?)|hc|h\.\s?c\."
    r"|clave\s+(?:de|del)\s+(?:afiliaci[oó]n|issste|imss|seguro)"
    r"|derechohabiente|folio\s+(?:del\s+seguro|de\s+afiliaci[oó]n)|nuss|n\.\s?s\.\s?s\.?"
    r"|rec\.?\s?(?:\#|no\.?)|mychart\s+(?:id|number|\#)|fin\s?\#|csn|exp(?:te)?\.(?=\s*[0-9#n])"
    r"|pt\.\s?(?:id|\#|no\.?|number)|hosp\.?\s?(?:\#|no\.?|id|number)"
    r"|(?:id|clave|n[uú]mero)\s+(?:imss|issste|insabi|seguro\s+popular|essalud|sis|fonasa)"
    r"|(?:imss|issste)\s*[:#]|exp(?:te)?\.\s*cl[ií]nico|c[oó]digo\s+de\s+identificaci[oó]n"
    r"|credencial\s+(?:de|del)\s+(?:pami|osde|imss|issste|ioma|obra\s+social|prepaga|seguro)"
    r"|ficha(?:\s+cl[ií]nica)?|r[eé]cord(?:\s+m[eé]dico)?(?=\s*(?:\#|n[uú]m|es|:|[0-9]))"
    r"|agregado(?:\s+m[eé]dico)?"
    r"|p[oó]liza(?:\s+de\s+gastos\s+m[eé]dicos|\s+del\s+seguro|\s+(?:n[uú]m\.?|\#|no\.))"
    r"|tarjeta\s+del\s+(?:imss|issste)"
    r"|(?:id|number|\#|n[uú]mero)\s+(?:at|with|from|en|del?)\s+(?:the\s+|my\s+|la\s+|el\s+)?"
    r"(?:[a-z'áéíóúñ]+\s+){0,3}(?:center|centre|clinic|hospital|unit|office|practice|lab"
    r"|cl[ií]nica|hospital|centro|consultorio|unidad)"
    r"|case\s+(?:number|no\.?|\#|id)(?=[^\n]{0,40}\b(?:clinic|hospital|center|centre"
    r"|practice|medical|cl[ií]nica))"
    r"|(?:clinic|hospital|center|centre|practice)'?s?\s+case\s+(?:number|no\.?|\#|id))"
    r"(?![a-záéíóúñ])"
)
_NOT_A_RECORD_SKIP = re.compile(
    r"\b(?:ext|extension|press|option|phone|tel|call|fax|line|dob|born|birth|nac\w*|zip"
    r"|steps?|times|days|weeks|years|mg|lbs?|kg|group|grupo|plan|rx|bin|pcn|since|desde|hace"
    r"|sanitario|cofepris|invima|anmat"
    r"|ago|a[nñ]os?|year)\b"
    r"|\bof\s*$",
    re.IGNORECASE,
)


_YEAR_ALONE = re.compile(r"^(?:19|20)[0-9]{2}$")


_YEARS_OR_MONTH = re.compile(
    r"^(?:(?:19|20)[0-9]{2}[-/](?:19|20)?[0-9]{2}|[0-9]{1,2}[-/](?:19|20)[0-9]{2})$")


def _record_value(value: str) -> bool:
    """Four to twenty digits, and not a date, a year, a span of years ("2023-2024"), a month
    ("12/2023") or a public phone number ("Medicare 1-800-633-4227")."""
    return (4 <= _digits(value) <= 20 and not _looks_like_date(value)
            and not _YEAR_ALONE.match(value) and not _YEARS_OR_MONTH.match(value)
            and not (_digits(value) >= 8 and public_number(value)))


_NOT_A_RECORD_AFTER = re.compile(
    r"\s*(?:pesos|d[oó]lares|dollars|euros|usd|mxn|mg|ml|%|a[nñ]os|years|meses|months|d[ií]as"
    r"|days|semanas|weeks|horas|hours|personas|people|veces|times|pacientes|patients|steps|pasos"
    r"|p[aá]ginas|hojas|pages|p[aá]gs)"
    r"\b", re.IGNORECASE)


def _record_check(key: re.Match[str], value: re.Match[str]) -> bool:
    if not _record_value(value.group("s")):
        return False
    if _NOT_A_RECORD_AFTER.match(value.string, value.end("s")) or value.string[
            max(0, value.start("s") - 1):value.start("s")] == "$":
        return False
    skipped = value.string[key.end():value.start("s")]
    if _NOT_A_RECORD_SKIP.search(skipped):
        return False
    # "seguro social" names an SSN when it has nine digits (Mexico's NSS has eleven).
    if key.group().startswith("seguro") and _digits(value.group("s")) == 9:
        return False
    # "the number of the hospital is 55 5555 1234": its phone, not a record.
    return not (_PLACE_NUMBER_KEY.match(key.group())
                and _parse_valid(value.group("s"), phone_regions())[0] is not None)


_PLACE_NUMBER_KEY = re.compile(r"(?:id|number|\#|n[uú]mero)\s+(?:at|with|from|en|del?)\s")
_keyed(
    "mrn", _RECORD_WORDS,
    rf"[^0-9\n]{{0,50}}?(?<![\w-])(?P<s>{_ID})",
    value_folded=False, check=_record_check,
)
# A health system's name right before a long number: "IMSS 12345678901", "PAMI 150123456789".
_keyed(
    "mrn",
    r"\b(?:imss|issste|pami|osde|ioma|essalud|fonasa|isapre|sanitas|medicaid|medicare|kaiser"
    r"|upmc|tricare)\b",
    rf"\s*[:#]?\s*(?P<s>{_ID})",
    value_folded=False,
    check=lambda _k, v: (_digits(v.group("s")) >= 8 and _record_value(v.group("s"))
                         and (_digits(v.group("s")) > 10
                              or _parse_valid(v.group("s"), phone_regions())[0] is None)),
)
# An institution's name before "#", "number" or "ID": "Mayo # 54-226-578", "St. Luke's
# #7741902", "my UPMC number is 4410928", "my number at Cedars is 004-88-219".
_NOT_AN_INSTITUTION = re.compile(
    r"\b(?:room|apt|apartment|suite|ste|unit|step|flight|bus|route|gate|page|question|issue|post"
    r"|thread|comment|order|lot|batch|invoice|ticket|case|claim|item|model|part|serial|rx"
    r"|prescription|tracking|confirmation|reference|ref|number|no|option|exit|highway|hwy"
    r"|calle|av|ave|avenida|carrera|street|road|rd|sur|norte|oriente|poniente|pte|ote"
    r"|nte|col|colonia|blvd|drive|lane|ln|mz|lote|casa|bloque|depto|interior|int|pedido"
    r"|factura|folio|receta|cuarto|habitaci[oó]n|cama|bed|week|day|grupo|group|plan|phone"
    r"|cell|fax|tel|contact|home|work|mobile|direct|office|main|toll|whatsapp|telegram|my|the"
    r"|a|an|and|or|his|her|their|our|your|this|that|what|which|new|old|old|i|we|you|it|tel"
    r"|text|call|mi|el|la|su|tu|de|del|and|version|v|track|episode|chapter|vol|volume|size)\b"
    r"|\b(?:st|dr)\.?\s*$",
    re.IGNORECASE,
)
_INSTITUTION = re.compile(
    r"(?:(?<![\w'])[A-ZÁÉÍÓÚÑ][\w'.&-]*(?:\s+(?:[A-ZÁÉÍÓÚÑ][\w'.&-]*|de|del|of)){0,3}\s?)\Z")


def _institution_check(key: re.Match[str], value: re.Match[str]) -> bool:
    text = value.string
    if not _record_value(value.group("s")):
        return False
    if value.group("at") is not None:  # "my number at Cedars is ..."
        name = value.group("at")
        mine = re.search(r"\b(?:my|mi|his|her|their|our|su)\s+\Z", text[max(0, key.start() - 8):
                                                                          key.start()])
        if mine is None:
            return False
    else:
        found = _INSTITUTION.search(text, max(0, key.start() - 60), key.start())
        if found is None:
            return False
        name = found.group()
    if _NOT_AN_INSTITUTION.search(name):
        return False
    # A number the text gives after a person's name is more likely their phone.
    return key.group().strip() == "#" or not _parse_valid(value.group("s"), phone_regions())[0]


_INSTITUTION_NUMBER = _Keyed(
    "mrn", re.compile(r"(?<![a-záéíóúñ])(?:\#|number|n[uú]mero|id)(?![a-záéíóúñ])"),
    re.compile(
        r"(?:\s+(?i:at|with|from|for|en|del?)\s+(?:the\s+)?"
        r"(?P<at>[A-ZÁÉÍÓÚÑ][\w'&.-]*(?:\s+[A-ZÁÉÍÓÚÑ][\w'&.-]*){0,2}))?"
        r"\s*(?:(?i:which|that)\s+(?i:is|was)\s+|(?i:is|was|es|era)\s+|:\s*)?"
        rf"(?P<s>{_ID})"),
    value_folded=False, check=_institution_check,
)

# --------------------------------------------------------------------------------------------
# Dates of birth, only where the text says it is one.

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
# A full date: a year or a two-digit year.
_FULL_DATE = (
    rf"(?:{_DAY}[/.-]{_DAY}[/.-](?:{_YEAR}|[0-9]{{2}})"
    rf"|{_YEAR}[/.-][01]?[0-9][/.-]{_DAY}"
    rf"|{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?(?:,?\s+of|,)?\s*(?:{_YEAR}|'?[0-9]{{2}})"
    rf"|(?:the\s+)?{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?:{_YEAR}|'?[0-9]{{2}})"
    rf"|{_DAY}[\s/-]{_MONTH}[\s/-](?:{_YEAR}|[0-9]{{2}})"
    rf"|{_DAY}{_ORDINAL}\s+(?:de\s+)?{_MES},?\s+(?:de(?:l)?\s+)?(?:{_YEAR}|[0-9]{{2}})"
    rf"|{_MES}\s+{_DAY},?\s+(?:de(?:l)?\s+)?{_YEAR}"
    rf"|{_DAY}-?{_MON3}-?(?:{_YEAR}|[0-9]{{2}}))(?![0-9])"
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
                     for date in _NEAR_FULL_DATE.finditer(folded, start, words.start())
                     if _DATE_TO_WORDS.match(folded, date.end(), words.start()))
    return found


# A full date beside someone's age: "I'm 62 (3/14/1962)", "tengo 55 años, del 03/08/1969".
_AGE_WORDS = re.compile(
    r"\b(?:years?\s+old|yrs?\s+old|y/o|yo|age[ds]?|edad|a[nñ]os|turn(?:ed|ing|s)?"
    r"|cumpl[ií]\w*)\b")
_NEAR_FULL_DATE = re.compile(rf"(?<![0-9/.-])(?P<s>{_FULL_DATE})")
_AGE_REACH = 40


_TURNING_ON = re.compile(
    r"\b(?:turn(?:s|ed|ing)?|i'll\s+be|cumplo|cumple|cumpl[ií]|voy\s+a\s+cumplir)\s+[0-9]{1,3}"
    r"(?:\s+(?:years?|a[nñ]os))?(?:\s+old)?\s+(?:on|el)\s+(?:the\s+)?"
    rf"(?P<s>{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?|{_DAY}(?:st|nd|rd|th)?\s+of\s+{_MONTH}"
    rf"|{_DAY}{_ORDINAL}\s+de\s+{_MES}|{_DAY}[/.-]{_DAY})(?![0-9])")


def _dates_beside_ages(text: Text) -> list[Finding]:
    found: list[Finding] = []
    if not text.has_digit:
        return found
    folded = text.folded
    found.extend(finding("dob", m.span("s")) for m in _TURNING_ON.finditer(folded))
    for age in _AGE_WORDS.finditer(folded):
        start, end = max(0, age.start() - _AGE_REACH), age.end() + _AGE_REACH
        if _DIGIT.search(folded, start, end) is None:
            continue
        for date in _NEAR_FULL_DATE.finditer(folded, start, end):
            year = re.search(r"(?:19|20)[0-9]{2}(?![0-9])", date.group("s"))
            if year is not None and 1900 < int(year.group()) <= _LATEST_BIRTH_YEAR - 6:
                found.append(finding("dob", date.span("s")))
    return found


# --------------------------------------------------------------------------------------------
# Street addresses, US and Latin American or Spanish forms.

_STREET = (
    r"(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Way|Place|Terrace|Circle|Parkway"
    r"|Highway|Trail|Square|Crescent|Alley|Pike|Loop|Plaza|Gardens|Close|Mews|Grove|Rise|Heights"
    r"|Hollow|Ridge|Commons|Path|Row|Cove|Bend|Run|Pass|Point|Landing|Crossing|Trace|Walk"
    r"|Ave|Rd|Blvd|Ln|Ct|Pl|Ter|Terr|Cir|Pkwy|Hwy|Trl|Sq|Cres|Cv"
    r"|street|avenue|road|boulevard|blvd|ave|rd|STREET|AVENUE|ROAD|DRIVE|LANE|ST|AVE|RD|BLVD|DR"
    r"|LN"
    # "St" and "Dr" are also Saint and Doctor: not when a name follows ("Dr Lee", "St Mary's").
    r"|(?:St|Dr)(?!\.?\s+(?!(?:I|It|It's|We|My|The|They|He|She|This|That|If|And|But|So"
    r"|Please|Thanks|Anyone|Come|Call|Text)\b)[A-Z][a-z]))"
)
_STREET_ANY_CASE = (
    r"(?:street|avenue|road|boulevard|lane|drive|court|way|place|terrace|circle|parkway"
    r"|highway|trail|crescent|path|st|ave|rd|blvd|ln|dr|ct|pl|ter|terr|cir|pkwy|hwy)"
)
_UNIT = r"(?i:,?\s+(?:apt|apartment|unit|suite|ste|\#)\.?\s*\#?\s*[0-9][0-9a-z-]{0,5}\b)?"
_UNIT_FOLDED = r"(?:,?\s+(?:apt|apartment|unit|suite|ste|\#)\.?\s*\#?\s*[0-9][0-9a-z-]{0,5}\b)?"
_NOT_A_STREET_NAME = (
    r"(?:The|A|An|And|Or|Of|On|At|In|To|My|Our|Your|His|Her|Their|Down|Up|Across|Along"
    r"|Around|From|Off|Over|Past|Near|By|Miles?|Blocks?|Steps?|Times|Days?|Weeks?|Months?"
    r"|Years?|Hours?|Minutes?|Mins?|Am|Pm|AM|PM|A\.M|P\.M|Units?|Mg|MG|Pills?|Type|I|Is"
    r"|Was|Laps?|Kids?|Dr|Doctors?)\b"
)
# Institutions: an address after these words (nearer than any word of a home) is public.
_PUBLIC_PLACE = re.compile(
    r"\b(?:hospital|clinic|center|centre|office|garage|parking|pharmacy|building|campus"
    r"|lot\s+(?:across|near|behind|next|beside|by|off)"
    r"|library|church|school|hotel|store|shop|mall|station|museum|gym|ymca|headquarters|hq"
    r"|university|department|dept|cl[ií]nica|centro|oficina|farmacia|iglesia|escuela"
    r"|estacionamiento|tienda|sede|imss|issste|universidad|consultorio|laboratorio"
    r"|laboratory|parroquia|templo|mercado|restaurante?|museo|parque|gimnasio|sanatorio"
    r"|dispensario|ayuntamiento|theat(?:er|re)|courthouse|city\s+hall|post\s+office|banco"
    r"|hospice|walgreens|cvs|walmart|costco|kroger|rite\s+aid|motel|shelter"
    r"|albergue|asilo|residencia\s+de\s+ancianos)\b",
    re.IGNORECASE,
)
_PRIVATE_PLACE = re.compile(
    r"\b(?:my|mine|our|me|i|i'm|we|home|house|live[sd]?|living|apartment|mi|mis|nuestr[oa]"
    r"|casa|vivo|vive|viven|vivimos|domicilio|depto|departamento|m[aá]nd\w+|env[ií]\w+"
    r"|send|mail|ship|her|his|their|mom|dad|mother|father|sister|brother|son|daughter|aunt"
    r"|uncle|grandma|grandpa|wife|husband|friend|neighbou?r|mam[aá]|pap[aá]|herman[oa]|hij[oa]"
    r"|abuel[oa]|espos[oa]|t[ií][oa]|amig[oa]|vecin[oa]|su|sus)\b",
    re.IGNORECASE,
)


# The institution's word close before the address ("the center at", "el hospital está en").
_PUBLIC_PLACE_NEAR = re.compile(_PUBLIC_PLACE.pattern + r"[^\n.!?]{0,25}$", re.IGNORECASE)


def _home_address_at(text: str, start: int) -> bool:
    """Not an institution's public address ("the cancer center at 1515 Holcombe Blvd")."""
    before = text[max(0, start - 60):start]
    public = _PUBLIC_PLACE_NEAR.search(before)
    return public is None or _last(_PRIVATE_PLACE, before) > public.start()


_rule(
    "address",
    r"(?<![\w$/.,:#-])(?P<s>[0-9]{1,6}(?:-[0-9]{1,4})?[A-Za-z]?\s+"
    rf"(?:(?!{_NOT_A_STREET_NAME})(?:[A-Z][A-Za-z'.-]*|[0-9]{{1,3}}(?:st|nd|rd|th))\s+){{1,4}}"
    rf"{_STREET}(?![\w']){_UNIT}\.?)",
    flags=0, needs_digit=True, check=lambda m: _home_address_at(m.string, m.start("s")),
)
# Lower-case, where the text offers it as where someone lives or where to send things: "i live
# at 42 maple st", "send the card to 480 oak knoll drive", "we're at 12 elm st".
_keyed(
    "address",
    r"\b(?:live[sd]?|living|stay(?:ing)?|address(?:\s+is)?|house|home|apartment|place"
    r"|located|meet\s+(?:me|us)|come\s+(?:by|over)|drop\s+(?:it\s+)?off|stop\s+by|visit"
    r"|i'm\s+at|we're\s+at|i\s+am\s+at|we\s+are\s+at|pick\s+(?:it\s+)?up"
    r"|(?:mail|send|ship|deliver|bring)(?:\s+[a-z']+){0,3}?\s+to)\b",
    r"\s*(?:at|on|to|is|:)?\s*"
    r"(?P<s>[0-9]{1,6}[a-z]?\s+(?:(?!(?:the|a|an|of|and|miles?|blocks?|minutes?|hours?|days?"
    r"|weeks?|times|from|away)\b)[a-z0-9][a-z'.-]*\s+){1,4}?"
    rf"{_STREET_ANY_CASE}(?![\w']){_UNIT_FOLDED}\.?)",
    check=lambda _k, v: _home_address_at(v.string, v.start("s")),
)
# Abbreviated street kinds are an address without any other context: "42 maple st"; so are
# the full words after a name that is not a distance or a time ("480 oak knoll drive", not "a
# 20 minute drive").
_rule(
    "address",
    r"(?<![\w$/.,:#-])(?P<s>[0-9]{1,6}[a-z]?\s+(?:(?!(?:the|a|an|of|and|mg|ml|times|pills?"
    r"|tabs?|units?|min|mins|minutes?|hrs?|hours?|days?|weeks?|months?|years?|miles?|mile|km"
    r"|blocks?|steps?|feet|foot|yards?|way|lane|car|hour|at|on|in|to|for|per|or|my|your|our"
    r"|his|her|their|long|short|hard|easy|big|small|more|other|different|new|extra|second"
    r"|minute)\b)[a-z][a-z'.-]*\s+){1,3}?(?:street|avenue|boulevard|road|drive|lane|court"
    r"|terrace|place|parkway|circle)\b(?![\w'])(?:,?\s+(?:apt|apartment|unit|suite|\#)\.?\s*"
    r"\#?\s*[0-9][0-9a-z-]{0,5}\b)?)",
    flags=0, triggers=(" street", " avenue", " boulevard", " road", " drive", " lane", " court",
                       " terrace", " place", " parkway", " circle"), needs_digit=True,
    check=lambda m: _home_address_at(m.string, m.start("s")),
)
_rule(
    "address",
    r"(?<![\w$/.,:#-])(?P<s>[0-9]{1,6}[a-z]?\s+(?:(?!(?:the|a|an|of|and|mg|ml|times|pills?"
    r"|tabs?|units?|min|mins|hrs?|days?|weeks?|at|on|in|to|for|per|or)\b)[a-z][a-z'.-]*\s+)"
    r"{1,3}?(?:st|ave|rd|blvd|ln|pkwy|hwy|St|Ave|Rd|Blvd|Ln|Pkwy|Hwy)\b\.?(?![\w']))",
    flags=0, triggers=(" st", " ave", " rd", " blvd", " ln", " pkwy", " hwy"), needs_digit=True,
    check=lambda m: _home_address_at(m.string, m.start("s")),
)
_rule(
    "address",
    r"\b(?P<s>(?:p\.?\s?o\.?\s+box|post\s+office\s+box|(?:rr|rural\s+route|hcr?)[\s-]*[0-9]{1,3},?\s+box"
    r"|(?:psc|cmr|unit)\s+[0-9]{3,5},?\s+box"
    r"|apartado(?:\s+(?:postal|de\s+correos))?"
    r"|apdo\.?|casilla(?:\s+postal)?)\s+(?:n[oº°]\.?\s*)?[0-9]{1,6})\b",
    triggers=("box", "apartado", "apdo", "casilla"), needs_digit=True,
)

# Spanish and Latin American: the kind of street, its name, then the number: "Calle 5 de Mayo
# 492", "Av. Insurgentes Sur #970, Col. Roma Norte", "C/ Mayor 12, 3º B", "Carrera 43A # 7-50",
# "Privada Nogales 18", "Av. Constitución 1502 Pte", "Jr. Junín 123".
_VIA = (
    r"(?<![\w/])(?:[Cc]alle|CALLE|[Aa]venida|AVENIDA|[Aa]vda\.?|[Cc]arrera|[Pp]rivada"
    r"|[Cc]allej[oó]n|[Cc]alzada|Diagonal|Transversal|Cerrada|Paseo|Pasaje|Camino|Carretera"
    r"|Bulevar|Boulevard|Prolongaci[oó]n|Andador|Ronda|Traves[ií]a|Circuito|Retorno|V[ií]a|Plaza"
    r"|Jir[oó]n"
    r"|C/|c/|Cl\.|Cll\.?|Av\.?|Ave\.?|Cra\.?|Kr\.?|Priv\.|Calz\.|Blvd\.?|Pza\.|Cda\.|Prol\.|Jr\."
    r"|Psje\.|Dg\.|Tv\.|P[º°]\.?|Pso\.|Ctra\.|Carr\.|[Cc]ra\.?|[Cc]ll\.?|[Cc]l\.|av\.|avda\."
    r"|Rambla|Carrer|R[uú]a|Avinguda|Passeig|Travessera|Eje|Perif[eé]rico|Anillo|Circunvalaci[oó]n"
    r"|Viaducto|Libramiento|AV\.?|AVENIDA|CALLE|C\.(?=\s+[A-ZÁÉÍÓÚÑ]))"
)
_NAME_WORD = (r"(?:[A-ZÁÉÍÓÚÑ][\w'.ºª°-]*|[0-9]{1,3}[A-Za-zºª°]?|de|del|la|las|los|el|y|esq\."
              r"|esquina|con|entre)")
_HOUSE = (
    r"(?:(?i:s/n)|(?:\#|(?i:no\.?|n[º°]\.?|n[uú]m\.?|n[uú]mero|casa):?)?\s*(?:[NSEO](?=[0-9]))?"
    r"[0-9]{1,5}[A-Za-z]?(?:\s?-\s?[0-9]{1,4})?)"
    r"(?:\s+(?:Pte|Ote|Nte|Sur|Norte|Poniente|Oriente)\b\.?)?"
)
_UNIT_ES = (
    r"(?:,?\s*(?:(?i:depto|dpto|apto|apt|int|interior|piso|casa|local)\.?\s*\#?\s*[0-9]{1,5}"
    r"[A-Za-z]?|[0-9]{1,2}\s?[ºª°]\s?[A-Z]?\b))?"
)
_NEIGHBOURHOOD = (
    r"(?:,?\s*(?i:col\.|colonia|fracc\.|fraccionamiento|barrio|urb\.|urbanizaci[oó]n|sector"
    r"|zona)\s+(?:[A-ZÁÉÍÓÚÑ0-9][\w'.-]*(?:\s+(?:[A-ZÁÉÍÓÚÑ][\w'.-]*|del?|la|los)){0,3}))?"
)
_SPANISH_STREET = re.compile(
    rf"{_VIA}:?\s+{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}?,?\s*{_HOUSE}(?![0-9]){_UNIT_ES}"
    rf"{_NEIGHBOURHOOD}"
)


def _spanish_streets(text: Text) -> list[Finding]:
    if not text.has_digit:
        return []
    return [finding("address", match.span()) for match in _SPANISH_STREET.finditer(text.normal)
            if _home_address_at(text.normal, match.start())]


# Number first, as in Puerto Rico and Central America: "2210 Calle Loíza Apt 3B",
# "418 Ave Ponce de León", "3a Avenida 14-62 Zona 1".
_rule(
    "address",
    r"(?<![\w$/.,:#-])(?P<s>(?:[0-9]{1,5}[A-Za-z]?\s+(?:Calle|Ave\.?|Avenida|Carretera|Camino)"
    r"\s+[A-ZÁÉÍÓÚÑ][\w'.-]*(?:\s+(?!(?:Apt|Apartment|Unit|Suite|Ste|Depto|Apto)\b)"
    r"(?:[A-ZÁÉÍÓÚÑ][\w'.-]*|de|del|la|los)){0,3}"
    r"|[0-9]{1,2}(?:a|ª|º|o|era|ra)\.?\s+(?i:avenida|calle)\s+[0-9]{1,3}-[0-9]{1,3}"
    rf"(?:\s+(?i:zona)\s+[0-9]{{1,2}})?){_UNIT}{_UNIT_ES})",
    flags=0, triggers=(" calle", " ave", " avenida", " carretera", " camino"), needs_digit=True,
    check=lambda m: _home_address_at(m.string, m.start("s")),
)
# A neighbourhood then the house: "colonia Kennedy, bloque F casa 1412", "Urb. Los Pinos calle 3
# #45", "Bloque 7, portal 2, 1ºA", "Mz. B Lt. 12".
_rule(
    "address",
    r"(?P<s>\b(?i:colonia|col\.|urb\.|urbanizaci[oó]n|barrio|fracc\.|fraccionamiento|residencial"
    r"|reparto|bloque|manzana|mz\.?|edificio|edif\.|torre|cond\.|condominio|sector|lote"
    r"|lt\.)\s+"
    r"[A-ZÁÉÍÓÚÑ0-9][\w'.-]*(?:\s+(?:[A-ZÁÉÍÓÚÑ][\w'.-]*|del?"
    r"|la|los|las)){0,3},?\s+(?i:bloque|casa|lote|lt\.?|manzana|mz\.?|calle|portal|apto|apt"
    r"|depto|dpto|edificio|edif\.)\.?\s+\#?\s*[A-Z0-9]{1,4}(?:,?\s+(?i:casa|lote|lt\.?|portal|apto|apt"
    r"|depto|piso|\#)"
    r"\s*\#?\s*[0-9]{1,5}[A-Za-z]?)?)",
    flags=0,
    triggers=("colonia", "col.", "urb", "barrio", "fracc", "residencial", "reparto", "bloque",
              "manzana", "mz", "edificio", "edif.", "torre", "cond", "sector", "lote", "lt."),
    needs_digit=True,
    check=lambda m: (re.search(r"[0-9]", m.group("s")) is not None
                     and _home_address_at(m.string, m.start("s"))),
)
# Where someone says they live, in Spanish, a street name and a number without the kind of
# street: "vivo en Insurgentes 1500", "mi dirección es Hidalgo 45, Centro".
_keyed(
    "address",
    r"\b(?:vivo|vive|viven|vivimos|(?:mi|nuestra|su)\s+casa(?:\s+(?:es|est[aá]|queda))?"
    r"|mi\s+domicilio|mi\s+direcci[oó]n|domicilio|direcci[oó]n)\b",
    r"\s*(?:es|en|:|a|al)?\s*(?:la\s+|el\s+)?"
    r"(?P<s>(?:(?i:calle|avenida|av\.?|privada|cerrada|andador|callej[oó]n)\s+)?"
    r"(?!(?:de|del|la|los|las|el|hace|desde|por|con|en|un|una|mis|mi|los)\b)"
    r"[A-ZÁÉÍÓÚÑa-záéíóúñ][\w'.-]*(?:\s+(?!(?:hace|desde|por|con|en|un|una|tengo|tiene|son|es"
    r"|y|a|al|que|para|mis|mi)\b)[\w'.-]+){0,4}?,?\s*"
    r"(?:\#|(?i:no\.?|n[uú]m\.?))?\s*[0-9]{1,5}[A-Za-z]?(?:\s?-\s?[0-9]{1,4})?)"
    r"(?![0-9]|\s*%|\s+(?!(?:int|interior|depto|dpto|col|colonia|piso|casa|entre|esq|esquina|y"
    r"|cp|c\.p)\b)[a-záéíóúñ])",
    value_folded=False, check=lambda k, _v: _home_address_at(k.string, k.start()),
)


# A street name and number followed by the neighbourhood, as in Mexico: "Morelos 123, Col.
# Centro", "Hidalgo 45 int. 2, Fracc. Las Palmas".
_rule(
    "address",
    r"(?P<s>(?<![\w])[A-ZÁÉÍÓÚÑ][\w'.-]*(?:\s+(?:[A-ZÁÉÍÓÚÑ][\w'.-]*|de|del|la|los)){0,3}\s+"
    r"(?:\#\s?|(?i:no\.?)\s?)?[0-9]{1,5}[A-Za-z]?(?:-[0-9]{1,4})?"
    r"(?:\s+(?i:int|interior|depto|dpto)\.?\s*[0-9A-Z]{1,4})?,?\s*"
    r"(?i:col\.|colonia|fracc\.|fraccionamiento|barrio|urb\.|urbanizaci[oó]n)\s+"
    r"[A-ZÁÉÍÓÚÑ0-9][\w'.-]*(?:\s+(?:[A-ZÁÉÍÓÚÑ][\w'.-]*|del?|la|los)){0,2})",
    flags=0, triggers=("col", "fracc", "barrio", "urb"), needs_digit=True,
    check=lambda m: _home_address_at(m.string, m.start("s")),
)
# A house number and a street name without its kind after the words of living there: "I live
# at 23 Carver", "my address is 7 Rue Cler" (kept only where no other rule found the address).
_LIVING_AT = _Keyed(
    "address",
    re.compile(r"\b(?:live[sd]?|living|address(?:\s+is)?|house|home|place|apartment|condo"
               r"|trailer|staying|i'm|we're|i\s+am|we\s+are)\s*(?:at|on|is|:)\s*"),
    re.compile(
        rf"(?P<s>(?:[0-9]{{1,6}}[A-Za-z]?|(?i:{_SPELLED_WORD})(?:[\s-](?i:{_SPELLED_WORD})){{0,3}})"
        r"\s+(?!(?i:minutes?|mins?|miles?|blocks?|hours?|km|steps?|am|pm|a\.m|p\.m|o'clock"
        r"|percent|degrees?|mg|units?|lbs?|pounds|kg"
        r"|doors?|houses?|floors?|years?|days?|weeks?|months?|from|away|times|of|the|a|an)\b)"
        r"(?:[NSEW]\.?\s+(?=[A-Z]))?"
        r"(?!(?:North|South|East|West)\b(?!\s+[A-Z]))(?!(?:Floor|Wing|Tower|Unit|Ward|Bed|Room"
        r"|Pod|Bay|Weeks?|Days?|Months?|Years?)\b)[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})"
        r"(?![\w'])"),
    value_folded=False, digit_within=0,
)


# A house number and street name with a unit after it: "1420 Elm, Apt 3B".
_rule(
    "address",
    r"(?<![\w$/.,:#-])(?P<s>[0-9]{1,6}[A-Za-z]?\s+[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2},?\s+"
    r"(?:Apt|Apartment|Unit|Suite|Ste|Flat|apt|unit|suite)\.?\s*\#?\s*[0-9][0-9A-Za-z-]{0,4})\b",
    flags=0, triggers=("apt", "apartment", "unit", "suite", "ste", "flat"), needs_digit=True,
    check=lambda m: _home_address_at(m.string, m.start("s")),
)
# A house number, then a city, a state and a ZIP code: "77 Harbor View, Springfield, IL 62704".
_US_STATE = (
    r"(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV"
    r"|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|PR|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)"
)
_rule(
    "address",
    r"(?<![\w$/.,:#-])(?P<s>[0-9]{1,6}[A-Za-z]?\s+[A-Z][\w'.-]*(?:\s+[\w'.#-]+){0,5}?,\s*"
    rf"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}},?\s+{_US_STATE}\s+[0-9]{{5}}(?:-[0-9]{{4}})?)(?![0-9])",
    flags=0, needs_digit=True, check=lambda m: _home_address_at(m.string, m.start("s")),
)
# A number in words before a named street: "forty-four Elm Street" (not "One Way Street").
_SPELLED_HOUSE = re.compile(
    rf"(?<![\w-])(?:{_SPELLED_WORD})(?:[\s-](?:{_SPELLED_WORD})){{0,3}}\s+")
_NAMED_STREET = re.compile(
    rf"(?:(?!{_NOT_A_STREET_NAME}|Way\b)[A-Z][A-Za-z'.-]*\s+){{1,3}}{_STREET}(?![\w'])")


def _spelled_streets(text: Text) -> list[Finding]:
    found: list[Finding] = []
    for number in _SPELLED_HOUSE.finditer(text.folded):
        words = number.group().split()
        if len(words) == 1 and "-" not in words[0] and words[0] in _UNITS:
            continue  # "one", "two": too often not a house number
        street = _NAMED_STREET.match(text.normal, number.end())
        if street is not None and _home_address_at(text.normal, number.start()):
            found.append(finding("address", (number.start(), street.end())))
    return found


# The unit first, then the house number and street: "Apt 4B, 1420 Elm".
_rule(
    "address",
    r"\b(?P<s>(?:Apt|Apartment|Unit|Suite|Ste|Flat|apt|unit)\.?\s*\#?[0-9][0-9A-Za-z-]{0,4},?\s+"
    r"[0-9]{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})(?![\w'])",
    flags=0, triggers=("apt", "apartment", "unit", "suite", "ste", "flat"), needs_digit=True,
    check=lambda m: _home_address_at(m.string, m.start("s")),
)
# A house number and street, then a city and a state: "44 Elm, Springfield, IL".
_rule(
    "address",
    r"(?<![\w$/.,:#-])(?P<s>[0-9]{1,6}[A-Za-z]?\s+[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2},\s*"
    rf"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}},?\s+{_US_STATE})\b",
    flags=0, needs_digit=True, check=lambda m: _home_address_at(m.string, m.start("s")),
)
# A Mexican or Spanish postal code with its label, after a street and number: "Morelos 123,
# Centro, C.P. 62000".
_rule(
    "address",
    r"(?P<s>(?<![\w])[A-ZÁÉÍÓÚÑ][\w'.-]*(?:\s+[\w'.-]+){0,3}\s+\#?[0-9]{1,5}[A-Za-z]?"
    r"(?:[,\s]+[\w'.-]+){0,4}?[,\s]+(?i:c\.\s?p\.|cp|c\.p|c[oó]digo\s+postal)\s*:?\s*[0-9]{5})"
    r"(?![0-9])",
    flags=0, triggers=("c.p", "cp", "c. p", "postal"), needs_digit=True,
    check=lambda m: _home_address_at(m.string, m.start("s")),
)


# The neighbourhood first, then the street and number: "Col. Roma Norte, Durango 123".
_rule(
    "address",
    r"(?P<s>\b(?i:col\.|colonia|fracc\.|fraccionamiento|barrio|urb\.|urbanizaci[oó]n|residencial)"
    r"\s+[A-ZÁÉÍÓÚÑ0-9][\w'.-]*(?:\s+(?:[A-ZÁÉÍÓÚÑ][\w'.-]*|del?|la|los)){0,3},\s*"
    r"[A-ZÁÉÍÓÚÑ][\w'.-]*(?:\s+(?:[A-ZÁÉÍÓÚÑ][\w'.-]*|de|del|la|los)){0,3}\s+"
    r"(?:\#\s?|(?i:no\.?|n[uú]m\.?)\s?)?[0-9]{1,5}[A-Za-z]?(?:-[0-9]{1,4})?)(?![0-9])",
    flags=0, triggers=("col", "fracc", "barrio", "urb", "residencial"), needs_digit=True,
    check=lambda m: _home_address_at(m.string, m.start("s")),
)
# Lower-case, as people type: "en la calle morelos 123", "av. juárez #45 int 2".
_rule(
    "address",
    r"(?<![\w/])(?P<s>(?:calle|avenida|av\.|avda\.?|c/|privada|cerrada|andador|callej[oó]n|calzada"
    r"|prolongaci[oó]n|boulevard|bulevar|blvd\.?|carrera|cra\.?|diagonal|transversal|pasaje)\s+"
    r"(?!(?:de|del|la|las|los|el|hace|desde|por|con|en|un|una|mis|mi|tu|su|y|a|al|que|para|sin"
    r"|me|se|le|lo|muy|m[aá]s|ya|no|es|est[aá]|son|fue|como|cuando|donde|todo|todos)\b)"
    r"[a-záéíóúñ][a-záéíóúñ'.-]*(?:\s+(?!(?:hace|desde|por|con|en|un|una|tengo|tiene|son|es|y|a"
    r"|al|que|para|mis|mi|me|se|le|lo|no|ya|muy|m[aá]s)\b)(?:[a-záéíóúñ][a-záéíóúñ'.-]*|de|del"
    r"|la)){0,3}\s*(?:\#|no\.?|n[uú]m\.?|n[º°])?\s*[0-9]{1,5}[a-z]?(?:-[0-9]{1,4})?)"
    r"(?![0-9]|\s*%|\s+(?!(?:int|interior|depto|dpto|col|colonia|piso|casa|entre|esq|esquina|y"
    r"|cp|c\.p)\b)[a-záéíóúñ])",
    triggers=("calle", "avenida", "av.", "avda", "c/", "privada", "cerrada", "andador", "callej",
              "calzada", "prolongaci", "boulevard", "bulevar", "blvd", "carrera", "cra",
              "diagonal", "transversal", "pasaje"),
    needs_digit=True, check=lambda m: _home_address_at(m.string, m.start("s")),
)


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
    _screening.parsed = {}
    try:
        return _find(text)
    finally:
        _screening.parsed = None


def _find(text: Text) -> list[Finding]:
    found = RULES.find(text)
    for rule in KEYED:
        found.extend(rule.find(text))
    found += (_phone_findings(text) + _spelled_findings(text) + _spelled_emails(text)
              + _user_names(text) + _spelled_streets(text)
              + _spanish_streets(text) + _numbers_named_after(text) + _dates_beside_ages(text))
    found += _dates_before_birth_words(text)
    # "Insurgentes Sur #970" is an address, not a record number after a name.
    addresses = [f.span for f in found if f.kind == "address"]
    found.extend(f for f in _INSTITUTION_NUMBER.find(text) + _LIVING_AT.find(text)
                 if not any(a < f.span[1] and f.span[0] < b for a, b in addresses))
    return found


warm_up()
