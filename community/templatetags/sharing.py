"""{% share_card_for_thread thread as card %} and friends: a page's card or None."""

from django import template

from .. import sharing

register = template.Library()


@register.simple_tag
def share_card_for_thread(thread, page=None):
    """Asked by the page's head and body: worked out once per thread object. The posts of
    the page, when already loaded, give the first post without a query. Only the first page
    of a discussion has a card (the one its first post is on)."""
    if page is not None and page.number != 1:
        return None
    if not hasattr(thread, "_share_card"):
        posts = getattr(page, "object_list", None)
        loaded = posts if isinstance(posts, list) else getattr(posts, "_result_cache", None)
        thread._share_card = sharing.thread_card(thread, loaded)
    return thread._share_card


@register.simple_tag
def share_card_for_community(community):
    if not hasattr(community, "_share_card"):
        community._share_card = sharing.community_card(community)
    return community._share_card


@register.simple_tag
def share_card_generic():
    return sharing.generic_card()
