"""Remember when a member was last here (digests go only to members who stayed away)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.middleware import remember_user
from accounts.services import LAST_SEEN_EVERY, user_seen_record


class LastSeenMiddleware:
    """No write on a request: at most once per member every five minutes the time goes to
    Redis (accounts.services.user_seen_record), and beat's `users_seen_flush` writes it
    within a minute. The member's row is read from the cache (accounts.middleware.
    cached_user) with its last_seen_at, which the recording request updates there, so a
    member seen in the last five minutes costs no round trip at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _seen_lately(user):
            now = timezone.now()
            if user_seen_record(user=user, now=now):
                user.last_seen_at = now
                remember_user(user)  # the cached row shows the new time from now on
        return response


def _seen_lately(user) -> bool:
    seen = user.last_seen_at
    return seen is not None and timezone.now() - seen < timedelta(seconds=LAST_SEEN_EVERY)
