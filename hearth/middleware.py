"""Hearth's own middleware, standing before every app's: the client's address (X-Forwarded-For
only from configured proxies), the Content-Security-Policy header on every response, and
same-origin WebSockets."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import asdict
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

logger = logging.getLogger(__name__)
_HEADER_BYTES = HEADER.lower().encode("latin1")


def _networks(values) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return [ipaddress.ip_network(value.strip(), strict=False) for value in values
                if value.strip()]
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXY_IPS: {error}") from error


def _ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:5123"
        value = value.split(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _in_networks(peer: str, networks) -> bool:
    peer_ip = _ip(peer)
    return peer_ip is not None and any(ipaddress.ip_address(peer_ip) in network
                                       for network in networks)


def proto_believed_from(peer: str | None, proxies=None) -> bool:
    """Is X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) believed from this peer? From one of
    TRUSTED_PROXY_IPS only, where they are set (compose and Kubernetes set them), so that a
    client reaching Hearth around its proxy cannot pass plain http off as https; where none
    is set, from anyone, as Django does (a proxy that overwrites the header is assumed)."""
    if proxies is None:
        proxies = _networks(getattr(settings, "TRUSTED_PROXY_IPS", ()))
    return not proxies or _in_networks(peer or "", proxies)


class ClientAddressMiddleware:
    """REMOTE_ADDR is the address of whoever connected (uvicorn runs with --no-proxy-headers
    wherever Hearth starts it). Only when that is one of TRUSTED_PROXY_IPS is X-Forwarded-For
    believed, and then only the entry TRUSTED_PROXY_COUNT from its right (the one the nearest
    of that many proxies added). Anyone else's X-Forwarded-For is dropped, so rotating it
    cannot slip past the per-address limits (allauth's sign-in limits read REMOTE_ADDR); so
    is their X-Forwarded-Proto where proxies are set (proto_believed_from)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = _networks(getattr(settings, "TRUSTED_PROXY_IPS", ()))
        self.count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
        if self.count and not self.proxies:
            logger.warning("TRUSTED_PROXY_COUNT is set but TRUSTED_PROXY_IPS is empty: "
                           "X-Forwarded-For is ignored")

    def client_address(self, meta) -> str:
        peer = meta.get("REMOTE_ADDR", "")
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if not (self.count and forwarded and self.proxies):
            return peer
        if not _in_networks(peer, self.proxies):
            return peer
        entries = forwarded.split(",")
        if len(entries) < self.count:
            return peer
        return _ip(entries[-self.count]) or peer

    def __call__(self, request):
        if not proto_believed_from(request.META.get("REMOTE_ADDR"), self.proxies):
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        request.META["REMOTE_ADDR"] = self.client_address(request.META)
        request.META.pop("HTTP_X_FORWARDED_FOR", None)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, first in MIDDLEWARE so that every response passes it: a 400 for
    an unknown Host or a 500 from another middleware included. Unlike django-csp's, it also
    sets the header on 404 and 500 pages under DEBUG (where `make run` serves them)."""

    def process_response(self, request, response):
        if settings.DEBUG and response.status_code in (404, 500) and HEADER not in response:
            parts = self.get_policy_parts(request=request, response=response)
            policy = build_policy(**asdict(parts))
            if policy and not getattr(response, "_csp_exempt", False):
                response[HEADER] = policy
        return super().process_response(request, response)


def csp_on_every_response(application):
    """ASGI: the policy (without a nonce) on a response that Django made before any middleware
    ran, such as its 400 for a query string that is not UTF-8 or its 413."""
    policy = build_policy().encode("latin1")

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return await application(scope, receive, send)

        async def send_with_policy(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not any(name.lower() == _HEADER_BYTES for name, _value in headers):
                    message = {**message, "headers": [*headers, (_HEADER_BYTES, policy)]}
            await send(message)

        return await application(scope, receive, send_with_policy)

    return app


def _default_port(scheme: str) -> int:
    return 443 if scheme in ("https", "wss") else 80


def _origin_parts(origin: str) -> tuple[str, str, int] | None:
    """("https", "example.org", 443) for "https://example.org"; None if it is not one."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or _default_port(parts.scheme)


def _own_origin(scope, headers: dict[bytes, bytes]) -> tuple[str, str, int] | None:
    """The origin of a page served where this socket connects: scheme (https when secure, as
    Django decides it), the Host header's name (one of ALLOWED_HOSTS) and port."""
    host = headers.get(b"host", b"").decode("latin1")
    domain, port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    secure = scope.get("scheme") in ("wss", "https")
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    peer = (scope.get("client") or ("",))[0]
    if proxy_header and not secure and proto_believed_from(peer):
        name, value = proxy_header
        name = name.removeprefix("HTTP_").replace("_", "-").lower().encode("latin1")
        forwarded = headers.get(name, b"").decode("latin1").split(",")[0].strip()
        secure = forwarded == value
    scheme = "https" if secure else "http"
    try:
        number = int(port) if port else _default_port(scheme)
    except ValueError:
        return None
    return scheme, domain.strip("[]"), number


def websocket_origin_allowed(scope) -> bool:
    """A socket opens only from a page of Hearth's own origin (scheme, host and port) or of
    one of CSRF_TRUSTED_ORIGINS, the same origins Django accepts a form from."""
    headers = {name.lower(): value for name, value in scope.get("headers", ())}
    origin = _origin_parts(headers.get(b"origin", b"").decode("latin1"))
    if origin is None:
        return False
    if origin == _own_origin(scope, headers):
        return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        scheme, _sep, netloc = trusted.partition("://")
        if netloc.startswith("*."):
            wildcard = _origin_parts(f"{scheme}://{netloc[2:]}")
            if wildcard and origin[0] == wildcard[0] and origin[2] == wildcard[2] and \
                    is_same_domain(origin[1], "." + wildcard[1]):
                return True
        elif origin == _origin_parts(trusted):
            return True
    return False


class SameOriginWebSocket:
    """ASGI: refuse a WebSocket whose Origin is not Hearth's own. Channels'
    AllowedHostsOriginValidator compared the host alone, so a page on another port of the same
    host (http://localhost:9999) could open a member's socket with their cookies."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not websocket_origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
