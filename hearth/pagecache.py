"""Whole-page cache for visitors (people not signed in), as Discourse's "anonymous cache".

Every visitor of a public page sees the same HTML except two per-request secrets: the CSRF
token and the CSP nonce. A page is stored with both replaced by marks, and every response,
cached or fresh, gets this request's own values put back. The caller builds the key from
whatever changes the page (for a thread: its event number, the page and the language) and
still runs its access check before asking the cache, so a page that turns private is never
served from here.

Only plain GETs by visitors with nothing waiting to be shown (no flash messages) and no query
string beyond the ones the caller names are cached; anything else renders as usual.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

logger = logging.getLogger(__name__)

CSRF_MARK = "__hearth_csrf_token__"
NONCE_MARK = "__hearth_csp_nonce__"
SECONDS = 60


def applies(request: HttpRequest, allowed_params: frozenset[str] = frozenset()) -> bool:
    """Whether this request may be answered from (and stored in) the visitor cache."""
    if request.method != "GET" or request.user.is_authenticated:
        return False
    if getattr(request, "htmx", False) or set(request.GET) - allowed_params:
        return False
    return len(messages.get_messages(request)) == 0  # counting them does not use them up


def get(key: str) -> str | None:
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down: render every time
        logger.warning("visitor page cache unavailable")
        return None


def context() -> dict:
    """Extra template context for a page that may be stored: the CSRF token as its mark."""
    return {"csrf_token": CSRF_MARK}


def store(key: str, request: HttpRequest, html: str) -> None:
    """Keep `html` (rendered with `context()`) with this request's nonce turned into its mark."""
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        html = html.replace(nonce, NONCE_MARK)
    try:
        cache.set(key, html, SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("visitor page cache unavailable")


def respond(request: HttpRequest, html: str) -> HttpResponse:
    """The stored or fresh page with this request's CSRF token and nonce in place of the marks."""
    if NONCE_MARK in html:  # as the template would write it: empty without django-csp
        html = html.replace(NONCE_MARK, str(getattr(request, "csp_nonce", "")))
    return HttpResponse(html.replace(CSRF_MARK, get_token(request)))
