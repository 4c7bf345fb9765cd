"""Where a member came from: the `utm_source` or `ref` of the link they first landed on."""

from __future__ import annotations

from django.utils.translation import gettext_noop

SOURCES = ("x", "facebook", "email", "direct", "other")
SOURCE_LABELS = {
    "x": gettext_noop("X (Twitter)"),
    "facebook": gettext_noop("Facebook"),
    "email": gettext_noop("Email"),
    "direct": gettext_noop("Direct or unknown"),
    "other": gettext_noop("Other links"),
}
_ALIASES = {
    "x": "x", "x.com": "x", "twitter": "x", "twitter.com": "x", "t.co": "x", "tw": "x",
    "facebook": "facebook", "facebook.com": "facebook", "fb": "facebook",
    "m.facebook.com": "facebook",
    "l.facebook.com": "facebook", "meta": "facebook",
    "email": "email", "e-mail": "email", "mail": "email", "newsletter": "email", "digest": "email",
    "direct": "direct", "": "direct",
}


def normalise_source(value: str | None) -> str:
    """One of SOURCES. Nothing given is "direct"; anything unrecognised is "other"."""
    key = (value or "").strip().lower()[:64]
    if key.startswith("www."):
        key = key[4:]
    return _ALIASES.get(key, "other")


def landing_source(params) -> str:
    """The source named by a landing URL's query string (a QueryDict or dict)."""
    return normalise_source(params.get("utm_source") or params.get("ref") or "")
