"""MFA before privileged pages: staff, moderators and verified clinicians enrol in allauth MFA
(TOTP with recovery codes) before any page under HEARTH_MFA_PRIVILEGED_PREFIXES. With
HEARTH_MFA_REQUIRED off (the demo), they pass, and every privileged page says so."""

from __future__ import annotations

import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import permissions
from .models import User

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
                User.objects.filter(pk=user.pk).update(language=language)
                user.language = language
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
