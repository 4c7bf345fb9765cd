"""Accounts' own receivers, connected in AccountsConfig.ready()."""

from __future__ import annotations

import logging

from django.contrib.auth.signals import user_logged_in

logger = logging.getLogger(__name__)


def record_session(sender, request, user, **kwargs) -> None:
    """Every login, however it happens, is remembered so that it can be ended later."""
    from . import services

    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return
    try:
        services.user_session_record(
            user=user, session_key=session.session_key,
            ip=request.META.get("REMOTE_ADDR", ""),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except Exception:  # noqa: BLE001 - never fail a login over bookkeeping
        logger.warning("session of user %s not recorded", user.pk, exc_info=True)


def connect() -> None:
    user_logged_in.connect(record_session, dispatch_uid="accounts.record_session")
