"""Whole-page cache for visitors (people not signed in), as Discourse's "anonymous cache".

Every visitor of a public page sees the same HTML except two per-request secrets: the CSRF
token and the CSP nonce. A page is stored with both replaced by marks, and every response,
cached or fresh, gets this request's own values put back. The marks are random and new for
each render (`marks(request)`) and stored beside the page, so text a member wrote can never
hold them: a post that quotes a mark shows it as written, never a reader's token.

The caller builds the key from whatever changes the page (for a thread: its event number, the
page and the language) and still runs its access check before asking the cache, so a page that
turns private is never served from here.

Only plain GETs with nothing waiting to be shown (no flash messages) and no query string
beyond the ones the caller names are cached; anything else renders as usual. Signed-in members
only where the caller asks (`members=True`): the thread page keeps a shared member copy per
reader class and fills in each member's own parts (community/fragments_page.py).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

logger = logging.getLogger(__name__)

# How a mark begins; the rest is random per render.
CSRF_MARK = "__hearth_csrf_"
NONCE_MARK = "__hearth_nonce_"
SECONDS = 60


@dataclass(frozen=True)
class Marks:
    csrf: str
    nonce: str


def marks(request: HttpRequest) -> Marks:
    """This request's marks: where a page (or a post fragment) rendered for it has the CSRF
    token and the nonce. Random, so no member can write them into a post."""
    found = getattr(request, "_hearth_page_marks", None)
    if found is None:
        found = Marks(csrf=f"{CSRF_MARK}{secrets.token_hex(16)}__",
                      nonce=f"{NONCE_MARK}{secrets.token_hex(16)}__")
        request._hearth_page_marks = found
    return found


def applies(request: HttpRequest, allowed_params: frozenset[str] = frozenset(),
            members: bool = False) -> bool:
    """Whether this request may be answered from (and stored in) the page cache: visitors,
    and signed-in members too when the caller keeps their copies apart (`members`)."""
    if request.method != "GET" or (request.user.is_authenticated and not members):
        return False
    if getattr(request, "htmx", False) or set(request.GET) - allowed_params:
        return False
    return len(messages.get_messages(request)) == 0  # counting them does not use them up


def get(key: str) -> dict | None:
    """The stored page ({"html", "csrf", "nonce"}: the page and its own marks), or None."""
    try:
        page = cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down: render every time
        logger.warning("visitor page cache unavailable")
        return None
    return page if isinstance(page, dict) else None


def context(request: HttpRequest) -> dict:
    """Extra template context for a page that may be stored: the CSRF token as its mark."""
    return {"csrf_token": marks(request).csrf}


def prepare(request: HttpRequest, html: str) -> dict:
    """The page as `get` returns it: `html` (rendered with `context(request)`) with this
    request's nonce turned into its mark, and both marks."""
    own = marks(request)
    nonce = str(getattr(request, "csp_nonce", "") or "")  # django-csp's public attribute
    if nonce:
        html = html.replace(nonce, own.nonce)
    return {"html": html, "csrf": own.csrf, "nonce": own.nonce}


def put(key: str, page: dict) -> None:
    """Keep a prepared page (with whatever the caller added to it)."""
    try:
        cache.set(key, page, SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("page cache unavailable")


def store(key: str, request: HttpRequest, html: str) -> dict:
    """Keep `html` (rendered with `context(request)`), prepared; returns the page as `get`
    would."""
    page = prepare(request, html)
    put(key, page)
    return page


def respond(request: HttpRequest, page: dict) -> HttpResponse:
    """The stored or fresh page with this request's CSRF token and nonce in place of the page's
    own marks (and nowhere else)."""
    html = page["html"]
    if page["nonce"] in html:  # as the template would write it: empty without django-csp
        html = html.replace(page["nonce"], str(getattr(request, "csp_nonce", "")))
    return HttpResponse(html.replace(page["csrf"], get_token(request)))
