"""{% share_card_for_event event as card %}: the event's card or None (once per object)."""

from django import template

from .. import sharing

register = template.Library()


@register.simple_tag
def share_card_for_event(event):
    if not hasattr(event, "_share_card"):
        event._share_card = sharing.event_card(event)
    return event._share_card
