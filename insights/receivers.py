"""insights listens; nothing imports insights. Connected in InsightsConfig.ready()."""

from __future__ import annotations

from accounts.services import signup_source_set

from .context_processors import remember_nav
from .middleware import SESSION_KEY, first_touch_of


def save_signup_source(sender, request, user, **kwargs) -> None:
    """allauth's `user_signed_up`: the first-touch source becomes the account's source.

    Without one (no middleware ran, e.g. an account made by a script) the value set by the
    accounts adapter stays.
    """
    if request is None:
        return
    source = first_touch_of(request)
    if source is None:
        return
    signup_source_set(user=user, source=source)
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SESSION_KEY, None)


def remember_nav_on_login(sender, request, user, **kwargs) -> None:
    """Django's `user_logged_in`: decide the nav's "Insights" item once per login."""
    if request is not None:
        remember_nav(request, user)
