"""Webhooks as a health system's receiver sees them: a real HTTP server on 127.0.0.1 (allowed
by HEARTH_WEBHOOK_ALLOWED_HOSTS), endpoints registered by staff on the page, events caused by
members through the API and the pages, Standard Webhooks signatures checked with the
standardwebhooks library, a 500 answered and the same webhook-id delivered again."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from api import services
from api.models import WebhookDelivery, WebhookEndpoint
from api.tasks import webhook_sweep
from moderation.models import ModerationItem
from notifications.models import Notification
from tests.conftest import client_for, make_user, publish_thread
from tests.security.world import CANARY

from .conftest import api_client, token_for

pytestmark = pytest.mark.django_db


def register(admin, url: str, events=None) -> tuple[WebhookEndpoint, str]:
    """Staff add the endpoint on the page, and copy its secret from the endpoint's page."""
    events = events or list(WebhookEndpoint.Event.values)
    as_admin = client_for(admin)
    response = as_admin.post("/webhooks/", {"url": url, "events": events,
                                            "description": "CRM"})
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get(url=url)
    page = as_admin.get(f"/webhooks/{endpoint.pk}/").content.decode()
    secret = re.search(r"<code>(whsec_[A-Za-z0-9+/=]+)</code>", page).group(1)
    return endpoint, secret


def test_staff_cannot_register_private_or_loopback_addresses(admin, settings):
    settings.HEARTH_WEBHOOK_ALLOWED_HOSTS = []
    settings.HEARTH_WEBHOOK_REQUIRE_HTTPS = True
    as_admin = client_for(admin)
    for url in ("https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://localhost/hook",
                "https://[::1]/hook", "https://169.254.169.254/latest", "http://8.8.8.8/hook",
                "https://user:pw@8.8.8.8/hook"):
        response = as_admin.post("/webhooks/", {"url": url, "events": ["thread.created"]})
        assert response.status_code == 400, url
    assert not WebhookEndpoint.objects.exists()
    # a public address is accepted (an IP literal: no DNS needed here)
    ok = as_admin.post("/webhooks/", {"url": "https://8.8.8.8/hook", "events": ["thread.created"]})
    assert ok.status_code == 302 and WebhookEndpoint.objects.count() == 1
    # members never reach the page
    assert client_for(make_user("curious")).get("/webhooks/").status_code == 404


def test_a_delivery_to_an_address_that_turned_local_is_refused_at_connection(
        admin, receiver, settings):
    """Registered while allowed; then the allow-list is gone (as if DNS now pointed a public
    name at 127.0.0.1): the connection's own peer address is checked, nothing is sent."""
    endpoint, _secret = register(admin, receiver.url.replace("127.0.0.1", "localhost"))
    settings.HEARTH_WEBHOOK_ALLOWED_HOSTS = []
    ids = services.event_queue(event="member.joined", key="x", data={"community": "c"})
    result = services.deliveries_send(ids)
    assert result == {"delivered": 0, "failed": 1, "skipped": 0}
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get(pk=ids[0])
    assert delivery.status == "pending" and "AddressRefused" in delivery.last_error
    assert endpoint.pk == delivery.endpoint_id


def test_receiver_gets_each_event_signed_once_per_id_and_again_after_answering_500(
        admin, maria, drlee, diabetes, heart, receiver, django_capture_on_commit_callbacks):
    endpoint, secret = register(admin, receiver.url)
    receiver.answers = [500]  # the first delivery fails
    # when: maria asks a question through the API, drlee answers it, rosa joins a community
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client(token_for(maria)).post("/api/v1/threads/", {
            "community": "type-2-diabetes", "title": f"Numbers {CANARY}",
            "body": f"Mine are high {CANARY}", "kind": "question"},
            content_type="application/json")
    thread_id = created.json()["id"]
    first = WebhookDelivery.objects.get(event="thread.created")
    assert first.status == "pending" and first.response_code == 500 and first.attempts == 1
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_client(token_for(drlee)).post(
            f"/api/v1/threads/{thread_id}/posts/", {"body": "Check them before breakfast."},
            content_type="application/json")
    rosa = make_user("rosa")
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(rosa).post("/c/heart-health/join/").status_code == 302
    # the back-off has passed: beat's sweep sends the failed one again
    WebhookDelivery.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_sweep() == 1
    # then: every request verifies, and each id came once, but the failed one twice
    verifier = Webhook(secret)
    for request in receiver.requests:
        assert verifier.verify(request["body"], request["headers"])["type"]
        assert request["headers"]["webhook-signature"].startswith("v1,")
    ids = Counter(r["headers"]["webhook-id"] for r in receiver.requests)
    assert ids.pop(first.msg_id) == 2
    assert set(ids.values()) == {1}
    events = sorted(b["type"] for b in receiver.bodies())
    assert events == sorted(["thread.created", "thread.created", "post.published",
                             "post.published", "question.answered", "member.joined"])
    answered = next(b for b in receiver.bodies() if b["type"] == "question.answered")
    assert answered["data"]["post_id"] == answer.json()["id"]
    assert answered["data"]["thread_id"] == thread_id
    assert all(not any(s in r["body"] for s in (CANARY, "maria", "drlee", "rosa", "breakfast"))
               for r in receiver.requests)
    assert WebhookDelivery.objects.filter(status="delivered").count() == 5
    # "Send again" from the delivery log: the same id once more
    log = client_for(admin).get(f"/webhooks/{endpoint.pk}/").content.decode()
    assert first.msg_id in log and "500" not in log.split(first.msg_id)[1].split("</tr>")[0]
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin).post(f"/webhooks/deliveries/{first.pk}/send-again/")
    assert receiver.requests[-1]["headers"]["webhook-id"] == first.msg_id


def test_a_question_waiting_a_day_is_announced_once(admin, maria, diabetes, receiver,
                                                    django_capture_on_commit_callbacks):
    register(admin, receiver.url, events=["question.waiting"])
    old = publish_thread(maria, diabetes, "Still wondering", "Anyone?")
    fresh = publish_thread(maria, diabetes, "Just asked", "Hello?")
    old.__class__.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.questions_waiting_queue() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.questions_waiting_queue() == 0
    assert [b["data"]["thread_id"] for b in receiver.bodies()] == [old.pk]
    assert fresh.pk not in [b["data"]["thread_id"] for b in receiver.bodies()]


def test_a_crisis_and_its_escalation_carry_ids_and_links_only(
        admin, maria, sam, mental, receiver, django_capture_on_commit_callbacks):
    register(admin, receiver.url, events=["crisis.escalated"])
    thread = publish_thread(maria, mental, "Tonight", f"Just words {CANARY}")
    # when: a reply screened as a crisis, then a moderator escalates its item to staff
    with django_capture_on_commit_callbacks(execute=True):
        reply = api_client(token_for(maria)).post(
            f"/api/v1/threads/{thread.pk}/posts/",
            {"body": f"I'm going to kill myself tonight {CANARY}"},
            content_type="application/json")
    item = ModerationItem.objects.get(post_id=reply.json()["id"], kind="crisis")
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(sam).post(f"/moderation/items/{item.pk}/escalate/",
                                    {"note": "call now"}).status_code == 302
    # then: two events, the second marked as a moderator's escalation
    opened, escalated = receiver.bodies()
    assert opened["type"] == escalated["type"] == "crisis.escalated"
    assert opened["data"]["item_id"] == escalated["data"]["item_id"] == item.pk
    assert opened["data"]["post_id"] == reply.json()["id"]
    assert (opened["data"]["escalated_by_moderator"],
            escalated["data"]["escalated_by_moderator"]) == (False, True)
    for request in receiver.requests:
        assert not any(s in request["body"] for s in (CANARY, "maria", "kill", "Tonight", "sam"))


def test_an_endpoint_failing_for_a_day_is_turned_off_and_staff_are_told(admin, receiver):
    endpoint, _secret = register(admin, receiver.url)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(hours=25))
    receiver.answers = [503]
    ids = services.event_queue(event="member.joined", key="m1", data={"community": "c"})
    services.deliveries_send(ids)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_reason == "failing for a day"
    note = Notification.objects.get(recipient=admin, detail="webhook_disabled")
    assert endpoint.url in note.message
    # nothing more is queued for it
    assert services.event_queue(event="member.joined", key="m2", data={}) == []


def test_a_delivery_is_retried_for_a_day_then_given_up(admin, receiver):
    register(admin, receiver.url)
    receiver.answers = [500, 500]
    [pk] = services.event_queue(event="member.joined", key="m1", data={})
    services.deliveries_send([pk])
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert delivery.status == "pending" and delivery.next_attempt_at > timezone.now()
    WebhookDelivery.objects.filter(pk=pk).update(
        created_at=timezone.now() - timedelta(hours=25), next_attempt_at=timezone.now())
    services.deliveries_send([pk])
    assert WebhookDelivery.objects.get(pk=pk).status == "failed"



def test_tokens_and_signing_secrets_are_redacted_from_logs(maria):
    from hearth.lib.logging import redact

    raw = token_for(maria)
    secret = "whsec_" + "QUFB" * 11
    text = redact(f"refused {raw} for Bearer {raw}; secret {secret} signed")
    assert raw[len("hearth_pat_"):] not in text and "QUFB" not in text
    assert "hearth_pat_[redacted]" in text and "whsec_[redacted]" in text
