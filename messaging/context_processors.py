from django.utils.functional import SimpleLazyObject

from accounts.middleware import companions_read, register_member_companion

from . import selectors as _selectors

# The count comes in the same cache round trip as the member's row (accounts.middleware).
MESSAGES_ATTR = "_hearth_messages_unread"
register_member_companion(MESSAGES_ATTR, _selectors.unread_key)


def _messages_unread(user) -> int:
    found = getattr(user, MESSAGES_ATTR, None)
    if found is not None:
        return found
    if MESSAGES_ATTR in companions_read(user):  # looked up with the row: no key is 0
        return 0
    return _selectors.cached_unread_count(user=user)


def messaging(request):
    """The header's Messages count (a cache read, no query) and whether the
    patient-experience inbox is open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from . import permissions

    return {
        "messages_unread": SimpleLazyObject(lambda: _messages_unread(user)),
        "ask_open": permissions.ask_is_open(),
    }
