"""An event's card for shared links (issue 23): see community.sharing."""

from __future__ import annotations

from django.urls import reverse

from community.sharing import absolute, describe, share_id, share_links

from . import permissions
from .models import Event


def event_card(event: Event) -> dict | None:
    if not permissions.can_preview_event(event):
        return None
    path = event.get_absolute_url()
    return {
        "title": event.title, "description": describe(event.description_html),
        "image": absolute(reverse("community:card", kwargs={"slug": event.community.slug})),
        "url": absolute(path), "type": "website",
        "share": share_links(path=path, title=event.title, share=share_id("e", event.pk)),
    }
