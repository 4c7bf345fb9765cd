"""How the review queue shows, approves and rejects items about private messages and
requests to the hospital (registered with moderation.targets)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .models import AskEntry, AskRequest, Message

CONTEXT = 5  # messages before and after the reported one


def render_message(item) -> str:
    """The reported message with the conversation around it: seen by a moderator only here,
    from the report."""
    message = Message.objects.select_related("sender", "conversation").filter(
        pk=item.target_id).first()
    around = []
    if message is not None:
        rows = Message.objects.filter(conversation_id=message.conversation_id).select_related(
            "sender")
        before = list(rows.filter(pk__lt=message.pk).order_by("-pk")[:CONTEXT])[::-1]
        after = list(rows.filter(pk__gt=message.pk).order_by("pk")[:CONTEXT])
        around = [*before, message, *after]
    return mark_safe(render_to_string("messaging/_target_message.html",  # noqa: S308
                                      {"item": item, "message": message, "around": around}))


def render_request(item) -> str:
    request = AskRequest.objects.filter(pk=item.target_id).first()
    first = AskEntry.objects.filter(request_id=item.target_id,
                                    kind=AskEntry.Kind.MEMBER).order_by("pk").first()
    return mark_safe(render_to_string("messaging/_target_request.html",  # noqa: S308
                                      {"item": item, "req": request, "first": first}))


def register() -> None:
    from moderation.targets import register_target

    from . import services

    register_target("message", render=render_message, reject=services.message_hide,
                    approve=services.message_release)
    register_target("askrequest", render=render_request)
