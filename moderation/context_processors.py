from .live import open_count
from .permissions import can_use_queue


def moderation(request):
    """The review-queue link and its open count, for moderators and staff only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can_use_queue(user):
        return {}
    # the queue page counted the same items already (views.queue, unfiltered)
    counted = getattr(request, "moderation_open", None)
    return {"moderation_nav": True,
            "moderation_open": counted if counted is not None else open_count(user)}
