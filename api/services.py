"""Every write of the API app: tokens (made, revoked, used), webhook endpoints, and webhook
deliveries (queued in the same transaction as nothing else: on commit of what happened, sent
by tasks, swept when a task is lost)."""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can_read_as_member
from hearth.lib.logging import redact
from moderation.audit import audit_record

from . import permissions, webhooks
from .models import ApiToken, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "hearth_pat_"  # noqa: S105 - the fixed start of every token, not a secret
TOKEN_DAYS = (7, 30, 90, 365)
MAX_LIVE_TOKENS = 20  # unrevoked, unexpired tokens a member may hold at once
TOUCH_EVERY = timedelta(minutes=10)
# A delivery is leased while it is sent; a send lasts at most the connect and read timeouts
# (15 s), so the lease needs no renewal. A killed worker's row is swept after it runs out.
SEND_LEASE = timedelta(minutes=1)
RETRY_FOR = timedelta(days=1)  # retried with back-off for a day, then given up
DISABLE_AFTER = timedelta(days=1)  # an endpoint failing for a day is disabled


# --- Tokens ---------------------------------------------------------------------------------


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, user: User, name: str, scopes: Iterable[str], days: int
                 ) -> tuple[ApiToken, str]:
    """A new token and its text, which is shown once and never stored."""
    if not permissions.can_manage_tokens(user):
        raise Http404
    name = (name or "").strip()
    scopes = sorted(set(scopes))
    errors = {}
    if not name:
        errors["name"] = _("Give the token a name, so that you know later what uses it.")
    if not scopes or not set(scopes) <= set(ApiToken.Scope.values):
        errors["scopes"] = _("Choose at least one scope.")
    elif ApiToken.Scope.INSIGHTS in scopes and not permissions.can_create_insights_token(user):
        errors["scopes"] = _("An insights token needs two-step verification on your account, "
                             "and figures you may see.")
    if days not in TOKEN_DAYS:
        errors["days"] = _("Choose how long the token lasts.")
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True,
                                   expires_at__gt=timezone.now())
    if live.count() >= MAX_LIVE_TOKENS:
        errors["name"] = _("You have %(n)s tokens that still work: revoke one you no longer "
                           "use first.") % {"n": MAX_LIVE_TOKENS}
    if errors:
        raise ValidationError(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:80], hint=raw[len(TOKEN_PREFIX):][:6], digest=_digest(raw),
            scopes=scopes, expires_at=timezone.now() + timedelta(days=days),
        )
        audit_record(actor=user, action="api_token.create", target=token,
                     reason=", ".join(scopes))
    return token, raw


def token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = permissions.tokens_visible_to(user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=user, action="api_token.revoke", target=token)
    return token


def token_authenticate(*, raw: str) -> ApiToken | None:
    """The usable token with this text, its member able to read; notes when it was used
    (at most every ten minutes)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(raw)).first()
    if token is None or not token.is_usable or not can_read_as_member(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Webhook endpoints --------------------------------------------------------------------


def endpoint_create(*, user: User, url: str, events: Iterable[str], description: str = ""
                    ) -> WebhookEndpoint:
    if not permissions.can_manage_webhooks(user):
        raise Http404
    url = (url or "").strip()
    events = sorted(set(events))
    errors = {}
    reason = webhooks.check_url(url) if url else _("Give the address to send events to.")
    if reason:
        errors["url"] = reason
    if not events or not set(events) <= set(WebhookEndpoint.Event.values):
        errors["events"] = _("Choose at least one event.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            url=url, events=events, description=(description or "").strip()[:200],
            secret=webhooks.new_secret(), created_by=user,
        )
        audit_record(actor=user, action="webhook.create", target=endpoint,
                     reason=", ".join(events))
    return endpoint


def endpoint_set_active(*, user: User, endpoint_id: int, active: bool) -> WebhookEndpoint:
    if not permissions.can_manage_webhooks(user):
        raise Http404
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise Http404
    with transaction.atomic():
        endpoint.is_active = active
        endpoint.failing_since = None
        endpoint.disabled_at = None if active else timezone.now()
        endpoint.disabled_reason = "" if active else "turned off by staff"
        endpoint.save(update_fields=["is_active", "failing_since", "disabled_at",
                                     "disabled_reason"])
        audit_record(actor=user, action="webhook.enable" if active else "webhook.disable",
                     target=endpoint)
    return endpoint


def endpoint_delete(*, user: User, endpoint_id: int) -> None:
    if not permissions.can_manage_webhooks(user):
        raise Http404
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise Http404
    with transaction.atomic():
        audit_record(actor=user, action="webhook.delete", target=endpoint)
        endpoint.delete()


# --- Deliveries -------------------------------------------------------------------------------


def event_queue(*, event: str, key: str, data: dict) -> list[int]:
    """One delivery per active endpoint that wants this event, at most once per key (a
    redelivered task or a second sweep adds nothing). Sent after commit; the sweep sends
    what a lost task did not."""
    if event not in WebhookEndpoint.Event.values:
        raise ValueError(f"unknown webhook event {event!r}")
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if event in e.events]
    if not endpoints:
        return []
    now = timezone.now()
    payload = {"type": event, "timestamp": now.isoformat(), "data": data}
    ids = []
    for endpoint in endpoints:
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    endpoint=endpoint, event=event, dedupe_key=f"{event}:{key}:{endpoint.pk}",
                    msg_id=f"msg_{uuid.uuid4().hex}", payload=payload, created_at=now,
                    next_attempt_at=now,
                )
        except IntegrityError:
            continue
        ids.append(delivery.pk)
    if ids:
        transaction.on_commit(lambda: _dispatch(ids), robust=True)
    return ids


def _dispatch(ids: list[int]) -> None:
    from .tasks import webhook_send_batch

    try:
        webhook_send_batch.delay(ids)
    except Exception:  # noqa: BLE001 - the broker is down: the sweep sends them
        logger.warning("webhook send of %s deliveries not queued; the sweep will", len(ids))


def delivery_claim(delivery_id: int, *, now=None) -> bool:
    """Take a delivery for sending. One atomic UPDATE: of two workers, exactly one wins."""
    now = now or timezone.now()
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now,
        ).update(status=WebhookDelivery.Status.SENDING, attempts=F("attempts") + 1,
                 next_attempt_at=now + SEND_LEASE, last_attempt_at=now)
    )


def backoff(attempts: int) -> timedelta:
    """30 s, 1, 2, 4 ... minutes after each failed attempt, at most two hours."""
    return timedelta(seconds=min(7200, 30 * 2 ** max(0, attempts - 1)))


def deliveries_send(delivery_ids: Iterable[int]) -> dict[str, int]:
    """Send the due deliveries among these ids, one claimed at a time just before its POST
    (a killed worker strands one row at most, which the sweep sends once its lease ran out)."""
    result = {"delivered": 0, "failed": 0, "skipped": 0}
    rows = list(
        WebhookDelivery.objects.filter(
            pk__in=list(delivery_ids), status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=timezone.now(),
        ).select_related("endpoint").order_by("pk")
    )
    for row in rows:
        if not row.endpoint.is_active or not delivery_claim(row.pk):
            result["skipped"] += 1
            continue
        now = timezone.now()
        signed = webhooks.sign(secret=row.endpoint.secret, msg_id=row.msg_id,
                               payload=row.payload, at=now)
        code, error = None, ""
        try:
            code = webhooks.post(row.endpoint.url, signed)
        except Exception as exc:  # noqa: BLE001 - one endpoint down must not stop the batch
            error = redact(f"{type(exc).__name__}: {exc}")[:300]
        if code is not None and 200 <= code < 300:
            WebhookDelivery.objects.filter(pk=row.pk).update(
                status=WebhookDelivery.Status.DELIVERED, delivered_at=timezone.now(),
                response_code=code, last_error="")
            WebhookEndpoint.objects.filter(pk=row.endpoint_id, failing_since__isnull=False) \
                .update(failing_since=None)
            result["delivered"] += 1
        else:
            _record_failure(row, code=code, error=error or f"answered {code}")
            result["failed"] += 1
    return result


def _record_failure(row: WebhookDelivery, *, code: int | None, error: str) -> None:
    now = timezone.now()
    attempts = row.attempts + 1  # the claim added one in the database
    gave_up = row.created_at < now - RETRY_FOR
    WebhookDelivery.objects.filter(pk=row.pk).update(
        status=WebhookDelivery.Status.FAILED if gave_up else WebhookDelivery.Status.PENDING,
        response_code=code, last_error=error,
        next_attempt_at=now if gave_up else now + backoff(attempts),
    )
    logger.warning("webhook delivery %s failed (attempt %s): %s", row.pk, attempts,
                   code or error.split(":", 1)[0])
    WebhookEndpoint.objects.filter(pk=row.endpoint_id, failing_since__isnull=True).update(
        failing_since=now)
    endpoint_disable_if_failing(endpoint_id=row.endpoint_id, now=now)


def endpoint_disable_if_failing(*, endpoint_id: int, now=None) -> bool:
    """An endpoint failing for a day is turned off, and every staff member is told."""
    from notifications import services as notifications
    from notifications.models import Notification

    now = now or timezone.now()
    with transaction.atomic():
        disabled = WebhookEndpoint.objects.filter(
            pk=endpoint_id, is_active=True, failing_since__lt=now - DISABLE_AFTER,
        ).update(is_active=False, disabled_at=now,
                 disabled_reason="failing for a day")
        if not disabled:
            return False
        endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
        audit_record(actor=None, action="webhook.disabled", target=endpoint,
                     reason="failing for a day")
        for staff in User.objects.filter(is_staff=True, is_active=True):
            notifications.notify(
                staff, Notification.Kind.MODERATION, detail="webhook_disabled",
                message=_("A webhook endpoint failed for a day and was turned off: %(url)s")
                % {"url": endpoint.url[:200]},
                key=f"webhook-disabled:{endpoint.pk}:{now.isoformat()}", require_visible=False,
            )
    return True


def delivery_send_again(*, user: User, delivery_id: int) -> WebhookDelivery:
    """"Send again" from the delivery log: the same webhook-id, so a receiver that already
    has it can tell."""
    if not permissions.can_manage_webhooks(user):
        raise Http404
    delivery = WebhookDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).exclude(
            status=WebhookDelivery.Status.SENDING).update(
            status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now())
        audit_record(actor=user, action="webhook.send_again", target=delivery)
        transaction.on_commit(lambda: _dispatch([delivery.pk]), robust=True)
    delivery.refresh_from_db()
    return delivery


def webhook_due_ids(*, limit: int = 1000) -> list[int]:
    """Deliveries left behind: pending and due, or abandoned mid-send by a killed worker (its
    lease ran out; those go back to pending first)."""
    now = timezone.now()
    WebhookDelivery.objects.filter(status=WebhookDelivery.Status.SENDING,
                                   next_attempt_at__lt=now).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=now)
    return list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING,
                                       next_attempt_at__lte=now, endpoint__is_active=True)
        .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    )


def questions_waiting_queue(*, now=None, limit: int = 500) -> int:
    """Questions published a day ago or more without a clinician's answer: one
    question.waiting event each, ever (its dedupe key)."""
    from community.models import Thread

    from . import events

    if not WebhookEndpoint.objects.filter(is_active=True).exists():
        return 0
    now = now or timezone.now()
    threads = (
        Thread.objects.filter(kind=Thread.Kind.QUESTION, status=Thread.Status.PUBLISHED,
                              clinician_answer_count=0, created_at__lte=now - timedelta(hours=24),
                              created_at__gt=now - timedelta(days=7))
        .select_related("community").order_by("created_at")[:limit]
    )
    queued = 0
    for thread in threads:
        with transaction.atomic():
            queued += bool(events.question_waiting(thread))
    return queued
