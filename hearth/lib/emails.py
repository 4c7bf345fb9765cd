"""What every email Hearth sends shares, whichever app sends it: the site's name and origin
(SITE_NAME, BASE_URL), the recipient's language, and CSS inlined into the HTML part with no
remote stylesheet, image or tracking pixel. notifications.emails renders the notification
and digest emails with it, accounts.adapters allauth's (sign-up, password reset, ...)."""

from __future__ import annotations

from urllib.parse import urlsplit

import css_inline
from django.conf import settings

# Remote stylesheets are never fetched: an email must not make Hearth's server (or anyone's)
# learn when it is opened.
_inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


def base_url() -> str:
    return settings.HEARTH_BASE_URL.rstrip("/")


def absolute(path: str) -> str:
    return f"{base_url()}{path}"


def site_host() -> str:
    """The host people reach Hearth at ("forum.example.org", "127.0.0.1:8000")."""
    return urlsplit(base_url()).netloc or base_url()


def site_context() -> dict[str, str]:
    return {"SITE_NAME": settings.SITE_NAME, "base_url": base_url(), "site_host": site_host()}


def member_language(user, default: str | None = None) -> str:
    """The member's own language if they chose one Hearth speaks, else `default` (the
    language of the request, for someone signing up), else the site's."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = (getattr(user, "language", "") or "").split("-")[0]
    if language in codes:
        return language
    default = (default or "").split("-")[0]
    return default if default in codes else settings.LANGUAGE_CODE


def inline_css(html: str) -> str:
    return _inliner.inline(html)


def inline_fragment(html: str, css: str) -> str:
    """A piece of an email with `css` (the whole email's stylesheet) inlined, as it would be
    inside the whole email (Hearth's email styles use no descendant selectors)."""
    return _inliner.inline_fragment(html, css)


def render(name: str, context: dict, *, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of templates/email/<name>{_subject.txt,.txt,.html} in
    `language`, with the site's name and origin in the context and the CSS inlined."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language):
        ctx = {**site_context(), **context}
        subject = " ".join(render_to_string(f"email/{name}_subject.txt", ctx).split())
        text = render_to_string(f"email/{name}.txt", ctx).strip() + "\n"
        html = inline_css(render_to_string(f"email/{name}.html", ctx))
    return subject[:250], text, html
