"""An article's card for shared links (issue 23): see community.sharing."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator

from community.sharing import DESCRIPTION_CHARS, absolute, describe, share_id, share_links

from . import permissions
from .models import Article


def article_card(article: Article) -> dict | None:
    if not permissions.can_preview_article(article):
        return None
    path = article.get_absolute_url()
    image = (reverse("community:card", kwargs={"slug": article.community.slug})
             if article.community_id else reverse("community:generic_card"))
    description = (Truncator(" ".join(article.summary.split())).chars(DESCRIPTION_CHARS)
                   if article.summary else describe(article.body_html))
    return {
        "title": article.title, "description": description, "image": absolute(image),
        "url": absolute(path), "type": "article", "site": settings.SITE_NAME,
        "share": share_links(path=path, title=article.title, share=share_id("a", article.pk)),
    }
