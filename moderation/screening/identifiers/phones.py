"""Phone numbers, through ``phonenumbers`` (Google's libphonenumber) over the regions of
``settings.HEARTH_PHONE_REGIONS``, and rules for what the library cannot know: seven-digit local
numbers and numbers of other countries offered as "my cell"."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher, PhoneNumberType

from ..base import Finding, Text, finding
from .common import _digits, _keyed, _last, _looks_like_date, _rule, phone_regions


def warm_up() -> None:
    """Load the phone metadata of the members' regions now (the library loads it lazily, at a
    cost of several milliseconds on the first number of each region)."""
    for region in phone_regions():
        phonenumbers.example_number(region)


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
    r"historia|seguro\s+social|social|ssn|sn|s/n|serie|gu[ií]a|env[ií]o|rastreo|shipment|package"
    # a video call's meeting ID or passcode: "support group zoom: 418 229 3371"
    r"|zoom|webex|webinar|meeting\s+id|passcode|access\s+code|c[oó]digo\s+de\s+acceso"
    r"|reuni[oó]n"
    r")\s*(?:number|no\.?|num|n[uú]mero|id|\#)?"
    # whose it is, between the label and the number: "guía de DHL es", "order from Amazon:"
    r"(?:\s+(?:de|del|of|from|for|on|with|at)\s+(?:la\s+|el\s+|the\s+|my\s+|mi\s+)?[\w.&'-]+)?"
    r"\s*[:#]?\s*(?:is\s+|es\s+|was\s+)?$",
    re.IGNORECASE,
)
# The number belongs to an institution, said just before it: "the main number is", "helpline",
# "la línea de ... es". The nearest of these and the personal words below decides.
_PUBLIC_PHONE_CONTEXT = re.compile(
    r"\b(?:main\s+(?:\w+\s+){0,2}(?:number|line|desk|office)|hot\s?line|help\s?line|help\s+desk"
    r"|info(?:rmation)?\s+line|customer\s+(?:service|care|support)|member\s+services"
    r"|support\s+(?:line|number|team)|switchboard|toll[\s-]?free|call\s+cent(?:er|re)"
    r"|poison\s+control|lifeline|crisis\s+line|nurse\s+line|front\s+desk|operator"
    r"|(?:advice|triage|after[\s-]hours|on[\s-]call|appointment|scheduling)\s+line"
    r"|(?:appointments?|scheduling|billing|pharmacy|office|hospital|clinic|center|centre"
    r"|department|dept|foundation|association|society|agency|program|company|insurance"
    r"|insurer)(?:'s)?\s+(?:main\s+)?(?:line|number|phone|desk)"
    r"|l[ií]nea|conmutador|atenci[oó]n\s+(?:al?\s+)?(?:cliente|paciente|usuario)s?"
    r"|lada\s+sin\s+costo|n[uú]mero\s+gratuito|gratuit[oa]|centro\s+de\s+atenci[oó]n"
    r"|centro\s+de\s+\w+|fundaci[oó]n|asociaci[oó]n|cruz\s+roja|saptel|locatel|conadic"
    r"|secretar[ií]a|ministerio|instituto|consulado|embajada|salud\s+responde|fax"
    r"|consejo\s+ciudadano|tel[eé]fono\s+de\s+la\s+esperanza|dif|assmca"
    r"|(?:doctor|dr|pharmacy|clinic|hospital|dentist|practice|company|er|icu|nicu|ward|unit"
    r"|department|floor|lab)'s\s+(?:office\s+|direct\s+|main\s+|own\s+)?"
    r"(?:at|is|number|line|phone)"
    r"|(?:tel[eé]fono|n[uú]mero|tel\.?)\s+(?:del|de\s+la|de)\s+(?:hospital|cl[ií]nica|centro"
    r"|fundaci[oó]n|asociaci[oó]n|farmacia|oficina|imss|issste|seguro|cruz\s+roja|aseguradora"
    r"|consulado|embajada))\b",
    re.IGNORECASE,
)
_PERSONAL_PHONE_CONTEXT = re.compile(
    r"\b(?:my|mine|me|him|her|his|our|us|mi|m[ií]|yo|me|mis|su|sus|nuestro|ll[aá]mame|m[aá]rcame"
    r"|escr[ií]beme|cel|cell|mobile|m[oó]vil|celular|whats(?:app)?|home|casa"
    # the formal "usted" asks too: "llámeme", "márqueme", "escríbame", "contácteme"
    r"|ll[aá]meme|m[aá]rqueme|escr[ií]bame|cont[aá]cteme|h[aá]bleme)\b",
    re.IGNORECASE,
)
_PHONE_LOOKBACK = 40
# A place that answers the phone, named as the number's owner in the same sentence: "el número
# de la clínica de dolor del Hospital Ángeles es", "call the pharmacy at Walgreens on 5th,", "la
# farmacia de la esquina tiene el teléfono", "the hospital's number is".
_PLACE = (
    r"(?:hospital|clinic|cl[ií]nica|pharmacy|farmacia|consultorio|campus|imss|issste|sanatorio"
    r"|laboratorio|lab|urgencias|centro\s+m[eé]dico|medical\s+cent(?:er|re)|health\s+cent(?:er|re)"
    r"|centro\s+de\s+salud|aseguradora|insurance\s+company|insurer|office|oficina|ambulancias?"
    r"|ambulance|bomberos|fire\s+department|polic[ií]a|police)"
)
_PUBLIC_PLACE_BEFORE = re.compile(
    r"\b(?:(?:n[uú]mero|tel[eé]fono|tel\.?|number|phone|line|l[ií]nea)\s+(?:de|del|of|for|at)"
    rf"\s+(?:la\s+|el\s+|the\s+|this\s+|that\s+)?(?:[\w'.-]+\s+){{0,3}}?{_PLACE}"
    r"|(?:call|llam[eéaá]\w*|marqu[eé]\w*|marc[aoó]\w*|ring|contact\w*|habl[eé]\w*)\s+"
    rf"(?:the|a\s+la|al|la|el|to\s+the)\s+(?:[\w'.-]+\s+){{0,2}}?{_PLACE}"
    rf"|{_PLACE}(?:'s)?\s+(?:[\w'.-]+\s+){{0,4}}?(?:tiene|has|have)\s+(?:el\s+|the\s+|un\s+|a\s+)?"
    r"(?:tel[eé]fono|n[uú]mero|number|phone)"
    rf"|{_PLACE}'s\s+(?:number|phone|line|tel)"
    # "the Mayo Clinic app lists the Jacksonville number as", "la clínica da el número"
    rf"|{_PLACE}(?:'s)?\s+(?:[\w'.-]+\s+){{0,2}}?(?:lists?|listed|gives?|shows?|says|publishes"
    r"|da|dan|tiene|publica)\s+(?:[\w'.-]+\s+){0,3}?(?:number|phone|line|tel[eé]fono|n[uú]mero)"
    r"(?:\s+(?:as|is|es|como))?"
    rf"|{_PLACE}\s+(?:is|es)(?=\s+(?:\+|\(|[0-9])))",
    re.IGNORECASE,
)
# A place's name then its number, as in a list of resources: "Hospital Civil: 33 3942 4400",
# "Mayo Clinic Jacksonville 904-953-2000", "UCLA Health scheduling (310) 825-2631".
_PLACE_LISTING = re.compile(
    rf"\b(?:{_PLACE}|health|scheduling|appointments|citas|informes)(?:'s)?(?:\s+[\w'.&-]+){{0,3}}"
    r"\s*[:=\u2013\u2014-]?\s*\(?$", re.IGNORECASE)
_OWNER = re.compile(r"\b(?:my|mi|our|nuestr[oa]|his|her|their|su)\s+(?!\w+'s\b)", re.IGNORECASE)
# A number reported as a scam or spam caller: "some guy called from ... it's a scam", "me marcó
# alguien del ... es fraude" (not "spam calls on 555-0163", the member's own).
_CALLED_FROM = re.compile(r"\b(?:from|del|desde(?:\s+el)?)\s*$", re.IGNORECASE)
_SCAM_NEAR = re.compile(
    r"\b(?:scam(?:mer)?s?|fraud\w*|spam|robocall\w*|phishing|estafa\w*|fraude|fraudulent[oa]s?"
    r"|extorsi[oó]n|extorsionador\w*"
    # a message from an unknown number: "a weird text from ... with a link, just deleted it"
    r"|weird|strange|suspicious|sketchy|unknown\s+number|(?:a|the)\s+link|deleted|blocked"
    r"|extra[ñn]o|raro|sospechos[oa]|desconocido|(?:un|el)\s+link|(?:un|el)\s+enlace|bloque\w+"
    # a warning about the caller: "don't answer", "pretending to be Medicare", "no contesten"
    r"|(?:don'?t|do\s+not|never)\s+(?:answer|pick\s+up|call\s+(?:it|them|back))|beware"
    r"|watch\s+out|pretend\w*|claim(?:ed|ing)\s+to\s+be|saying\s+(?:they|he|she)\s+(?:were|was)"
    r"|no\s+contest\w*|cuidado|se\s+hac\w+\s+pasar|haci[eé]ndose\s+pasar|dic(?:en|iendo)\s+ser)",
    re.IGNORECASE)


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding ``text[start:end]`` (at most 120 characters either side)."""
    before = text[max(0, start - 120):start]
    ends = list(_SENTENCE_END.finditer(before))
    after = text[end:end + 120]
    stop = _SENTENCE_END.search(after)
    return (before[ends[-1].end():] if ends else before) + text[start:end] + (
        after[:stop.start()] if stop else after)


_SENTENCE_END = re.compile(r"(?<=[a-záéíóúñ]{3})[.]\s|[!?\n]")
_PLACE_LOOKBACK = 60
# A clinician's office, even "my neurologist's office: (303) ...": the office's line.
_CLINICIANS_OFFICE = re.compile(
    r"\b(?:doctor|dr\.?(?:\s+[A-Z][\w'-]+)?|\w+ologist|dentist|pediatrician|physician|surgeon"
    r"|gp|therapist|psychiatrist|nurse\s+practitioner|np|pcp)'s\s+(?:office|practice|clinic)\b"
    r"|\b(?:consultorio|oficina)\s+del?\s+(?:dr|doctor|la\s+dra|dra)\b",
    re.IGNORECASE,
)
# Named just after the number: "212-241-6500 (Mount Sinai main)", "55 5080 2000 del IMSS".
_PUBLIC_AFTER = re.compile(
    r"\s*[,(]?\s*(?:(?:del?|of|at|for|from)\s+)?(?:the\s+|la\s+|el\s+)?"
    r"(?:(?!(?:me|my|mi|or|o|and|y|call|text|llama\w*|see|ask|if|si|when|cuando)\b)[\w'.&-]+\s+){0,3}"
    r"(?:main(?:\s+(?:line|number|desk))?\)|(?:hospital|clinic"
    r"|cl[ií]nica|pharmacy|farmacia|imss|issste|consultorio|switchboard|conmutador|help\s?line"
    r"|hot\s?line|front\s+desk|main\s+(?:line|number|desk|office)|centralita)\b)",
    re.IGNORECASE,
)
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
_LETTER_O = re.compile(r"(?<=[0-9][0-9 .-])[Oo](?=[0-9])|(?<=[0-9])[Oo](?=[0-9 .-][0-9])")
_NANP_SHAPE = re.compile(
    r"^(?:\+?1[\s.-]?)?(?:\([0-9]{3}\)\s?|[0-9]{3}[\s./-])[0-9]{3}[\s.-][0-9]{4}$")
_GROUP_SEPARATOR = re.compile(r"[ ()./-]+")
_DIGIT_NEXT = re.compile(r"[ ./-]?[0-9]")
_DIGIT_BEFORE = re.compile(r"[0-9][ ./-]?$")


def _public_context(text: str, start: int, end: int | None = None) -> bool:
    """The words just before ``start`` offer an institution's number (its main line, a
    helpline, a company's customer service, a clinic or a clinician's office), not someone's
    own; or the words just after the number (at ``end``) name the place it belongs to.

    Within one ``find`` each number is asked about once (several rules ask about it)."""
    known = getattr(_screening, "public", None)
    if known is None:
        return _public_context_uncached(text, start, end)
    if (text, start, end) not in known:
        known[text, start, end] = _public_context_uncached(text, start, end)
    return known[text, start, end]


def _public_context_uncached(text: str, start: int, end: int | None = None) -> bool:
    if end is not None and _PUBLIC_AFTER.match(text, end):
        return True
    if (end is not None and _ASK_FOR_DEPARTMENT.match(text, end)
            and not _PERSONAL_PHONE_CONTEXT.search(text, max(0, start - _PHONE_LOOKBACK), start)):
        return True
    if (end is not None and _CALLED_FROM.search(text, max(0, start - 16), start)
            and _SCAM_NEAR.search(_sentence_around(text, start, end))):
        return True  # a caller the member warns others about is not the member
    before = text[max(0, start - _PHONE_LOOKBACK):start]
    public = _last(_PUBLIC_PHONE_CONTEXT, before)
    if public >= 0 and not _MINE_BEFORE.search(before, 0, public):  # "my office line": mine
        return _last(_PERSONAL_PHONE_CONTEXT, before) < public
    wider = text[max(0, start - _PLACE_LOOKBACK):start]
    ends = list(_SENTENCE_END.finditer(wider))
    if ends:
        wider = wider[ends[-1].end():]
    if _PLACE_LISTING.search(wider) and not _PERSONAL_PHONE_CONTEXT.search(wider):
        return True
    # Letter case tells an acronym: rules that read the case-folded text are checked on the
    # original (``find`` keeps it for the call).
    normal = getattr(_screening, "normal", None)
    source = normal if normal is not None and len(normal) == len(text) else text
    organisation = _ORGANISATION_HAS_NUMBER.search(source, max(0, start - _PLACE_LOOKBACK),
                                                   start)
    if organisation is not None and not _PERSONAL_PHONE_CONTEXT.search(
            text, organisation.end(), start):
        return True
    for place in (_CLINICIANS_OFFICE, _PUBLIC_PLACE_BEFORE):
        found = list(place.finditer(wider))
        if found:
            # "the number of my office": still the member's own
            return (_OWNER.search(found[-1].group()) is None
                    and _PERSONAL_PHONE_CONTEXT.search(wider, found[-1].end()) is None)
    return False


# An organisation named by its acronym as the number's owner: "el CAPS de Tlalpan tiene el
# número", "NAMI's number is", "la AMD tiene un teléfono".
_ORGANISATION_HAS_NUMBER = re.compile(
    r"(?<![\w'])[A-ZÁÉÍÓÚÑ]{2,}[\w-]*(?:\s+(?:de|del|of|en|in)\s+[A-ZÁÉÍÓÚÑ][\w-]+){0,2}"
    r"(?:'s\s+(?:main\s+)?(?:number|phone|line)|\s+(?:tiene|has)\s+(?:el\s+|un\s+|the\s+|a\s+)?"
    r"(?:tel[eé]fono|n[uú]mero|number|phone(?:\s+number)?|line))\b")
# A switchboard: "Northwestern Memorial: 312-926-2000, ask for patient financial services",
# "55 5449 5500, pregunten por oncología" (not "ask for Dr. Ruiz", "pregunten por mí").
_ASK_FOR_DEPARTMENT = re.compile(
    r"[\s,;.)-]*(?:and\s+|y\s+)?(?:ask|asking|pregunt\w+)\s+(?:for|por)\s+"
    r"(?:the\s+|el\s+|la\s+|el\s+[aá]rea\s+de\s+)?(?:[\w'-]+\s+){0,3}?"
    r"(?:services?|department|dept|office|desk|unit|clinic|cent(?:er|re)|line|oncolog\w*|billing"
    r"|scheduling|appointments|financial|records|pharmacy|lab|radiology|cardiolog\w*|endocrin\w*"
    r"|pediatri\w*|servicios?|departamento|oficina|[aá]rea|m[oó]dulo|ventanilla|cl[ií]nica"
    r"|farmacia|laboratorio|urgencias|admisi[oó]n|trabajo\s+social|social\s+work|extensi[oó]n"
    r"|extension|ext)\b", re.IGNORECASE)
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
        # Mexico's mobiles written the old way, "+52 1 81 2093 4471": the 1 is no longer dialled.
        raw = _OLD_MEXICAN_MOBILE.sub("+52 ", raw)
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


_OLD_MEXICAN_MOBILE = re.compile(r"^\(?\+52[\s.-]*1[\s.-]*(?=(?:[0-9][\s.-]*){10}$)")
# A drug's National Drug Code, 4-4-2, 5-3-2 or 5-4-1 digits with dashes ("0078-0357-15"):
# phone numbers are not grouped with one or two digits last after a group of four or five.
_NDC_SHAPE = re.compile(r"^[0-9]{4,5}-[0-9]{3,4}-[0-9]{1,2}$")
_screening = threading.local()  # what one call of ``find`` has parsed


def _is_public_number(number: phonenumbers.PhoneNumber, *, toll_free: bool = False) -> bool:
    kinds = {PhoneNumberType.TOLL_FREE} if toll_free else _PUBLIC_TYPES
    return (phonenumbers.number_type(number) in kinds
            or phonenumbers.national_significant_number(number) in _PUBLIC_NUMBERS)


def public_number(raw: str, regions: tuple[str, ...] | None = None, *,
                  toll_free: bool = False) -> bool:
    """``raw`` is a valid number of a kind that is not personal (toll-free, shared-cost,
    premium-rate, a known crisis line) where it is valid. ``toll_free``: only a toll-free
    number or a crisis line (a record number "91-0032-4417" reads as a British premium-rate
    one)."""
    number, _region, _possible = _parse_valid(raw, regions or phone_regions())
    return number is not None and _is_public_number(number, toll_free=toll_free)


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
        if not 8 <= digits <= 15 or _looks_like_date(raw) or _NDC_SHAPE.match(raw.strip()):
            continue
        at = candidate.start()
        if _not_a_phone(normal, at) or _public_context(normal, at, candidate.end()):
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
        if _OLD_MEXICAN_MOBILE.match(raw):  # the matcher would not read the old "1"
            found.append(finding("phone", candidate.span()))
            continue
        # The library's matcher, on the candidate and a character either side, checks what a
        # parse alone does not: dates and times, letters glued to the digits, grouping.
        start = max(0, at - 1)
        window = normal[start:candidate.end() + 1]
        leniency = Leniency.POSSIBLE if possible_only else Leniency.VALID
        found.extend(finding("phone", (start + a, start + b))
                     for a, b in _personal_matches(window, region, leniency))
    return found


def _personal_matches(window: str, region: str | None,
                      leniency: int) -> list[tuple[int, int]]:
    """Where the library's matcher finds numbers that are not public in ``window``. Within one
    ``find`` the same window is matched once: the matcher tries every grouping of a run of
    digits (0.5 ms for "1  2  3  4  5  6  7  8  9  0"), and a post may repeat one."""
    known = getattr(_screening, "matched", None)
    key = (window, region, leniency)
    if known is not None and key in known:
        return known[key]
    spans = [(match.start, match.end)
             for match in PhoneNumberMatcher(window, region, leniency=leniency)
             if not _is_public_number(match.number)]
    if known is not None:
        known[key] = spans
    return spans


def _matched_in(text: str, start: int, end: int, regions: tuple[str, ...]) -> list[Finding]:
    window_start = max(0, start - 1)
    window = text[window_start:end + 1]
    for region in _calling_regions(regions):
        matches = _personal_matches(window, region, Leniency.VALID)
        if matches:
            return [finding("phone", (window_start + a, window_start + b))
                    for a, b in matches]
    return []


def _phone_value(low: int, high: int) -> Callable[[re.Match[str], re.Match[str]], bool]:
    """For the phone rules: the number has between ``low`` and ``high`` digits, is not named
    as something else, and is not a public number or an institution's line."""
    def check(key: re.Match[str], value: re.Match[str]) -> bool:
        raw = value.group("s")
        digits = _digits(raw)
        if not low <= digits <= high or _looks_like_date(raw) or _NDC_SHAPE.match(raw.strip()):
            return False
        at = value.start("s")
        if _not_a_phone(value.string, at) or _public_context(value.string, at, value.end("s")):
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
    r"(?<![\w$/.,+#:)-])(?<![0-9] )(?<!\) )(?P<s>[2-9][0-9]{2}-[0-9]{4})"
    r"(?![0-9]|[./-][0-9]|\s?(?:mg|mcg|ml|units?|iu|steps|cal|kcal|calories|%|dollars|pesos|usd|mxn|lbs?|kg|m|km|ft|mi)\b|\s?%)",
    flags=0, needs_digit=True,
    check=lambda m: (not _not_a_phone(m.string, m.start("s"))
                     and not _public_context(m.string, m.start("s"), m.end("s"))
                     and _NOT_A_LOCAL_BEFORE.search(m.string, max(0, m.start("s") - 16),
                                                    m.start("s")) is None
                     and _NOT_A_LOCAL_AFTER.match(m.string, m.end("s")) is None),
)
# The words after the number: "555-0134 is my cell", "5 5501 0147 es mi whats".
_PHONE_AFTER = re.compile(
    r"\s*[,(-]?\s*(?:is|es|=)?\s*(?:my|mi|her|his|our|su|the|el)?\s*"
    r"(?:cell|cel|celular|mobile|m[oó]vil|number|n[uú]mero|phone|tel[eé]fono|whats(?:app)?"
    r"|home|house|casa|work)\b"
    r"|\s*[,;:(-]?\s*(?:(?:please|pls|plz|porfa|por\s+favor)\s+)?(?:text|call|ring|txt|llama\w*"
    r"|m[aá]ndame|escr[ií]beme|whats(?:app)?)(?:\s+(?:me|first|anytime|after|before|whenever"
    r"|primero|antes|despu[eé]s))?\b", re.IGNORECASE)
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
