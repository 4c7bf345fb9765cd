from django.utils.functional import SimpleLazyObject

from accounts.middleware import register_member_companion

from . import selectors

# The bell's count comes in the same cache round trip as the member's row.
register_member_companion(selectors.UNREAD_ATTR, selectors.unread_key)


def notifications(request):
    """The unread count for the header bell: a cache read kept by every write that changes it
    (no query), only for signed-in members and only when a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(
        lambda: selectors.cached_unread_count(user=user))}
