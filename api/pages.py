"""The API's pages: a member's tokens in settings, and staff's webhook endpoints with their
delivery log. Thin: permissions decide, services write."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import has_mfa

from . import permissions, services
from .forms import EndpointForm, TokenForm
from .models import WebhookDelivery, WebhookEndpoint

NEW_TOKEN_KEY = "api_new_token"  # noqa: S105 - a session key, not a secret
NEW_TOKEN_SECONDS = 120  # a new token's text waits this long in the session for its page


def _take_new_token(request) -> dict | None:
    """The new token's text, taken out of the session by the very next request to the tokens
    page (whatever its method), and only if that comes soon after the token was made."""
    kept = request.session.pop(NEW_TOKEN_KEY, None)
    if not isinstance(kept, dict) or time.time() - kept.get("at", 0) > NEW_TOKEN_SECONDS:
        return None
    return {"raw": kept.get("raw")}


def _apply_errors(form, error: ValidationError) -> None:
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    if not permissions.can_manage_tokens(request.user):
        raise Http404
    form = TokenForm(request.POST or None)
    created = _take_new_token(request)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, raw = services.token_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
                status = 400
            else:
                # Shown on the next page, once: the session holds it until then, at most
                # NEW_TOKEN_SECONDS (a reload of that page neither shows it again nor makes a
                # second token).
                request.session[NEW_TOKEN_KEY] = {"raw": raw, "at": time.time()}
                return redirect("api:tokens")
        else:
            status = 400
    rows = permissions.tokens_visible_to(request.user).order_by("-created_at")
    response = render(request, "api/tokens.html", {
        "form": form, "tokens": rows, "created": created, "section": "api",
        "insights_possible": permissions.can_create_insights_token(request.user),
        "has_mfa": has_mfa(request.user),
        "can_manage_webhooks": permissions.can_manage_webhooks(request.user),
    }, status=status)
    if created:
        response["Cache-Control"] = "private, no-store"  # not kept in the browser's caches
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    services.token_revoke(user=request.user, token_id=pk)
    messages.info(request, _("The token was revoked: it no longer works."))
    return redirect("api:tokens")


def _staff_or_404(user) -> None:
    if not permissions.can_manage_webhooks(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request):
    _staff_or_404(request.user)
    form = EndpointForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                endpoint = services.endpoint_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
                status = 400
            else:
                messages.success(request, _("The endpoint was added. Keep its signing secret "
                                            "in the receiving system."))
                return redirect("api:webhook", pk=endpoint.pk)
        else:
            status = 400
    return render(request, "api/webhooks.html", {
        "form": form, "endpoints": WebhookEndpoint.objects.order_by("pk"),
    }, status=status)


@login_required
@require_GET
def webhook(request, pk):
    _staff_or_404(request.user)
    endpoint = WebhookEndpoint.objects.filter(pk=pk).first()
    if endpoint is None or not permissions.can_see_endpoint(request.user, endpoint):
        raise Http404
    deliveries = Paginator(WebhookDelivery.objects.filter(endpoint=endpoint)
                           .order_by("-created_at", "-pk"), 50)
    return render(request, "api/webhook.html", {
        "endpoint": endpoint, "page": deliveries.get_page(request.GET.get("page")),
        "event_labels": dict(WebhookEndpoint.Event.choices),
    })


@login_required
@require_POST
def webhook_toggle(request, pk):
    _staff_or_404(request.user)
    endpoint = WebhookEndpoint.objects.filter(pk=pk).first()
    if endpoint is None:
        raise Http404
    services.endpoint_set_active(user=request.user, endpoint_id=pk,
                                 active=not endpoint.is_active)
    return redirect("api:webhook", pk=pk)


@login_required
@require_POST
def webhook_delete(request, pk):
    services.endpoint_delete(user=request.user, endpoint_id=pk)
    messages.info(request, _("The endpoint was deleted."))
    return redirect("api:webhooks")


@login_required
@require_POST
def delivery_send_again(request, pk):
    delivery = services.delivery_send_again(user=request.user, delivery_id=pk)
    messages.info(request, _("The event will be sent again, with the same id."))
    return redirect("api:webhook", pk=delivery.endpoint_id)
