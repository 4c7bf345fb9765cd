"""Social Security numbers and medical record, patient, member and health-card numbers."""

from __future__ import annotations

import re

from .common import _digits, _Keyed, _keyed, _looks_like_date, _rule, phone_regions
from .phones import _parse_valid, public_number

# Numbers shaped like an SSN but named as something else just before: "claim number 552-19-8830",
# "invoice 334-55-1209", "mi factura es la 118-22-4456", "the serial number on my CPAP is".
_NOT_AN_SSN_BEFORE = re.compile(
    r"\b(?:lot|lots|batch|serial|order|claim|invoice|tracking|confirmation|reference|ref|ndc|npi"
    r"|model|part|case|ticket|item|sku|rx|prescription|account|acct|policy|group|recall|receipt"
    r"|pedido|factura|folio|lote|receta|p[oó]liza|cuenta|gu[ií]a|serie|recibo|ticket|orden"
    r"|registro\s+sanitario|c[oó]digo)\b(?:\s+(?:number|no\.?|num|n[uú]mero|\#))?"
    r"(?:\s+(?:de|del|of|from|for|on|in)\s+(?:la\s+|el\s+|the\s+|my\s+|mi\s+)?[\w.&'-]+){0,2}"
    r"\s*[:#]?\s*(?:(?:is|es|was|era|la|el|the)\s+){0,2}$",
    re.IGNORECASE,
)
_SSN_AREA = r"(?!000|666|9[0-9]{2})[0-9]{3}"
_SSN_GROUP = r"(?!00)[0-9]{2}"
_SSN_SERIAL = r"(?!0000)[0-9]{4}"
# In any separator layout, the same separator twice: 078-05-1120, 412 58 3391, 219/44/8802.
_rule(
    "ssn",
    rf"(?<![\w/.,+-])(?<![0-9][ .-])(?P<s>{_SSN_AREA}(?P<sep>[-./ ]){_SSN_GROUP}(?P=sep)"
    rf"{_SSN_SERIAL})(?![\w-]|[./ ][0-9])",
    flags=0, needs_digit=True,
    check=lambda m: _NOT_AN_SSN_BEFORE.search(m.string, max(0, m.start("s") - 40),
                                              m.start("s")) is None,
)
# One separator, with a space either side or none: "268 - 41 - 7702", "268-41-7702", "268417702".
_SSN_SEP = r"(?:\s{0,2}[./-]\s{0,2}|\s{1,2})?"
# Any layout, no separator or odd ones, where the text says it is a social security number:
# "ssn 123456789", "mi numero de seguro social es 604 55 01 94".
_keyed(
    "ssn",
    r"\b(?:ssn|ss\#|social\s+security(?:\s+(?:number|no\.?|num|\#))?|socials?|seguro\s+social"
    r"|ssdi|ssi)(?![a-záéíóúñ])",
    r"(?:[\s:#=]*(?:(?:is|was|number|no\.?|num|es|era)[\s:#=]*){0,2}|[^\n0-9]{0,80}?(?<![\w-]))"
    rf"(?P<s>{_SSN_AREA}{_SSN_SEP}{_SSN_GROUP}{_SSN_SEP}[0-9]{{2}}{_SSN_SEP}[0-9]{{2}})(?![0-9])",
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
    r"|medicaid|medicare|insurance|health\s+(?:card|plan|insurance)|nhs|chi|ohip|va\s+(?:claim\s+)?file"
    r"|visit|encounter|policy|portal|transplant|recipient|unos|study|accession)\s+"
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
    r"|(?:id|clave|c[oó]digo|folio|registro)\s+(?:de|del)\s+(?:paciente|afiliad[oa]|expediente"
    r"|asegurad[oa]|beneficiario)"
    r"|(?:paciente|patient)(?=\s+\#?\s*[0-9])"
    # "número de registro 778812 en el Hospital Juárez" (not a product's "registro sanitario")
    r"|(?:n[uú]mero|n[uú]m\.?|no\.)\s+de\s+registro(?=[^\n]{0,60}\b(?:hospital|cl[ií]nica|imss"
    r"|issste|paciente|expediente|centro\s+m[eé]dico|sanatorio|consultorio)\b)"
    r"|(?:n[uú]mero|n[uú]m\.?|id|tarjeta)\s+(?:de|del)\s+(?:medicare|medicaid|medi-cal|mbi)"
    r"|mbi"
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
    r"|sanitario|cofepris|invima|anmat|cel|celular|m[oó]vil|whats\w*|tel[eé]fono|llam\w+"
    r"|(?:my|mi|su|his|her)\s+(?:number|n[uú]mero)"
    r"|ago|a[nñ]os?|year"
    # an address named between: "on her bracelet, along with our address 4417 Wadsworth Blvd"
    r"|address|direcci[oó]n|domicilio|street|calle|avenida|live[sd]?|vive|vivo)\b"
    r"|\bof\s*$",
    re.IGNORECASE,
)


_YEAR_ALONE = re.compile(r"^(?:19|20)[0-9]{2}$")


_YEARS_OR_MONTH = re.compile(
    r"^(?:(?:19|20)[0-9]{2}[-/](?:19|20)?[0-9]{2}|[0-9]{1,2}[-/](?:19|20)[0-9]{2})$")


# A toll-free number in letters: "1-800-DIABETES", "800-QUIT-NOW".
_VANITY_NUMBER = re.compile(r"^(?:1[\s.-]?)?\(?8(?:00|33|44|55|66|77|88)\)?[\s.-]?[A-Z0-9-]*[A-Z]")


def _record_value(value: str) -> bool:
    """Four to twenty digits, and not a date, a year, a span of years ("2023-2024"), a month
    ("12/2023") or a toll-free number ("Medicare 1-800-633-4227", "1-800-DIABETES")."""
    return (4 <= _digits(value) <= 20 and not _looks_like_date(value)
            and not _VANITY_NUMBER.match(value)
            and not _YEAR_ALONE.match(value) and not _YEARS_OR_MONTH.match(value)
            and not (_digits(value) >= 8 and public_number(value, toll_free=True)))


_NOT_A_RECORD_AFTER = re.compile(
    r"\s*(?:pesos|d[oó]lares|dollars|euros|usd|mxn|mg|ml|%|a[nñ]os|years|meses|months|d[ií]as"
    r"|days|semanas|weeks|horas|hours|personas|people|veces|times|pacientes|patients|steps|pasos"
    r"|p[aá]ginas|hojas|pages|p[aá]gs)"
    r"\b", re.IGNORECASE)


_LETTER_PREFIX = re.compile(r"^(?P<p>[A-Za-z]{1,5})[ -]?")


# A number of someone who works there, not a patient's: "my old ID badge number at the
# hospital", "employee number", "su número de gafete".
_NOT_A_RECORD_BEFORE = re.compile(
    r"\b(?:badge|employee|staff|locker|parking|pager|ext(?:ension)?|gafete|empleado|trabajador"
    r"|n[oó]mina)\b[^.\n]{0,12}\Z", re.IGNORECASE)


def _record_check(key: re.Match[str], value: re.Match[str]) -> bool:
    if not _record_value(value.group("s")):
        return False
    if _NOT_A_RECORD_BEFORE.search(value.string, max(0, key.start() - 30), key.start() + 1):
        return False
    # "DOB 02/28/1937" after "bracelet": a date with its label, not a record number.
    prefix = _LETTER_PREFIX.match(value.group("s"))
    if prefix is not None and (_looks_like_date(value.group("s")[prefix.end():])
                               or prefix.group("p").lower() in ("dob", "fn", "nac", "born")):
        return False
    if _NOT_A_RECORD_AFTER.match(value.string, value.end("s")) or value.string[
            max(0, value.start("s") - 1):value.start("s")] == "$":
        return False
    skipped = value.string[key.end():value.start("s")]
    if _NOT_A_RECORD_SKIP.search(skipped):
        return False
    # "seguro social" names an SSN when it has nine digits, the last four of something when it
    # has four; Mexico's NSS has eleven, Spain's twelve.
    if _SOCIAL_KEY.search(key.group()) and _digits(value.group("s")) < 10:
        return False
    # "the number of the hospital is 55 5555 1234": its phone, not a record.
    return not (_PLACE_NUMBER_KEY.match(key.group())
                and _parse_valid(value.group("s"), phone_regions())[0] is not None)


_SOCIAL_KEY = re.compile(r"(?:seguro|seguridad)\s+social")
_PLACE_NUMBER_KEY = re.compile(
    r"(?:id|number|\#|n[uú]mero)\s+(?:at|with|from|en|del?)\s.*(?:center|centre|clinic|hospital"
    r"|unit|office|practice|lab|cl[ií]nica|centro|consultorio|unidad)$")
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

# A hospital account number in a patient's label or papers: "Pt: Morris, Helen DOB 04/04/1948
# Acct# 00921875" (a bank's account is not: the patient words must be near before).
_PATIENT_PAPERS_BEFORE = re.compile(
    r"\b(?:pt|patient|paciente|dob|d\.o\.b|mrn|admit\w*|adm|hospital|discharge|er|wristband"
    r"|bracelet|chart|fin)\b", re.IGNORECASE)
_keyed(
    "mrn", r"(?<![a-záéíóúñ])(?:acct|account|cuenta)\s*(?:\#|no\.?|number|num|n[uú]mero)",
    rf"\s*[:#]?\s*(?P<s>{_ID})",
    value_folded=False,
    check=lambda k, v: (_PATIENT_PAPERS_BEFORE.search(v.string, max(0, k.start() - 80),
                                                      k.start()) is not None
                        and _record_check(k, v)),
)
