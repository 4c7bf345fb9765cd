"""{% share_card_for_thread thread as card %} and friends: a page's card or None."""

from django import template

from .. import sharing

register = template.Library()


@register.simple_tag
def share_card_for_thread(thread):
    """Asked by the page's head and body: worked out once per thread object."""
    if not hasattr(thread, "_share_card"):
        thread._share_card = sharing.thread_card(thread)
    return thread._share_card


@register.simple_tag
def share_card_for_community(community):
    if not hasattr(community, "_share_card"):
        community._share_card = sharing.community_card(community)
    return community._share_card


@register.simple_tag
def share_card_generic():
    return sharing.generic_card()
