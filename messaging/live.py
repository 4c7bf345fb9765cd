"""What messaging adds to the member's socket (`/ws/me/`): a hint of a new message in one of
their conversations with their unread count, and changes to requests to the hospital (the
member's own, and for the patient-experience team the whole inbox)."""

from __future__ import annotations

from . import permissions, selectors
from .models import Message
from .services import ASK_GROUP


def groups_for(user) -> list[str]:
    return [ASK_GROUP] if permissions.is_patient_experience(user) else []


def message_new(user, event: dict) -> dict | None:
    """Checked again for this reader: a message they may not see never reaches them."""
    message = Message.objects.select_related("conversation", "sender").filter(
        pk=event.get("message")).first()
    if message is None or not permissions.can_view_message(user, message):
        return None
    return {"type": "message.new", "conversation": message.conversation_id,
            "message": message.pk, "unread": selectors.unread_count(user=user)}


def ask_changed(user, event: dict) -> dict | None:
    from .models import AskRequest

    request = AskRequest.objects.filter(pk=event.get("request")).first()
    if request is None or not permissions.can_view_request(user, request):
        return None
    return {"type": "ask.changed", "request": request.pk}


def register() -> None:
    from hearth.lib.live import register_me_socket

    register_me_socket(groups=groups_for,
                       handlers={"message.new": message_new, "ask.changed": ask_changed})
