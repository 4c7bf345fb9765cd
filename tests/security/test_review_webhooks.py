"""Review of api/webhooks.py: an IPv6 address that carries an IPv4 address inside it (NAT64,
6to4, Teredo, IPv4-compatible) is judged by the IPv4 address it leads to."""

from __future__ import annotations

import pytest

from api import webhooks
from api.models import WebhookEndpoint
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

INSIDE = [
    "64:ff9b::a00:1",  # NAT64 to 10.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 to 169.254.169.254, the cloud's metadata service
    "64:ff9b:1::a00:1",  # local-use NAT64 to 10.0.0.1
    "2002:a00:1::1",  # 6to4 through 10.0.0.1
    "2002:7f00:1::1",  # 6to4 through 127.0.0.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
    "::127.0.0.1",  # IPv4-compatible loopback
    "::a00:1",  # IPv4-compatible 10.0.0.1
]


@pytest.mark.parametrize("address", INSIDE)
def test_an_ipv6_address_leading_to_a_private_ipv4_address_is_refused(address, settings):
    settings.HEARTH_WEBHOOK_ALLOWED_HOSTS = []
    assert not webhooks.address_allowed(address)


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2606:4700:4700::1111", "8.8.8.8"])
def test_a_public_address_is_still_allowed(address, settings):
    settings.HEARTH_WEBHOOK_ALLOWED_HOSTS = []
    assert webhooks.address_allowed(address)


def test_staff_cannot_register_the_metadata_service_behind_nat64(admin, settings):
    settings.HEARTH_WEBHOOK_ALLOWED_HOSTS = []
    response = client_for(admin).post("/webhooks/", {
        "url": "https://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "events": ["thread.created"]})
    assert response.status_code == 400
    assert not WebhookEndpoint.objects.exists()
