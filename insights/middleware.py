"""First touch: remember where a visitor first came from, until they sign up.

The first page a visitor lands on names its source in `utm_source` or `ref`; no parameter
means "direct". The normalised source (x, facebook, email, direct, other) is kept in a
long-lived signed cookie and, once the visitor has a session (signing up makes one), in the
session too, so that it survives a closed browser and a new
session; the `user_signed_up` receiver (insights/receivers.py) copies it to the new account.
Nothing else is stored: no URL, referrer or identifier.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from .sources import SOURCES, landing_source

SESSION_KEY = "insights_first_touch"
COOKIE_NAME = "hearth_src"
COOKIE_SALT = "insights.first-touch"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365
SKIPPED_PREFIXES = ("/static/", "/media/", "/healthz", "/ws/", "/favicon")


def first_touch_of(request) -> str | None:
    """The visitor's first-touch source from the session, else the signed cookie."""
    session = getattr(request, "session", None)
    value = session.get(SESSION_KEY) if session is not None else None
    if value in SOURCES:
        return value
    try:
        value = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT,
                                          max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        value = None
    return value if value in SOURCES else None


class FirstTouchMiddleware:
    """After sessions and authentication. Costs nothing for signed-in members."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        set_cookie = None
        if self._applies(request):
            known = first_touch_of(request)
            source = known or landing_source(request.GET)
            # Into a session the visitor already has (sign-up makes one); never create a
            # session (a row per passing visitor) just for this: the cookie carries it.
            if request.session.session_key and request.session.get(SESSION_KEY) != source:
                request.session[SESSION_KEY] = source
            if known is None or request.COOKIES.get(COOKIE_NAME) is None:
                set_cookie = source
        response = self.get_response(request)
        if set_cookie is not None:
            response.set_signed_cookie(
                COOKIE_NAME, set_cookie, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE,
                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    @staticmethod
    def _applies(request) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        if request.path_info.startswith(SKIPPED_PREFIXES):
            return False
        if getattr(request, "session", None) is None:
            return False
        user = getattr(request, "user", None)
        return user is None or not user.is_authenticated
