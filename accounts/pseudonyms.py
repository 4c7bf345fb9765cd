"""Pseudonyms: generated names like "BlueHeron482", and the rules every chosen name obeys.

One rule for usernames and display names alike (`validate_pseudonym`, called by the sign-up
adapter and the profile service): not reserved, no clinical title unless verified, and not a
look-alike of another member's username or display name. Look-alikes are found by comparing
`name_key`s: the Unicode TR39 confusable skeleton (ICU's SpoofChecker) of the name folded to
NFKC (fullwidth "ｄｒｌｅｅ" is "drlee") and case-folded, without spaces or punctuation, so that
"Drlee", "DrIee", "dr1ee", "dr.lee", "drlее" (Cyrillic е) and "ｄｒｌｅｅ" all pass for drlee.
"""

from __future__ import annotations

import re
import secrets
import threading
import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from icu import SpoofChecker

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
_NOT_WORD = re.compile(r"[\W_]+")
_checkers = threading.local()


def _skeleton(text: str) -> str:
    """UTS #39 skeleton: every character mapped to the prototype it can be confused with."""
    checker = getattr(_checkers, "checker", None)
    if checker is None:
        checker = _checkers.checker = SpoofChecker()
    return checker.getSkeleton(0, text)


def _look(name: str) -> str:
    """How the name reads, with plain Latin letters where others only look like them:
    "Ｄｒ Ｌｅｅ" and "Dг Lee" (Cyrillic г) both read "Dr Lee". ASCII stays as written (the full
    skeleton would turn "m" into "rn", a title) and so does case (for word splitting)."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(char if char.isascii() else _skeleton(char) for char in text)


def name_key(name: str) -> str:
    """What two names share when one could pass for the other (see the module docstring)."""
    if not name:
        return ""
    skeleton = _skeleton(unicodedata.normalize("NFKC", name))  # "I" and "l" agree before
    return _NOT_WORD.sub("", _skeleton(skeleton.casefold()))  # the case is folded


def name_words(name: str) -> list[str]:
    """"DrLee_MD" -> ["dr", "lee", "md"]; "BlueHeron482" -> ["blue", "heron", "482"]."""
    return [word.lower() for word in _WORDS.findall(name)]


def _reserved_as_written(name: str) -> bool:
    letters = re.sub(r"[^a-z]", "", name.lower())
    return letters in RESERVED or any(word in RESERVED for word in name_words(name))


_RESERVED_KEYS = frozenset(name_key(word) for word in RESERVED)


def is_reserved(name: str) -> bool:
    """A reserved word, as the name is written, as it reads ("ａｄｍｉｎ", "аdmin" with a
    Cyrillic а) or as its look-alike key ("Adm1n", "m0derator")."""
    look = _look(name)
    if _reserved_as_written(unicodedata.normalize("NFKC", name)) or _reserved_as_written(look):
        return True
    return name_key(name) in _RESERVED_KEYS or any(
        name_key(word) in _RESERVED_KEYS for word in name_words(look))


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


def validate_pseudonym(name: str, *, clinician: bool = False, display: bool = False,
                       user=None, others: bool = True) -> str:
    """Raise ValidationError if the name may not be used; clinicians may carry a title.
    A display name (`display=True`) may also hold spaces and be up to 40 characters. With
    `others`, the name may not look like another member's username or display name (`user`,
    whose own names do not count, is the member choosing it; None at sign-up)."""
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
    if others and looks_like_another_member(name, user=user):
        raise ValidationError(
            _("“%(name)s” looks too much like another member's name. Please choose another "
              "name.") % {"name": name},
            code="lookalike",
        )
    if not clinician and (claims_clinical_title(unicodedata.normalize("NFKC", name))
                          or claims_clinical_title(_look(name))):
        raise ValidationError(
            _("Names with a clinical title (Dr, MD, RN, ...) are for verified clinicians. "
              "Please choose another name; once you are verified you can add your title."),
            code="clinical_title",
        )
    return name


def looks_like_another_member(name: str, *, user=None) -> bool:
    """Whether `name` could pass for the username or display name of a member other than
    `user`."""
    from .models import User

    key = name_key(name)
    if not key:
        return False
    others = User.objects.filter(Q(username_key=key) | Q(display_key=key))
    if user is not None and user.pk is not None:
        others = others.exclude(pk=user.pk)
    return others.exists()


def username_taken(name: str) -> bool:
    """Taken, or too like a name that is (any case, any look-alike)."""
    return looks_like_another_member(name)


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
