from django.utils.functional import SimpleLazyObject


def messaging(request):
    """The header's Messages count (a cache read, no query) and whether the
    patient-experience inbox is open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from . import permissions, selectors

    return {
        "messages_unread": SimpleLazyObject(lambda: selectors.cached_unread_count(user=user)),
        "ask_open": permissions.ask_is_open(),
    }
