"""The signed-in member on every request (CachedAuthenticationMiddleware: from the cache, no
query), MFA before privileged pages (staff, moderators and verified clinicians enrol in allauth
MFA, TOTP with recovery codes, before any page under HEARTH_MFA_PRIVILEGED_PREFIXES; with
HEARTH_MFA_REQUIRED off, the demo, they pass and every privileged page says so), and the
member's own language and time zone."""

from __future__ import annotations

import logging
import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from . import permissions
from .models import User

logger = logging.getLogger(__name__)

USER_CACHE_SECONDS = 300


def _user_key(user_id) -> str:
    return f"auth-user:{user_id}"


_companions: dict = {}  # attribute -> the cache key of a member's id


def register_member_companion(attr: str, key) -> None:
    """Another app's per-member cache entry (`key(user_id)`), read in the same round trip as
    the member's row and put on the user object as `attr` when the cache has it: the app reads
    the attribute first (community's memberships, the clinician header flag). The app keeps
    the entry current; a missing entry only means the app reads it itself (or, when the entry's
    absence means something, finds `attr` in `companions_read(user)`: looked up, not there)."""
    _companions[attr] = key


def companions_read(user) -> frozenset:
    """The companion attributes looked up with this member's cached row (present or not)."""
    return getattr(user, "_hearth_companions_read", frozenset())


def cached_user(request):
    """request.user without a query when the cache has it: the member's row is kept for five
    minutes and dropped whenever it is saved (post_save/post_delete below; the few
    QuerySet.update calls on User call forget_user). The session is checked exactly as
    django.contrib.auth.get_user checks it (backend allowed, session hash matches, account
    active); anything unusual takes Django's own path."""
    ahead = _read_ahead(request)  # the session, and the member it last named, at once
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)
    companions = {key(user_id): attr for attr, key in _companions.items()}
    if ahead is not None and ahead[0] == str(user_id):  # the guess was right
        found = {key: value for key, value in zip([_user_key(user_id), *companions], ahead[1],
                                                  strict=True) if value is not None}
    else:
        try:
            found = cache.get_many([_user_key(user_id), *companions])
        except Exception:  # noqa: BLE001 - Redis down: the database answers
            logger.warning("user cache unavailable")
            return auth.get_user(request)
        if getattr(request, "_hearth_read_ahead", False):  # no hint yet, or another member
            _remember_session_user(request, user_id)
    user = found.get(_user_key(user_id))
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    if (
        user is not None
        and backend_path in settings.AUTHENTICATION_BACKENDS
        and user.is_active
        and session_hash
        and constant_time_compare(session_hash, user.get_session_auth_hash())
    ):
        user.backend = backend_path
        for key, attr in companions.items():
            if key in found:
                setattr(user, attr, found[key])
        user._hearth_companions_read = frozenset(companions.values())  # absent ones included
        return user
    user = auth.get_user(request)
    if user.is_authenticated:
        remember_user(user)
    return user


# The session and the member's row in one round trip: the session's cache entry, and the
# member the session named last time (a hint kept beside it, KEYS[2]) with their row and
# companions (ARGV: each key as prefix, suffix around the member's id). The session itself
# still decides who is signed in: a hint that names someone else is not used.
_READ_AHEAD = """
local out = {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])}
if not out[2] then return out end
for i = 1, #ARGV, 2 do out[#out + 1] = redis.call('GET', ARGV[i] .. out[2] .. ARGV[i + 1]) end
return out
"""
_read_ahead_scripts: dict = {}
_ID_MARK = "@@hearth-member-id@@"


def _session_user_key(session_key: str) -> str:
    return f"auth-session-user:{session_key}"


def _read_ahead(request) -> tuple[str, list] | None:
    """Load the request's session from the cache (as accounts.sessions.SessionStore.load
    would) and, in the same round trip, the row and companions of the member this session
    named before: (their id as text, the values in `cached_user`'s order, None where missing),
    or None (no hint, not our session store, or Redis unavailable: the usual path answers)."""
    from .sessions import SessionStore

    session = getattr(request, "session", None)
    backend = getattr(cache, "_cache", None)
    if (not isinstance(session, SessionStore) or hasattr(session, "_session_cache")
            or not session.session_key or settings.SESSION_CACHE_ALIAS != "default"
            or not hasattr(backend, "get_client")):
        return None
    templates = []
    for key in (_user_key, *_companions.values()):
        made = cache.make_key(key(_ID_MARK))
        if made.count(_ID_MARK) != 1:
            return None
        templates.extend(made.split(_ID_MARK))
    try:
        redis = backend.get_client(write=False)
        script = _read_ahead_scripts.get(id(redis))
        if script is None or script.registered_client is not redis:
            script = _read_ahead_scripts[id(redis)] = redis.register_script(_READ_AHEAD)
        request._hearth_read_ahead = True
        out = script(keys=[cache.make_key(session.cache_key),
                           cache.make_key(_session_user_key(session.session_key))],
                     args=templates)
        if out[0] is not None:
            session._session_cache = backend._serializer.loads(out[0])
        if len(out) < 2 or out[1] is None:
            return None
        return out[1].decode(), [None if value is None else backend._serializer.loads(value)
                                 for value in out[2:]]
    except Exception:  # noqa: BLE001 - the usual path (and its warnings) answers
        return None


def _remember_session_user(request, user_id) -> None:
    """The hint `_read_ahead` uses on this session's next request (a plain number)."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not session_key:
        return
    try:
        cache.set(_session_user_key(session_key), int(user_id), USER_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("user cache unavailable")


def remember_user(user) -> None:
    """Keep the member's row (as it is in `user`) for the next requests."""
    from copy import copy

    kept = copy(user)
    kept._state = copy(kept._state)
    kept._state.fields_cache = {}  # the row alone: related rows (clinician...) change apart
    for name in [n for n in vars(kept) if n.startswith("_hearth")]:  # per-request memos
        delattr(kept, name)
    try:
        cache.set(_user_key(user.pk), kept, USER_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("user cache unavailable")


def forget_user(user_id) -> None:
    """The member's row changed: the next request reads it again."""
    try:
        cache.delete(_user_key(user_id))
    except Exception:  # noqa: BLE001 - Redis down: nothing is cached either
        logger.warning("user cache unavailable")


def _forget_saved_user(sender, instance, **kwargs) -> None:
    """Now, and again once the write commits: a request that read the row in between (the
    old row, from another connection) must not keep it for five minutes."""
    user_id = instance.pk
    forget_user(user_id)
    transaction.on_commit(lambda: forget_user(user_id), robust=True)


def _forget_ended_session(sender, instance, **kwargs) -> None:
    """Sessions are kept in the cache too (SESSION_ENGINE cached_db): a session ended by
    deleting its row (accounts.services.user_end_sessions) ends in the cache as well."""
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.core.cache import caches

    try:
        caches[settings.SESSION_CACHE_ALIAS].delete(KEY_PREFIX + instance.session_key)
    except Exception:  # noqa: BLE001
        logger.warning("session cache unavailable")


def connect_receivers() -> None:
    """Called by AccountsConfig.ready, so that web and worker processes both drop what
    changed."""
    from django.contrib.sessions.models import Session

    post_save.connect(_forget_saved_user, sender=User, dispatch_uid="accounts-forget-user")
    post_delete.connect(_forget_saved_user, sender=User, dispatch_uid="accounts-forget-user-del")
    post_delete.connect(_forget_ended_session, sender=Session, dispatch_uid="accounts-end-session")


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """django.contrib.auth's middleware, with request.user read through the cache."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: cached_user(request))


DEFAULT_PREFIXES = ("/moderation/", "/insights/", "/clinicians/queue/", "/clinicians/review/",
                    "/admin/")


def privileged_prefixes() -> tuple[str, ...]:
    return tuple(getattr(settings, "HEARTH_MFA_PRIVILEGED_PREFIXES", DEFAULT_PREFIXES))


def is_privileged_path(path: str) -> bool:
    return path.startswith(privileged_prefixes())


class MfaRequiredMiddleware:
    """Runs after AuthenticationMiddleware; costs no query outside privileged pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and is_privileged_path(request.path_info)
            and permissions.requires_mfa(user)
            and not permissions.has_mfa(user)
        ):
            if getattr(settings, "HEARTH_MFA_REQUIRED", True):
                return self._enrol(request)
            if not request.headers.get("HX-Request"):  # full pages only, not fragments
                messages.warning(request, _(
                    "Demo mode: two-factor authentication is not enforced here. In production, "
                    "staff, moderators and clinicians must set it up before using this page."))
        return self.get_response(request)

    def _enrol(self, request):
        messages.info(request, _(
            "Please set up two-factor authentication first: your role gives you access to "
            "members' information."))
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{query}")


class MemberLocaleMiddleware:
    """A signed-in member's own language and time zone (Settings) win over the browser's
    Accept-Language and the server's UTC; choosing a language with the footer switcher also
    saves it to the member. Runs after AuthenticationMiddleware and LocaleMiddleware; costs no
    query beyond loading request.user, which every page does anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if isinstance(user, SimpleLazyObject):  # loaded just now: the view's hundred or so
            request.user = user = user._wrapped  # reads of it skip the proxy
        if signed_in:
            language = (user.language or "").split("-")[0]
            if language and language in _language_codes():
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
            zone = _zone(user.time_zone)
            if zone is not None:
                timezone.activate(zone)
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        if (signed_in and request.method == "POST" and response.status_code in (200, 204, 302)
                and request.path_info == reverse("set_language")):
            language = request.POST.get("language", "")
            if language in _language_codes() and language != user.language:
                from .services import user_language_set

                user_language_set(user=user, language=language)
        return response


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _zone(name: str):
    if not name or name == "UTC":
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
