"""Settings, data rights and clinician verification pages. Thin: forms validate, services write,
permissions decide; what a member may not see is a 404."""

from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import reauthentication_required
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hearth.lib.forms import form_errors_add

from . import permissions, services
from .forms import (
    ClinicianApplyForm,
    DeleteAccountForm,
    ProfileForm,
)
from .models import ClinicianProfile, DataExport, User


def _signed_in_long_ago(request) -> bool:
    """True when the session's last sign-in (or re-entered password / MFA) is older than
    ACCOUNT_REAUTHENTICATION_TIMEOUT: deleting the account or taking every message then asks
    for the password again, so a stolen session alone cannot."""
    records = get_authentication_records(request, request.user)
    last = max((r.get("at", 0) for r in records), default=0)
    return time.time() - last >= account_settings.REAUTHENTICATION_TIMEOUT


_recent_sign_in = reauthentication_required(enabled=_signed_in_long_ago)
_recent_sign_in_to_change = reauthentication_required(enabled=_signed_in_long_ago,
                                                      allow_get=True)


def _fresh(user):
    """A copy for a ModelForm to fill in, so the service sees what changed."""
    return User.objects.get(pk=user.pk)


# --- Settings --------------------------------------------------------------------------------


@login_required
def settings_profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, instance=_fresh(user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.profile_update(user=user, **form.cleaned_data)
            except ValidationError as error:
                user.refresh_from_db()
                form_errors_add(form, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("accounts:settings")
        status = 400
    return render(request, "accounts/settings/profile.html",
                  {"form": form, "section": "profile"}, status=status)


@login_required
@require_GET
def settings_security(request):
    user = request.user
    return render(request, "accounts/settings/security.html", {
        "section": "security",
        "connected": SocialAccount.objects.filter(user=user).order_by("provider"),
        "sessions": UserSession.objects.filter(user=user).order_by("-last_seen_at")[:20],
        "current_session": request.session.session_key,
        "has_mfa": permissions.has_mfa(user),
        "requires_mfa": permissions.requires_mfa(user),
        "has_password": user.has_usable_password(),
    })


@login_required
@require_POST
def sessions_end_all(request):
    services.user_end_sessions(user=request.user)
    logout(request)
    messages.info(request, _("You are signed out on every device."))
    return redirect("account_login")


@login_required
def settings_data(request):
    exports = DataExport.objects.filter(user=request.user)[:5]
    return render(request, "accounts/settings/data.html", {
        "section": "data", "exports": exports,
        "delete_form": DeleteAccountForm(user=request.user),
    })


@login_required
@require_POST
@_recent_sign_in
def export_request(request):
    export = services.data_export_request(user=request.user)
    export.refresh_from_db()
    if export.status == DataExport.Status.READY:
        messages.success(request, _("Your data is ready to download."))
    else:
        messages.info(request, _("We're preparing your data. Refresh this page in a minute to "
                                 "download it."))
    return redirect("accounts:data")


@login_required
@require_GET
@_recent_sign_in
def export_download(request, pk: int):
    export = DataExport.objects.filter(pk=pk).first()
    if (
        export is None
        or not permissions.can_download_export(request.user, export)
        or export.status != DataExport.Status.READY
    ):
        raise Http404
    archive = services.export_open(export)
    if archive is None:
        raise Http404
    filename = f"hearth-export-{export.created_at:%Y-%m-%d}.json"
    response = FileResponse(archive, as_attachment=True, filename=filename,
                            content_type="application/json")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@_recent_sign_in_to_change
def account_delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            services.account_delete(user=user, keep_posts=form.cleaned_data["posts"] == "keep")
            logout(request)
            messages.info(request, _("Your account was deleted. Thank you for being part of "
                                     "the community."))
            return redirect("/")
        return render(request, "accounts/settings/delete.html",
                      {"form": form, "section": "data"}, status=400)
    return render(request, "accounts/settings/delete.html", {"form": form, "section": "data"})


# --- Clinicians --------------------------------------------------------------------------------


@login_required
def clinician_apply(request):
    profile = ClinicianProfile.objects.filter(user=request.user).first()
    initial = {}
    if profile is not None:
        initial = {name: getattr(profile, name) for name in
                   ("credentials", "specialty", "organisation", "licence_state", "npi")}
    form = ClinicianApplyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not permissions.can_apply_as_clinician(request.user):
            raise Http404
        if form.is_valid():
            try:
                services.clinician_apply(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("Thank you. Our team will check your details, "
                                            "usually within two working days."))
                return redirect("accounts:clinician_apply")
        status = 400
    return render(request, "accounts/clinician_apply.html",
                  {"form": form, "profile": profile}, status=status)
