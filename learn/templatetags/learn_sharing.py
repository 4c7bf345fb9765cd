"""{% share_card_for_article article as card %}: the article's card or None (once per object)."""

from django import template

from .. import sharing

register = template.Library()


@register.simple_tag
def share_card_for_article(article):
    if not hasattr(article, "_share_card"):
        article._share_card = sharing.article_card(article)
    return article._share_card
