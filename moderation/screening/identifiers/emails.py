"""Email addresses, plain, spelled out or obfuscated, in English and Spanish."""

from __future__ import annotations

import re

from ..base import Finding, Text, finding
from .common import _rule

# An organisation's role mailbox is public, not a person's: "appointments@clevelandclinic.org",
# "contacto@amdiabetes.org.mx" (role names after RFC 2142, in English and Spanish); at a free
# mail provider it is someone's own ("info@gmail.com").
_ROLE_MAILBOX = re.compile(
    r"(?:info|information|informes|informacion|contact|contacto|contactanos|hello|hola|support"
    r"|soporte|help|helpdesk|ayuda|appointments?|citas?|scheduling|admin|administracion|office"
    r"|oficina|atencion|atencionpaciente|atencionalpaciente|noreply|no-reply|donotreply|press"
    r"|prensa|media|billing|facturacion|membership|members|volunteers?|voluntariado|voluntarios"
    r"|donations?|donativos|webmaster|enquiries|inquiries|feedback|customerservice|service"
    r"|servicios|patientrelations|patientexperience|reception|recepcion|secretaria|team|equipo"
    r"|events|eventos|comunicacion|communications|general|mail|correo|registro|registration"
    r"|privacy|privacidad|legal|hr|rrhh|jobs|empleo|careers|ask[a-z]{0,12}|questions|preguntas"
    r"|consultas|newsletter|boletin|editor|editors|editorial|redaccion|ethics|etica|compliance"
    r"|helpline|hotline|ombudsman|advocacy|intake|referrals?|records|expedientes"
    r"|(?:patient|member|customer|client|guest|family|paciente|familia)s?[._-]?(?:advocate|advocacy"
    r"|relations|services?|experience|care|support|affairs|liaison|atencion|servicios))"
    r"(?:[._-][a-z]{2,12})?")
_FREE_PROVIDER = re.compile(
    r"@(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|aol|icloud|me|protonmail|proton"
    r"|gmx|mail|comcast|verizon|att|sbcglobal|bellsouth|earthlink|fastmail|zoho|yandex|prodigy"
    r"|telmex|tutanota)\.")


# An office's or a desk's mailbox by its last word: "drkimoffice@", "oncologyscheduling@".
_ROLE_SUFFIX = re.compile(
    r".*(?:office|oficina|clinic|clinica|frontdesk|scheduling|appointments|billing|reception"
    r"|recepcion|consultorio|desk|team|staff|services)")


# The mailbox is named as an organisation's just before it: "email the ethics committee:",
# "the support line inbox is", "escriban al comité de ética:".
_ORGANISATION_MAILBOX_BEFORE = re.compile(
    r"\b(?:the|la|el|al|del)\s+(?:[\w'-]+\s+){0,3}(?:committee|office|team|department|dept|desk"
    r"|inbox|line|foundation|association|society|clinic|hospital|cent(?:er|re)|program|unit"
    r"|comit[eé]|oficina|equipo|departamento|fundaci[oó]n|asociaci[oó]n|cl[ií]nica|centro"
    r"|programa|unidad)\b(?:\s+(?:inbox|email|e-mail|address|correo))?\s*(?:is|es|:|at|a)?\s*:?\s*\Z")
_MINE_NEAR = re.compile(r"\b(?:my|mi|our|nuestr[oa])\b")


def _organisation_mailbox_at(text: str, start: int) -> bool:
    before = text[max(0, start - 60):start]
    named = _ORGANISATION_MAILBOX_BEFORE.search(before)
    return named is not None and _MINE_NEAR.search(named.group()) is None


def _personal_mailbox(address: str) -> bool:
    local = address.split("@", 1)[0]
    return ((_ROLE_MAILBOX.fullmatch(local) is None and _ROLE_SUFFIX.fullmatch(local) is None)
            or _FREE_PROVIDER.search(address) is not None)


_rule(
    "email",
    r"(?<![\w.%+-])(?P<s>[^\W_][\w.%+-]{0,63}@[a-z0-9][a-z0-9-]{0,62}"
    r"(?:\.[a-z0-9-]{1,63}){0,6}\.[a-z]{2,24})\b",
    triggers=("@",), check=lambda m: (_personal_mailbox(m.group("s"))
                                      and not _organisation_mailbox_at(m.string, m.start("s"))),
)
# Spelled out or obfuscated to dodge filters, in English and Spanish: "joy_tran at outlook.com",
# "maria (at) gmail (dot) com", "mikeD(at)aol", "teresa.nguyen @ gmail.com", "name@gmail",
# "juan punto perez arroba gmail punto com", "pedro(punto)maldonado(arroba)protonmail(punto)com".
_DOT_WORD = r"(?:\s+(?:dot|punto)\s+|\s*[(\[{<]\s*(?:dot|punto)\s*[)\]}>]\s*)"
_DOT = rf"(?:\s?\.\s?|{_DOT_WORD})"
_AT = (r"(?:\s+(?:at|@)[\s-]+(?:sign|symbol)\s+|\s+(?:signo\s+de\s+)?arroba\s+"
       r"|\s*[(\[{<]\s*(?:at|arroba|@)\s*[)\]}>]\s*|\s+(?:at|arroba)\s+|\s+@\s*|\s*@\s+"
       r"|\s+en\s+(?=(?:gmail|yahoo|hotmail|outlook|aol|icloud|prodigy|live)\b)"
       r"|(?<=[a-z0-9])@(?=(?:gmail|yahoo|hotmail|outlook|aol|icloud)\b(?!\.)))")
# Mail providers named without their domain: "daviddaviesmusic at gmail", "bob at yahoo com".
_PROVIDER = (
    r"(?:gmail|googlemail|yahoo|ymail|hot\s?mail|outlook|msn|aol|icloud|proton\s?mail|gmx|comcast"
    r"|verizon|sbcglobal|bellsouth|earthlink|fastmail|zoho|yandex|prodigy|telmex|tutanota)"
)
_TLD = (
    r"(?:com|net|org|edu|gov|mil|info|biz|io|co|us|uk|ca|mx|es|ar|cl|pe|ve|ec|uy|py|bo|cr|gt|hn"
    r"|sv|ni|pa|do|pr|cu|de|fr|it|pt|br|me|app|health|email|tv|ai|dev|au|nz|ie|in)"
)
_LOCAL = r"[^\W_][\w.%+-]{0,63}"  # letters of any language: "susy.treviño"
_LOCAL_TAIL = re.compile(rf"(?<![\w.%+-]){_LOCAL}(?:{_DOT_WORD}{_LOCAL}){{0,3}}\Z")
_EMAIL_DOMAIN = re.compile(
    # a sentence may end after the provider: "lena.vasquez.rn at gmail. Tell her"
    rf"(?P<s>(?P<provider>{_PROVIDER}|live)(?:(?:{_DOT}|\s+|,){_TLD}(?:{_DOT}{_TLD})?)?"
    r"(?![\w@]|\.[a-z0-9])"
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
    rf"\b(?:my|mi)\s+{_PROVIDER}(?:\s+(?:is|es|address|account|handle|id)){{0,2}}\s*[:=,-]?\s*"
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


_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|this|that|their|its|el|la|los|las|un|una|este|esta|ese|esa)\s+\Z")


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
            # "the forum at tudiabetes dot org": a thing at a website, not a mailbox.
            if (domain.group("provider") is None and re.search(r"[._0-9]", local.group()) is None
                    and _DETERMINER_BEFORE.search(folded, max(0, local.start() - 12),
                                                  local.start())):
                continue
        # A provider alone ending a sentence ("lena.vasquez.rn at gmail. Tell her") is a mailbox
        # only with an address-like name, or one spelled letter by letter ("o k o n k w o at
        # gmail."): "I looked at gmail. Nothing" is not.
        if (plain and domain.group("s") == domain.group("provider")
                and folded.startswith(".", domain.end("s")) and len(local.group()) > 2
                and re.search(r"[._0-9]", local.group()) is None):
            continue
        found.append(finding("email", (local.start(), domain.end("s"))))
    return found
