"""allauth customised for Hearth: pseudonyms on every path, no trust in a provider's email,
never signing into an existing account because an email matches."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_username
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.core.exceptions import ValidationError
from django.forms import ValidationError as FormValidationError
from django.http import Http404

from .pseudonyms import generate_pseudonym, validate_pseudonym

SIGNUP_SOURCES = {"twitter_oauth2": "x", "facebook": "facebook"}


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials) -> None:
        """Too many failed logins (per address, or per account) answer 429 Too Many Requests,
        the same whether or not the account exists."""
        try:
            super().pre_authenticate(request, **credentials)
        except FormValidationError as error:
            if error.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(ratelimit.respond_429(request)) from error
            raise

    def pre_login(self, request, user, **kwargs):
        """A banned member cannot sign in again (their sessions ended when they were banned).
        They are told so, and how to ask staff for their data."""
        if getattr(user, "is_banned", False):
            from allauth.account.internal.stagekit import clear_login
            from django.shortcuts import render

            clear_login(request)
            return render(request, "account/banned.html", status=403)
        return super().pre_login(request, user, **kwargs)

    def clean_username(self, username: str, shallow: bool = False) -> str:
        try:
            validate_pseudonym(username)  # nobody is a verified clinician at sign-up
        except ValidationError as error:
            raise FormValidationError(error.messages) from error
        return super().clean_username(username, shallow=shallow)

    def populate_username(self, request, user) -> None:
        """A member who leaves the name blank gets a generated pseudonym, never one made
        from their email address or real name (allauth's default would)."""
        if not user_username(user):
            user_username(user, generate_pseudonym())

    def save_user(self, request, user, form, commit: bool = True):
        user = super().save_user(request, user, form, commit=False)
        if not user.signup_source:
            user.signup_source = "email"
        display_name = form.cleaned_data.get("display_name") if form is not None else None
        if display_name:
            user.display_name = display_name
        if commit:
            user.save()
        return user


class ProviderNotConfigured(SocialApp.DoesNotExist, Http404):
    """A provider without credentials: its login URL is a 404, not a server error."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise ProviderNotConfigured from error

    def populate_user(self, request, sociallogin, data):
        """Keep the provider's real name in the private first/last name fields (shown only
        if the member opts in); the public username is a pseudonym, not the provider handle."""
        user = super().populate_user(request, sociallogin, data)
        user_username(user, "")
        user.signup_source = SIGNUP_SOURCES.get(sociallogin.account.provider, "social")
        return user

    def pre_social_login(self, request, sociallogin) -> None:
        # Hearth verifies every address itself: a provider's "verified" is not trusted.
        for address in sociallogin.email_addresses:
            address.verified = False

    def is_email_verified(self, provider, email) -> bool:
        return False

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        # Every new member picks (or accepts) a pseudonym, and X gives no email to verify.
        return False

    def can_authenticate_by_email(self, login, email) -> bool:
        return False

    def get_signup_form_initial_data(self, sociallogin) -> dict:
        initial = super().get_signup_form_initial_data(sociallogin)
        initial["username"] = generate_pseudonym()
        initial.pop("first_name", None)
        initial.pop("last_name", None)
        return initial
