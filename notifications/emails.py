"""Rendering emails: plain text and HTML from Django templates, CSS inlined, no remote
images and no tracking pixel, in the member's language."""

from __future__ import annotations

import functools
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac

from hearth.lib.emails import (  # noqa: F401 - used through this module
    absolute,
    inline_css,
    inline_fragment,
    member_language,
    site_context,
)

from . import tokens


def render_email(name: str, context: dict, *, user) -> tuple[str, str, str]:
    """(subject, text, html) of templates/email/<name>{_subject.txt,.txt,.html}."""
    with translation.override(member_language(user)):
        ctx = {
            **site_context(),
            "settings_url": _settings_url(),
            "member": user,
            **context,
        }
        subject = " ".join(render_to_string(f"email/{name}_subject.txt", ctx).split())
        text = render_to_string(f"email/{name}.txt", ctx).strip() + "\n"
        html = inline_css(render_to_string(f"email/{name}.html", ctx))
    return subject[:250], text, html


_SLOT = "__HEARTH_TOKEN__"


@functools.cache
def _settings_url() -> str:
    return absolute(reverse("notifications:settings"))


@functools.cache
def _unsubscribe_prefix() -> str:
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": _SLOT}))


def unsubscribe_url(user_id: int, list_name: str) -> str:
    return _unsubscribe_prefix().replace(_SLOT, tokens.unsubscribe_token(user_id, list_name))


def _mail_domain() -> str:
    return _domain_of(settings.DEFAULT_FROM_EMAIL)


@functools.lru_cache(maxsize=8)
def _domain_of(from_email: str) -> str:
    _name, address = parseaddr(from_email)
    return address.rpartition("@")[2] or "localhost"


def message_id(dedupe_key: str) -> str:
    """The same Message-ID for the same outbox row, so that if a message is ever handed to
    the mail server twice (a worker killed between sending and recording it), mail clients
    show it once. Opaque: no ids can be read from it."""
    digest = salted_hmac("hearth.notifications.message-id", dedupe_key).hexdigest()[:32]
    return f"<{digest}@{_mail_domain()}>"


def list_headers(*, user_id: int, list_name: str, dedupe_key: str,
                 unsubscribe: str | None = None) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe, and the headers that mark automatic mail (`unsubscribe`:
    the member's unsubscribe link when it was made already; signing it is most of the cost)."""
    unsubscribe = unsubscribe or unsubscribe_url(user_id, list_name)
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Message-ID": message_id(dedupe_key),
    }


# Attachments by dedupe-key prefix, registered by the app whose emails carry them (an event
# reminder's .ics): `provider(row) -> (filename, content, mimetype) | None`.
_attachments: dict[str, object] = {}


def register_attachment(prefix: str, provider) -> None:
    _attachments[prefix] = provider


def build_message(row, *, to: str, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
        headers=dict(row.headers or {}), connection=connection,
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    for prefix, provider in _attachments.items():
        if row.dedupe_key.startswith(prefix):
            attachment = provider(row)
            if attachment is not None:
                message.attach(*attachment)
    return message
