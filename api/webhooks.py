"""Sending one webhook: Standard Webhooks signatures (the `standardwebhooks` library), and a
connection that refuses private, loopback and link-local addresses after DNS has answered,
so that a name cannot be pointed inside the network between registration and delivery."""

from __future__ import annotations

import ipaddress
import json
import socket
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

TIMEOUT = urllib3.Timeout(connect=5.0, read=10.0)
USER_AGENT = "Hearth-Webhooks/1"


class AddressRefused(Exception):
    """The endpoint's address is private, loopback or otherwise not on the internet."""


def _allowed_hosts() -> set[str]:
    return {host.lower() for host in getattr(settings, "HEARTH_WEBHOOK_ALLOWED_HOSTS", [])}


def address_allowed(address: str, *, host: str = "") -> bool:
    allowed = _allowed_hosts()
    if host.lower() in allowed or address in allowed:
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in LOCAL_NAT64:
            return False
        ip = _embedded_ipv4(ip) or ip
    return ip.is_global and not ip.is_multicast


NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: a network's own translator


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to (mapped, NAT64, 6to4, Teredo, or the old
    IPv4-compatible form), judged instead of the IPv6 one: a translator or relay on the way
    would deliver to it."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64 or int(ip) >> 32 == 0:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def check_url(url: str) -> str:
    """The reason this URL may not be registered, or "" (checked again at each delivery)."""
    parts = urlsplit(url)
    require_https = getattr(settings, "HEARTH_WEBHOOK_REQUIRE_HTTPS", True)
    if parts.scheme != "https" and (require_https or parts.scheme != "http"):
        return _("Use an https:// address.")
    host = parts.hostname or ""
    if not host:
        return _("Give the full address, with its host name.")
    if parts.username or parts.password:
        return _("Leave the user name and password out of the address.")
    if host.lower() in _allowed_hosts():
        return ""
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        return _("This host name could not be found.")
    if not all(address_allowed(info[4][0], host=host) for info in infos):
        return _("This address is on a private or local network; Hearth only calls public "
                 "addresses.")
    return ""


class _Checked:
    """After connecting, the peer's address is checked: DNS cannot redirect a delivery."""

    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if not address_allowed(peer, host=self.host):
            sock.close()
            raise AddressRefused(f"refused address for {self.host}")
        return sock


class CheckedHTTPConnection(_Checked, HTTPConnection):
    pass


class CheckedHTTPSConnection(_Checked, HTTPSConnection):
    pass


class CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = CheckedHTTPConnection


class CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = CheckedHTTPSConnection


def _pool_manager() -> urllib3.PoolManager:
    manager = urllib3.PoolManager(num_pools=20, maxsize=2, retries=False, timeout=TIMEOUT)
    manager.pool_classes_by_scheme = {"http": CheckedHTTPPool, "https": CheckedHTTPSPool}
    return manager


_manager = None


def manager() -> urllib3.PoolManager:
    global _manager
    if _manager is None:
        _manager = _pool_manager()
    return _manager


def new_secret() -> str:
    import base64
    import secrets

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass
class Signed:
    body: str
    headers: dict[str, str]


def sign(*, secret: str, msg_id: str, payload: dict, at: datetime) -> Signed:
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True)
    signature = Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body)
    return Signed(body=body, headers={
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    })


def post(url: str, signed: Signed) -> int:
    """POST the signed body; the response's status code (no redirects are followed)."""
    check = urlsplit(url)
    require_https = getattr(settings, "HEARTH_WEBHOOK_REQUIRE_HTTPS", True)
    if check.scheme != "https" and (require_https or check.scheme != "http"):
        raise AddressRefused("not https")
    response = manager().request("POST", url, body=signed.body.encode(),
                                 headers=signed.headers, redirect=False, preload_content=False)
    try:
        response.read(64 * 1024, decode_content=False)  # a bounded read; the body is ignored
    finally:
        response.release_conn()
    return response.status
