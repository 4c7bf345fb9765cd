"""Pseudonyms: generated names like "BlueHeron482", and the rules every chosen name obeys."""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

ADJECTIVES = (
    "Amber", "Azure", "Bright", "Blue", "Brave", "Calm", "Cedar", "Clear", "Coral", "Copper",
    "Gentle", "Golden", "Green", "Hazel", "Indigo", "Ivory", "Jade", "Kind", "Lively", "Maple",
    "Misty", "Olive", "Quiet", "Rosy", "Sage", "Silver", "Steady", "Sunny", "Swift", "Warm",
)
ANIMALS = (
    "Badger", "Bear", "Crane", "Dolphin", "Finch", "Fox", "Heron", "Hare", "Ibis", "Kestrel",
    "Koala", "Lark", "Lynx", "Marten", "Otter", "Owl", "Panda", "Plover", "Puffin", "Raven",
    "Robin", "Seal", "Sparrow", "Swan", "Tern", "Thrush", "Turtle", "Wren", "Yak", "Zebra",
)

# Names that would let someone pass for Hearth itself or for its staff.
RESERVED = frozenset({
    "admin", "administrator", "root", "staff", "moderator", "mod", "mods", "clinician",
    "support", "help", "hearth", "official", "system", "security", "team", "anonymous",
    "former", "formermember", "deleted", "null", "none", "nurse", "doctor", "physician",
    "accounts", "settings", "moderation", "insights", "notifications", "api", "www",
})
# Titles that claim a clinical qualification: allowed only for verified clinicians.
CLINICAL_TITLES = frozenset({
    "dr", "doctor", "md", "do", "np", "rn", "pa", "pharmd", "nurse", "physician", "dds",
})

USERNAME_SHAPE = re.compile(r"^[A-Za-z0-9_.-]{3,30}$")
DISPLAY_SHAPE = re.compile(r"^[\w .'-]{2,40}$")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def name_words(name: str) -> list[str]:
    """"DrLee_MD" -> ["dr", "lee", "md"]; "BlueHeron482" -> ["blue", "heron", "482"]."""
    return [word.lower() for word in _WORDS.findall(name)]


def is_reserved(name: str) -> bool:
    letters = re.sub(r"[^a-z]", "", name.lower())
    return letters in RESERVED or any(word in RESERVED for word in name_words(name))


def claims_clinical_title(name: str) -> bool:
    """A "Dr"/"MD" style name: a title as its own word at the start or the end
    ("Dr.Lee", "DrLee", "dr_lee", "JaneSmithMD", "Nurse Ann"), or "doctor"/"nurse" anywhere."""
    words = name_words(name)
    if not words:
        return False
    if any(word in {"doctor", "nurse", "physician"} for word in words):
        return True
    first, last = words[0], words[-1]
    if first == "md" and re.match(r"^md([^a-z]|$)", name, re.IGNORECASE):
        return True
    separated_first = bool(re.match(r"^(dr|md)([^a-z]|$)", name, re.IGNORECASE)) or bool(
        re.match(r"^Dr[A-Z]", name)
    )
    return (first in {"dr"} and (separated_first or len(words) == 1)) or (
        len(words) > 1 and last in CLINICAL_TITLES - {"do", "pa"}
    )


def validate_pseudonym(name: str, *, clinician: bool = False, display: bool = False) -> str:
    """Raise ValidationError if the name may not be used; clinicians may carry a title.
    A display name (`display=True`) may also hold spaces and be up to 40 characters."""
    name = name.strip()
    if display:
        if not DISPLAY_SHAPE.match(name):
            raise ValidationError(
                _("Use up to 40 letters, digits, spaces, dots, dashes or underscores."),
                code="shape",
            )
    elif not USERNAME_SHAPE.match(name):
        raise ValidationError(
            _("Use 3 to 30 letters, digits, dots, dashes or underscores (no spaces, no email "
              "address)."),
            code="shape",
        )
    if is_reserved(name):
        raise ValidationError(
            _("“%(name)s” is reserved. Please choose another name.") % {"name": name},
            code="reserved",
        )
    if not clinician and claims_clinical_title(name):
        raise ValidationError(
            _("Names with a clinical title (Dr, MD, RN, ...) are for verified clinicians. "
              "Please choose another name; once you are verified you can add your title."),
            code="clinical_title",
        )
    return name


def username_taken(name: str) -> bool:
    from .models import User

    return User.objects.annotate(lname=Lower("username")).filter(lname=name.lower()).exists()


def generate_pseudonym() -> str:
    """A free name like "BlueHeron482" (checked against existing usernames, any case)."""
    for attempt in range(20):
        digits = 3 if attempt < 10 else 5
        name = (
            f"{secrets.choice(ADJECTIVES)}{secrets.choice(ANIMALS)}"
            f"{secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1)}"
        )
        if not username_taken(name):
            return name
    return f"Member{secrets.token_hex(5)}"
