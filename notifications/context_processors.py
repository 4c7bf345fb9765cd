from django.utils.functional import SimpleLazyObject

from . import selectors


def notifications(request):
    """The unread count for the header bell: one COUNT, only for signed-in members and only
    when a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: selectors.unread_count(user=user))}
