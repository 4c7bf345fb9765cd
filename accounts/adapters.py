"""allauth customised for Hearth: pseudonyms on every path, no trust in a provider's email,
never signing into an existing account because an email matches."""

from __future__ import annotations

from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.utils import user_username
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import ValidationError as FormValidationError
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import translation

from hearth.lib import emails

from .forms import clean_time_zone
from .models import User
from .pseudonyms import generate_pseudonym, validate_pseudonym

SIGNUP_SOURCES = {"twitter_oauth2": "x", "facebook": "facebook"}


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every allauth email (verification, password reset, "account already exists",
        security notices, MFA and social account ones) names the site and its real host
        (SITE_NAME, BASE_URL; never the Sites framework's example.com), has an HTML part in
        the style of Hearth's other emails, and is in the member's language, or for someone
        who has no account yet, the language of the page they were on."""
        user = context.get("user") or _member_with(email)
        language = emails.member_language(user, default=translation.get_language())
        with translation.override(language):
            ctx = {
                "request": allauth_context.request,
                "email": email,
                "current_site": SimpleNamespace(name=settings.SITE_NAME,
                                                domain=emails.site_host()),
                **emails.site_context(),
                **context,
            }
            message = self.render_mail(template_prefix, email, ctx)
        message.send()

    def render_mail(self, template_prefix: str, email, context: dict, headers=None):
        """allauth's text part (and its HTML part where templates/account/email has one);
        every other email gets the text's own words in Hearth's HTML layout. CSS inlined."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if not hasattr(message, "alternatives"):
            return message
        html = next((content for content, mimetype in message.alternatives
                     if mimetype == "text/html"), None)
        if html is None:
            request = allauth_context.request
            body = render_to_string(f"{template_prefix}_message.txt",
                                    {**context, "hearth_body_only": True}, request).strip()
            html = render_to_string("account/email/message.html", {**context, "body": body},
                                    request)
        message.alternatives = [alt for alt in message.alternatives if alt[1] != "text/html"]
        message.attach_alternative(emails.inline_css(html), "text/html")
        return message

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
        """Hearth's rule for names (accounts.pseudonyms): nobody is a verified clinician at
        sign-up, and no name may pass for another member's."""
        username = super().clean_username(username, shallow=shallow)  # shape; taken, any case
        try:
            validate_pseudonym(username, others=not shallow)
        except ValidationError as error:
            raise FormValidationError(error.messages) from error
        return username

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
            try:
                user.display_name = validate_pseudonym(display_name, display=True)
            except ValidationError as error:
                raise FormValidationError(error.messages) from error
        # Emails have no browser to ask: someone who signs up on a Spanish page gets their
        # replies and digests in Spanish (Settings -> Language changes it).
        language = (translation.get_language() or "").split("-")[0]
        if not user.language and language != settings.LANGUAGE_CODE and \
                language in dict(settings.LANGUAGES):
            user.language = language
        time_zone = clean_time_zone(form.cleaned_data.get("time_zone") or "") \
            if form is not None else ""
        if time_zone:
            user.time_zone = time_zone
        if commit:
            user.save()
        return user


def _member_with(email: str) -> User | None:
    """Whose address this is, if anyone's (for the language of an email with no user)."""
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    if address is not None:
        return address.user
    return User.objects.filter(email__iexact=email).first()


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
