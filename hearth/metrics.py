"""Prometheus metrics (django-prometheus) for the scraper only, never for the public.

`/metrics` answers only a request from METRICS_ALLOWED_IPS (addresses or networks: the
scraper's, or the cluster's pod network) or one carrying `Authorization: Bearer
<METRICS_TOKEN>`. Everyone else gets the same 404 as a page that does not exist, and the TLS
proxy and the Ingress do not route it (deploy/). The client's address is the one
hearth.middleware.ClientAddressMiddleware settled on (X-Forwarded-For only from trusted proxies).
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView


def _allowed_networks():
    return [ipaddress.ip_network(value.strip(), strict=False)
            for value in getattr(settings, "METRICS_ALLOWED_IPS", []) if value.strip()]


def may_read_metrics(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(
            header.removeprefix("Bearer ").encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks())


@require_safe
def metrics(request):
    if not may_read_metrics(request):
        raise Http404
    return ExportToDjangoView(request)
