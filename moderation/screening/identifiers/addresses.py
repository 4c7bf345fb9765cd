"""Street addresses, US and Latin American or Spanish forms."""

from __future__ import annotations

import re
import threading

from ..base import Finding, Text, finding
from .common import _Keyed, _keyed, _last, _rule
from .spelled import _SPELLED_WORD, _UNITS

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
    r"|albergue|asilo|residencia\s+de\s+ancianos|fundaci[oó]n|foundation|association"
    r"|asociaci[oó]n|instituto|institute|entrance|entrada|cruz\s+roja|red\s+cross|charity"
    r"|(?:group|class|meeting|meetup)\s+(?:meets|is\s+held|will\s+be)|se\s+re[uú]ne|reuniones"
    r"|er|emergency\s+room|urgencias|work(?:s|ed)?\s+at|trabaj(?:o|a|aba|é)\s+en)\b",
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
# (A dot after "St", "Dr", "Mt", "Ft" ends no sentence: "our church (St. Luke's, 800 Main St)".)
_PUBLIC_PLACE_NEAR = re.compile(
    _PUBLIC_PLACE.pattern + r"(?:[^\n.!?]|(?<=st|dr|mt|ft|St|Dr|Mt|Ft)\.){0,25}$", re.IGNORECASE)


def _home_address_at(text: str, start: int) -> bool:
    """Not an institution's public address ("the cancer center at 1515 Holcombe Blvd", "La
    clínica del IMSS que me toca está en Calle Durango 289").

    Several rules find the same address: within one ``find`` the answer for a start is kept."""
    memo = getattr(_screening, "memo", None)
    if memo is None:
        return _home_address_uncached(text, start)
    if start not in memo:
        memo[start] = _home_address_uncached(text, start)
    return memo[start]


def _home_address_uncached(text: str, start: int) -> bool:
    # The word lists are matched on lower-cased slices without IGNORECASE (several times
    # cheaper in CPython's re on a long post full of addresses).
    before = text[max(0, start - 60):start].lower()
    public = _PUBLIC_PLACE_NEAR_F.search(before)
    if public is not None and _last(_PRIVATE_PLACE_F, before) < public.start():
        return False
    # The sentence names an institution, then says where it is, and speaks of no home.
    sentence = text[max(0, start - 120):start]
    ends = list(_SENTENCE_END.finditer(sentence))
    if ends:
        sentence = sentence[ends[-1].end():]
    folded = sentence.lower()
    if (_LOCATED_F.search(folded) and _PUBLIC_PLACE_F.search(folded)
            and not _HOME_WORDS_F.search(folded)):
        return False
    # A place named by its proper name, then where it is: "MD Anderson is at 1515 Holcombe
    # Blvd", "The Ronald McDonald House on 26 W Erie St", "el INCan está en Av. San Fernando
    # 22". Not a person ("Dave is at ...": one plain name), nor after words of a home. Letter
    # case tells a name: rules that read the case-folded text are checked on the original.
    normal = getattr(_screening, "normal", None)
    if normal is not None and normal is not text and len(normal) == len(text):
        sentence = normal[start - len(sentence):start]
    # Each pattern below ends at the address: it is tried only when the sentence ends as it
    # needs ("(", ",", "address is", a verb of place), so a post of many addresses stays cheap.
    tail = folded.rstrip()[-24:]
    # "Shriners Children's (2900 N Rocky Point Dr, Tampa)": a name, then its address in brackets.
    if tail.endswith("("):
        bracketed = _NAMED_PLACE_BRACKETED.search(sentence)
        if bracketed is not None and not _PRIVATE_PLACE_F.search(folded, 0, bracketed.start()) and (
                len(bracketed.group("name").split()) >= 2
                or _ACRONYM.search(bracketed.group("name"))
                or "'s" in bracketed.group("name")) and not _RESIDENTIAL.search(bracketed.group()):
            return False
    # "(The Inn at the Colonnade, 4 W University Pkwy)": a place's name with "The", a comma,
    # then its address, as in a list of places.
    if tail.endswith((",", "-", "–", "—")):
        listed = _NAMED_PLACE_LISTED.search(sentence)
        if (listed is not None and not _PRIVATE_PLACE_F.search(folded, 0, listed.start())
                and not _RESIDENTIAL.search(listed.group())):
            return False
        # Without "The", a name with an institution's word in it: "American Cancer Society
        # Hope Lodge, 132 W 32nd St" (not "Mary Smith, 12 Elm St").
        organisation = _ORGANISATION_LISTED.search(sentence)
        if (organisation is not None and _ORGANISATION_WORD.search(organisation.group("name"))
                and not _PRIVATE_PLACE_F.search(folded, 0, organisation.start("name"))
                and not _RESIDENTIAL.search(organisation.group("name"))):
            return False
    # "St. Jude's address for cards is ...", "la dirección del Teletón es ...": a place's.
    if "address" in folded or "direcci" in folded or "domicilio" in folded:
        owner = _NAMED_PLACE_ADDRESS.search(sentence)
        if owner is not None:
            name = owner.group("name") or owner.group("nombre")
            if (not _PRIVATE_PLACE_F.search(folded, 0, owner.start())
                    and (owner.group("del") or len(name.split()) >= 2 or _ACRONYM.search(name))
                    and not _RESIDENTIAL.search(owner.group())):
                return False
    if _PLACE_VERB_AT_END.search(tail) is None:
        return True
    # "there's a food bank at 1200 W Lake St", "hay una farmacia en Calle 5 #12": a place.
    there = _THERE_IS_A_PLACE.search(folded)
    if there is not None and not _PRIVATE_PLACE_F.search(folded, 0, there.end()):
        return False
    named = _NAMED_PLACE_LOCATED.search(sentence)
    if (named is not None and not _PRIVATE_PLACE_F.search(folded, 0, named.start("name"))
            and not _RESIDENTIAL.search(named.group("name"))):
        name = named.group("name")
        return not (named.group("article") or len(name.split()) >= 2
                    or _ACRONYM.search(name) or named.group("verb").startswith("located"))
    return True


_PUBLIC_PLACE_F = re.compile(_PUBLIC_PLACE.pattern)
_PUBLIC_PLACE_NEAR_F = re.compile(_PUBLIC_PLACE_NEAR.pattern)
_PRIVATE_PLACE_F = re.compile(_PRIVATE_PLACE.pattern)


# The proper name of a place, at the start of its clause or after an article, then "is at",
# "is located on", "on", "está en", "queda en" right before the address.
_NAMED_PLACE_LOCATED = re.compile(
    r"(?:^|[.,;:!?(]\s*|(?P<article>\b(?:[Tt]he|[Ee]l|[Ll]a|[Ll]os|[Ll]as)\s+))"
    r"(?P<name>(?!(?:I|I'm|Im|I've|We|We're|My|Our|Me|He|She|They|You|It|Mi|Mis|Yo|Ella|[EÉ]l"
    r"|Ellos|Nuestr[oa]|Mom|Mum|Dad|Mama|Mam[aá]|Pap[aá]|Grandma|Grandpa|Abuel[oa]|Please|Send"
    r"|Mail|Drop|Come|Call|Text|Address|Home|Casa|Vivo|Estoy|Here|Aqu[ií]|This|That|Este|Esta"
    r"|Anyone|If|So|And|But|Y|Pero)\b)[A-ZÁÉÍÓÚÑ][\w'.&-]*"
    # a number in the name: "la UMF 20", "Clinic 4"
    r"(?:\s+(?:[A-ZÁÉÍÓÚÑ][\w'.&-]*|[0-9]{1,4}(?![\w-])|of|de|del|la|the|&)){0,5})\s+"
    r"(?P<verb>(?:is|are|was|'s)\s+(?:now\s+|still\s+)?(?:located\s+)?(?:at|on|in)"
    r"|located\s+(?:at|on|in)|on|at|est[aá]\s+en|queda\s+en|se\s+encuentra\s+en"
    r"|se\s+ubica\s+en|ubicad[oa]\s+en)\s*(?:la\s+|el\s+|the\s+)?\Z")
_NAMED_PLACE_LISTED = re.compile(
    r"(?:^|[(,;:]\s*)(?:The|El|La|Los|Las)\s+[A-ZÁÉÍÓÚÑ][\w'.&-]*"
    r"(?:\s+(?:[A-ZÁÉÍÓÚÑ][\w'.&-]*|at|of|on|the|de|del|la|las|los|en|y|and|&)){0,6}\s*,\s*\Z")
_PLACE_NAME = (r"(?!(?:I|My|Our|Mi|Mis|Su|Sus|Mom|Mum|Dad|Mam[aá]|Pap[aá])\b)"
               r"[A-ZÁÉÍÓÚÑ][\w'.&-]*(?:\s+(?:[A-ZÁÉÍÓÚÑ][\w'.&-]*|[0-9]{1,4}(?![\w-])|of|de|del"
               r"|la|the|&)){0,5}")
_NAMED_PLACE_ADDRESS = re.compile(
    rf"(?:(?P<name>{_PLACE_NAME})(?:'s|’s)\s+(?:mailing\s+|main\s+|postal\s+)?address"
    r"(?:\s+for\s+[\w'-]+(?:\s+[\w'-]+)?)?"
    r"|(?i:direcci[oó]n|domicilio)\s+(?:(?P<del>del)\s+|de\s+(?:la\s+|los\s+|las\s+)?)"
    rf"(?P<nombre>{_PLACE_NAME}))"
    r"\s*(?:is|es|:)?\s*:?\s*\Z")
_THERE_IS_A_PLACE = re.compile(
    r"\b(?:there(?:'s|\s+is|\s+are|\s+was)|hay|hab[ií]a)\s+(?:a|an|the|one|un|una|el|la)\s+"
    r"[\w' -]{1,30}?\s+(?:at|on|en)\s*(?:la\s+|el\s+|the\s+)?\Z")
_PLACE_VERB_AT_END = re.compile(r"\b(?:at|on|in|en)\s*(?:la\s+|el\s+|the\s+)?\Z")
_ORGANISATION_LISTED = re.compile(
    rf"(?:^|[(,;:.]\s*)(?P<name>{_PLACE_NAME})\s*[,\u2013\u2014-]\s*\Z")
_ORGANISATION_WORD = re.compile(
    r"\b(?:Society|Lodge|Foundation|Association|Center|Centre|House|Hospital|Clinic|Church"
    r"|Library|Institute|University|College|School|Hotel|Inn|Motel|Museum|Pharmacy|Shelter"
    r"|Hospice|Council|Alliance|Network|Coalition|Fundaci[oó]n|Asociaci[oó]n|Cl[ií]nica|Centro"
    r"|Iglesia|Albergue|Instituto|Universidad|Hogar|Parroquia)\b")
_NAMED_PLACE_BRACKETED = re.compile(rf"(?P<name>{_PLACE_NAME})\s*\(\s*\Z")
# Places people live in ("The Oakwood Apartments, 860 Henley Rd"): homes, whatever their name.
_RESIDENTIAL = re.compile(
    r"\b(?:Apartments?|Apts?|Residences?|Condos?|Condominiums?|Village|Towers?|Manor|Estates"
    r"|Homes|Lofts|Flats|Court|Gardens|Trailer|Mobile|Residencial|Departamentos|Condominio"
    r"|Unidad|Torres?|Villas?|Fraccionamiento|Privada|Colonia)\b")
# A name with an acronym in it ("MD Anderson", "INCan", "UCSF"): an organisation's.
_ACRONYM = re.compile(r"[A-ZÁÉÍÓÚÑ][\w'.&-]*[A-ZÁÉÍÓÚÑ]")


_SENTENCE_END = re.compile(r"(?<=[a-záéíóúñ]{3})[.]\s|[!?\n]")
_screening = threading.local()  # the text one call of ``find`` screens, as written
_LOCATED = re.compile(
    r"\b(?:est[aá]|queda|se\s+encuentra|ubicad[oa]|is|are|located|sits)\s+(?:en|at|on|in)?\s*"
    r"(?:la\s+|el\s+|the\s+)?$", re.IGNORECASE)
_HOME_WORDS = re.compile(
    r"\b(?:vivo|vive|viven|vivimos|live[sd]?|living|home|house|casa|domicilio|apartment|depto"
    r"|departamento|my\s+place|our\s+place|address|direcci[oó]n|mail|send|env[ií]\w+)\b",
    re.IGNORECASE)
_LOCATED_F = re.compile(_LOCATED.pattern)
_HOME_WORDS_F = re.compile(_HOME_WORDS.pattern)


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
    r"|i'm\s+at|we're\s+at|i\s+am\s+at|we\s+are\s+at|im\s+at|were\s+at|pick\s+(?:it\s+)?up"
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
# An institution named as the box's owner just before it: "the foundation's", "Hospital:".
_BOX_OWNER = re.compile(
    _PUBLIC_PLACE.pattern + r"(?:(?:'s|’s)?\s*[:,-]?"
    # "the PO box for the hospital's billing department is PO Box 740123"
    r"|(?:'s|’s)?(?:\s+[\w'-]+){1,3}\s+(?:is|es|are)\s*:?)\s*\Z", re.IGNORECASE)
_rule(
    "address",
    r"\b(?P<s>(?:p\.?\s?o\.?\s+(?:box|bx)|post\s+office\s+box|(?:rr|rural\s+route|hcr?)[\s-]*[0-9]{1,3},?\s+box"
    r"|(?:psc|cmr|unit)\s+[0-9]{3,5},?\s+box"
    r"|apartado(?:\s+(?:postal|de\s+correos))?"
    r"|apdo\.?|casilla(?:\s+postal)?)\s+(?:n[oº°]\.?\s*)?[0-9]{1,6})\b",
    triggers=("box", "bx", "apartado", "apdo", "casilla"), needs_digit=True,
    # "the foundation's P.O. Box 1000 takes donations": an institution's box.
    check=lambda m: _BOX_OWNER.search(m.string, max(0, m.start("s") - 40), m.start("s")) is None,
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
# A number in a street's name is whole ("Calle 5 de Mayo 492"; "calle 16 de Septiembre" has
# no house number); "x" joins the crossing streets of Yucatán ("Calle 60 x 45 y 47 #512").
_NAME_WORD = (r"(?:[A-ZÁÉÍÓÚÑ][\w'.ºª°-]*|[0-9]{1,3}(?![0-9])[A-Za-zºª°]?|x(?=\s[0-9])|de|del"
              r"|la|las|los|el|y|esq\.|esquina|con|entre)")
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
    r"|[0-9]{1,2}(?:a|ª|º|o|era|ra)?\.?\s+(?i:avenida|calle)\s+[0-9]{1,3}-[0-9]{1,3}"
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
    # a street named for a date: "vivo en 5 de Febrero 412"
    r"(?:[0-9]{1,2}\s+de\s+(?=(?i:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre"
    r"|setiembre|octubre|noviembre|diciembre)\b))?"
    r"(?!(?:de|del|la|los|las|el|hace|desde|por|con|en|un|una|mis|mi|los|c[oó]digo|cp|c\.p|zip)\b)"
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
    r"(?<![\w$/.,:#-])(?P<s>[0-9]{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?[A-Z][a-z'-]+"
    r"(?:\s+[A-Z][a-z'-]+){0,2},?\s+(?:Apt|Apartment|Unit|Suite|Ste|Flat|apt|unit|suite)\.?\s*\#?\s*[0-9][0-9A-Za-z-]{0,4})\b",
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
    r"(?<![\w$/.,:#-])(?P<s>[0-9]{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?[A-Z][a-z'-]+"
    rf"(?:\s+[A-Z][a-z'-]+){{0,2}},\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}},?\s+{_US_STATE})\b",
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


# Directions from a landmark, as addresses are given in Central America: "del colegio Teresiano
# 2 cuadras al lago, media al sur", "de la pulpería La Esperanza 100 varas al este".
_DISTANCE = r"(?:[0-9]{1,3}|una|dos|tres|cuatro|cinco|seis|media)"
# Directions are also given to shops and clinics: only where the text speaks of a home.
_HOME_NEAR = re.compile(
    r"\b(?:vivo|vive|viven|vivimos|casa|domicilio|direcci[oó]n|manden|m[aá]ndenme|env[ií]en"
    r"|p[aá]sen|port[oó]n|mi\s+(?:mam[aá]|pap[aá]|abuel[oa]|familia))\b", re.IGNORECASE)
_HEADING = r"(?:norte|sur|este|oeste|lago|oriente|poniente|arriba|abajo)"
_rule(
    "address",
    r"(?P<s>\b(?:de|del|desde)\s+(?:la\s+|el\s+|los\s+|las\s+)?[\w'.-]+(?:\s+[\w'.-]+){0,4}?,?\s+"
    rf"{_DISTANCE}\s+(?:cuadras?|c\.|varas|metros|mts?\.?)\s+(?:al|hacia\s+el)\s+{_HEADING}"
    rf"(?:,?\s+(?:y\s+)?{_DISTANCE}(?:\s+(?:cuadras?|c\.|varas|metros))?\s+al\s+{_HEADING})?)",
    triggers=("cuadra", "varas", "metros", " c. al", " mts"),
    check=lambda m: (_home_address_at(m.string, m.start("s")) and _HOME_NEAR.search(
        m.string, max(0, m.start("s") - 80), m.end("s") + 80) is not None),
)
# A road and its kilometre, as rural addresses are written in Puerto Rico and Latin America:
# "Carr. 2 km 45.6, Barceloneta", "Carretera 149 Km. 12.3", "Ctra. de Toledo km 8".
_rule(
    "address",
    r"(?P<s>\b(?:carr\.|carretera|ctra\.|pr-?(?=[0-9]))\s*(?:de\s+[\w'.-]+\s+|[0-9]{1,3}\s*,?\s*)"
    r"(?:km|k\.m\.|kil[oó]metro)\.?\s*[0-9]{1,3}(?:[.,][0-9]{1,2})?)(?![0-9])",
    triggers=("carr", "ctra", "pr"), needs_digit=True,
    check=lambda m: (_home_address_at(m.string, m.start("s")) and (
        _HOME_NEAR.search(m.string, max(0, m.start("s") - 80), m.end("s") + 80) is not None
        or _PRIVATE_PLACE.search(m.string, max(0, m.start("s") - 80), m.start("s")) is not None)),
)
