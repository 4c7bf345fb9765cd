"""The card images of shared links, drawn by Hearth itself (no image service learns of them)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from . import permissions
from .models import Community
from .sharing import render_card

CARD_MAX_AGE = 60 * 60


def _png(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={CARD_MAX_AGE}"
    return response


@require_GET
def community_card(request, slug):
    """A public community's colour card; a private one is a 404 (its name stays unsaid)."""
    community = get_object_or_404(Community, slug=slug)
    if not permissions.can_preview_community(community):
        raise Http404
    return _png(render_card(community.name, community.color, settings.SITE_NAME))


@require_GET
def generic_card(request):
    return _png(render_card(settings.SITE_NAME, "#2f6f73", settings.SITE_NAME))
