"""Signed tokens for links in emails. The token is the authorization: it names the member
and what the link does, and only Hearth's SECRET_KEY can make one.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.core import signing
from django.utils.encoding import force_bytes

UNSUBSCRIBE_SALT = "hearth.notifications.unsubscribe"
CLICK_SALT = "hearth.notifications.click"
CHECKIN_SALT = "hearth.notifications.checkin"
LISTS = ("digest", "replies", "mentions")


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    list: str


@dataclass(frozen=True)
class Click:
    user_id: int
    thread_id: int
    frequency: str
    period: str


def unsubscribe_signer() -> signing.TimestampSigner:
    """The signer of unsubscribe tokens: made once for a fan-out's thousands of tokens (making
    one reads the secret keys from settings each time)."""
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, list_name: str, *,
                      signer: signing.TimestampSigner | None = None) -> str:
    """signing.dumps of {"u": user_id, "l": list_name}, compressed."""
    if list_name not in LISTS:
        raise ValueError(list_name)
    return (signer or unsubscribe_signer()).sign_object(
        {"u": user_id, "l": list_name}, compress=True)


def read_unsubscribe_token(token: str) -> Unsubscribe | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        result = Unsubscribe(user_id=int(data["u"]), list=str(data["l"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return result if result.list in LISTS else None


class _PreparedSigner:
    """`signing.Signer(salt=salt).sign`, with its HMAC key derived once: a digest batch signs
    thousands of links, and Signer derives the key (a SHA-256 of salt and secret) and sets up
    a new HMAC for each. The tokens are the same (tests/notifications/test_email.py); they are
    read with Signer.unsign, which also accepts the SECRET_KEY_FALLBACKS."""

    def __init__(self, salt: str) -> None:
        signer = signing.Signer(salt=salt)
        self.sep = signer.sep
        algorithm = getattr(hashlib, signer.algorithm)
        key = algorithm(force_bytes(signer.salt + "signer") + force_bytes(signer.key)).digest()
        self._hmac = hmac.new(key, digestmod=algorithm)

    def sign(self, value: str) -> str:
        mac = self._hmac.copy()
        mac.update(force_bytes(value))
        return f"{value}{self.sep}{signing.b64_encode(mac.digest()).decode()}"


def click_signer() -> _PreparedSigner:
    """The signer of click tokens, made once for a digest batch's thousands of links."""
    return _PreparedSigner(CLICK_SALT)


def click_token(*, user_id: int, thread_id: int, frequency: str, period: str,
                signer: _PreparedSigner | signing.Signer | None = None) -> str:
    """Compact (a digest has many links): "<user>.<thread>.<d|w><period>:<signature>"."""
    value = f"{user_id}.{thread_id}.{frequency[:1]}{period}"
    return (signer or click_signer()).sign(value)


def read_click_token(token: str) -> Click | None:
    try:
        value = signing.Signer(salt=CLICK_SALT).unsign(token)
        user_id, thread_id, rest = value.split(".", 2)
        frequency = {"d": "daily", "w": "weekly"}[rest[:1]]
        return Click(user_id=int(user_id), thread_id=int(thread_id), frequency=frequency,
                     period=rest[1:])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class CheckInLink:
    user_id: int
    month: str


def checkin_token(*, user_id: int, month: str) -> str:
    """The monthly check-in's link: "<user>.<YYYY-MM>:<signature>" (the answer is the next
    path segment, so the three answers share one token)."""
    return signing.Signer(salt=CHECKIN_SALT).sign(f"{user_id}.{month}")


def read_checkin_token(token: str) -> CheckInLink | None:
    try:
        user_id, month = signing.Signer(salt=CHECKIN_SALT).unsign(token).split(".", 1)
        year, number = month.split("-")
        if len(year) != 4 or not 1 <= int(number) <= 12:
            return None
        return CheckInLink(user_id=int(user_id), month=month)
    except (signing.BadSignature, TypeError, ValueError):
        return None
