"""The outbox: every email Hearth sends is a row written in the transaction that decided it,
sent after commit by a Celery task, claimed one row at a time, retried with back-off, and
swept up by beat when a task was lost.

Generic: it knows nothing of digests or replies. A kind that must be checked again just before
sending registers a recheck (`register_recheck`; notifications/apps.py connects them), and
the task that sends is registered once (`set_send_task`), so that this module imports no
task module and none of its users.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.core.mail import get_connection
from django.db import DatabaseError, IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from hearth.lib.logging import redact

from . import emails
from .models import Outbox
from .selectors import eligible_for_email

logger = logging.getLogger(__name__)

# A row being sent is leased for a minute, and the lease is renewed every 20 s while the send
# runs: a row held by a killed worker goes back to the sweep about a minute later, and a slow
# relay never lets a second worker send a row that is still being sent.
SEND_LEASE = timedelta(minutes=1)
LEASE_RENEW_EVERY = 20.0  # seconds
MAX_ATTEMPTS = 8
CHUNK = 1000  # rows a bulk INSERT (PostgreSQL takes at most 65,535 parameters)
ARRAY_CHUNK = 10_000  # rows an INSERT ... SELECT FROM unnest(arrays) (no parameter limit)
SEND_BATCH = 100  # rows a sending task

# kind -> recheck(rows of that kind whose member may still be emailed) -> {row id: reason};
# a row with a non-empty reason is cancelled with it instead of sent.
Recheck = Callable[[list[Outbox]], dict[int, str]]
_rechecks: dict[str, Recheck] = {}
# kind -> renderer(rows of that kind written without their email, still to be sent): fills
# in each row's subject, text, html and headers, or returns {row id: reason} not to send it.
_renderers: dict[str, Recheck] = {}
_send_task = None


def register_recheck(kinds: Iterable[str] | str, recheck: Recheck) -> None:
    for kind in [kinds] if isinstance(kinds, str) else kinds:
        _rechecks[kind] = recheck


def register_renderer(kinds: Iterable[str] | str, renderer: Recheck) -> None:
    for kind in [kinds] if isinstance(kinds, str) else kinds:
        _renderers[kind] = renderer


def unrendered(row: Outbox) -> bool:
    """A row written with only its notification: its email is rendered when it is sent."""
    return row.notification_id is not None and not row.text


def set_send_task(task) -> None:
    """The Celery task that sends a list of row ids (notifications.tasks.outbox_send_batch)."""
    global _send_task  # noqa: PLW0603 - set once, by notifications/apps.py
    _send_task = task


# --- Writing rows ---------------------------------------------------------------------------


def insert(rows: list[Outbox]) -> list[Outbox]:
    """Insert rows CHUNK at a time; a chunk that hits a dedupe key already taken (a concurrent
    writer made some of them) is inserted one row at a time, skipping those. Returns the rows
    that were inserted."""
    inserted: list[Outbox] = []
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        try:
            with transaction.atomic():
                inserted.extend(Outbox.objects.bulk_create(part))
        except IntegrityError:
            for row in part:
                try:
                    with transaction.atomic():
                        row.save(force_insert=True)
                except IntegrityError:  # made already
                    continue
                inserted.append(row)
    return inserted


def insert_unrendered(rows: list[tuple[int, str, str, int]], *, now) -> list[int]:
    """Write rows (recipient id, kind, dedupe key, notification id) whose email is rendered
    when they are sent; a dedupe key already taken is skipped. Returns the new rows' ids.

    On PostgreSQL one INSERT ... SELECT FROM unnest(...) of up to ARRAY_CHUNK rows (four
    array parameters whatever the number of rows), its ids returned (the ORM's bulk_create
    built a model and adapted every field of every row); on SQLite (a small site)
    bulk_create, with the per-row fallback of `insert`."""
    if not rows:
        return []
    if db_connection.vendor != "postgresql":
        return [row.pk for row in insert([
            Outbox(recipient_id=user_id, kind=kind, dedupe_key=key, notification_id=n_id,
                   subject="", text="", html="", headers={}, created_at=now,
                   next_attempt_at=now)
            for user_id, kind, key, n_id in rows])]
    table = Outbox._meta.db_table  # noqa: SLF001
    sql = (
        f'INSERT INTO "{table}" (recipient_id, kind, dedupe_key, notification_id, subject, '  # noqa: S608
        "text, html, headers, status, attempts, last_error, created_at, next_attempt_at) "
        "SELECT r, k, d, n, '', '', '', '{}'::jsonb, %s, 0, '', %s, %s "
        "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::bigint[]) AS t(r, k, d, n) "
        "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
    )
    ids: list[int] = []
    with db_connection.cursor() as cursor:
        for start in range(0, len(rows), ARRAY_CHUNK):
            user_ids, kinds, keys, n_ids = zip(*rows[start:start + ARRAY_CHUNK], strict=True)
            cursor.execute(sql, [Outbox.Status.PENDING, now, now, list(user_ids),
                                 list(kinds), list(keys), list(n_ids)])
            ids += [pk for (pk,) in cursor.fetchall()]
    return ids


def insert_rendered(rows: list[Outbox]) -> list[Outbox]:
    """Insert whole emails (a digest batch's), CHUNK rows a statement, and give each row its
    id; a dedupe key already taken raises IntegrityError, as bulk_create did.

    On PostgreSQL one multi-row INSERT ... VALUES ... RETURNING id: the ORM's bulk_create
    sends each column as one array, and psycopg quotes the elements of a text array in
    Python (0.7 s of CPU for a thousand digests' 10 MB of html; as plain parameters,
    0.03 s)."""
    if db_connection.vendor != "postgresql":
        return Outbox.objects.bulk_create(rows)
    table = Outbox._meta.db_table  # noqa: SLF001
    columns = ("recipient_id, kind, dedupe_key, subject, text, html, headers, "
               "notification_id, status, attempts, last_error, created_at, next_attempt_at")
    one = "(%s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s, %s, %s)"
    with db_connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            part = rows[start:start + CHUNK]
            params: list = []
            for row in part:
                params += [row.recipient_id, row.kind, row.dedupe_key, row.subject, row.text,
                           row.html, json.dumps(row.headers or {}), row.notification_id,
                           row.status, row.attempts, row.last_error, row.created_at,
                           row.next_attempt_at]
            cursor.execute(
                f'INSERT INTO "{table}" ({columns}) VALUES '  # noqa: S608
                f"{', '.join([one] * len(part))} RETURNING id", params)
            for row, (pk,) in zip(part, cursor.fetchall(), strict=True):
                row.pk = row.id = pk
                row._state.adding = False  # noqa: SLF001
                row._state.db = db_connection.alias  # noqa: SLF001
    return rows


def send_after_commit(ids: list[int]) -> None:
    """Queue the sending of these rows once the transaction that wrote them commits, SEND_BATCH
    rows a task (a fan-out's thousands of emails are sent by several workers at once)."""
    ids = list(ids)

    def queue() -> None:
        for start in range(0, len(ids), SEND_BATCH):
            dispatch(_send_task, ids[start:start + SEND_BATCH])

    if ids:
        transaction.on_commit(queue, robust=True)


def dispatch(task, ids: list[int]) -> None:
    """Queue a send; if the broker is down the sweep sends it later (rule 3)."""
    try:
        task.delay(ids)
    except Exception:  # noqa: BLE001
        logger.warning("outbox send of %s rows not queued; the sweep will send them", len(ids))


# --- Sending --------------------------------------------------------------------------------


def claim(outbox_id: int, *, now=None) -> bool:
    """Take a row for sending. One atomic UPDATE: of two workers, exactly one wins."""
    now = now or timezone.now()
    return bool(
        Outbox.objects.filter(
            pk=outbox_id, status=Outbox.Status.PENDING, next_attempt_at__lte=now
        ).update(
            status=Outbox.Status.SENDING, attempts=F("attempts") + 1,
            next_attempt_at=now + SEND_LEASE,
        )
    )


class LeaseKept:
    """While a row is being sent, a thread renews its lease every LEASE_RENEW_EVERY seconds
    (it touches the database only if the send lasts that long)."""

    def __init__(self, outbox_id: int) -> None:
        self.outbox_id = outbox_id
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._renew, name=f"outbox-lease-{outbox_id}",
                                        daemon=True)

    def __enter__(self) -> LeaseKept:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._done.set()
        self._thread.join()

    def _renew(self) -> None:
        try:
            while not self._done.wait(LEASE_RENEW_EVERY):
                Outbox.objects.filter(pk=self.outbox_id, status=Outbox.Status.SENDING).update(
                    next_attempt_at=timezone.now() + SEND_LEASE)
        except DatabaseError:
            logger.warning("lease of outbox row %s not renewed", self.outbox_id)
        finally:
            db_connection.close()  # this thread's own connection, if it opened one


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failed attempt, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def send(outbox_ids: Iterable[int], *, connection=None) -> dict[str, int]:
    """Send the pending rows among these ids; returns how many were sent, failed, skipped."""
    outbox_ids = list(outbox_ids)
    result = {"sent": 0, "failed": 0, "cancelled": 0, "skipped": 0}
    rows = list(
        Outbox.objects.filter(
            pk__in=outbox_ids, status=Outbox.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .select_related("recipient__notification_settings")
        .order_by("pk")
    )
    result["skipped"] = len(outbox_ids) - len(rows)
    if not rows:
        return result
    eligible = set(
        eligible_for_email(User.objects.filter(pk__in={r.recipient_id for r in rows}))
        .values_list("pk", flat=True)
    )
    reasons: dict[int, str] = {}
    for kind, recheck in _rechecks.items():
        of_kind = [r for r in rows if r.kind == kind and r.recipient_id in eligible]
        if of_kind:
            reasons.update(recheck(of_kind))
    # Rows written without their email get it now (once per renderer for the batch).
    rendered: set[int] = set()
    for renderer in {id(r): r for r in _renderers.values()}.values():
        kinds = {kind for kind, r in _renderers.items() if r is renderer}
        to_render = [r for r in rows if r.kind in kinds and unrendered(r)
                     and r.recipient_id in eligible and not reasons.get(r.pk)]
        if to_render:
            reasons.update(renderer(to_render))
            rendered.update(r.pk for r in to_render if not reasons.get(r.pk))
    own_connection = connection is None
    connection = connection or get_connection()
    try:
        connection.open()
        for row in rows:
            # Claimed one at a time, just before sending: a killed worker strands one row at
            # most, which the sweep sends again once its lease has run out.
            if not claim(row.pk):
                result["skipped"] += 1
                continue
            reason = ("recipient can no longer be emailed" if row.recipient_id not in eligible
                      else reasons.get(row.pk, ""))
            if not reason and unrendered(row) and row.pk not in rendered:
                reason = "no renderer for this kind"
            if reason:
                Outbox.objects.filter(pk=row.pk).update(
                    status=Outbox.Status.CANCELLED, last_error=reason
                )
                result["cancelled"] += 1
                continue
            try:
                with LeaseKept(row.pk):
                    emails.build_message(row, to=row.recipient.email,
                                         connection=connection).send()
            except Exception as exc:  # noqa: BLE001 - one bad address must not stop the batch
                _record_failure(row, exc)
                result["failed"] += 1
                continue
            # A row rendered here keeps what was sent.
            content = ({"subject": row.subject, "text": row.text, "html": row.html,
                        "headers": row.headers} if row.pk in rendered else {})
            Outbox.objects.filter(pk=row.pk).update(
                status=Outbox.Status.SENT, sent_at=timezone.now(), last_error="", **content
            )
            result["sent"] += 1
    finally:
        if own_connection:
            try:
                connection.close()
            except Exception:  # noqa: BLE001
                logger.warning("closing the mail connection failed", exc_info=True)
    return result


def _record_failure(row: Outbox, exc: Exception) -> None:
    attempts = row.attempts + 1  # the claim added one in the database
    error = redact(f"{type(exc).__name__}: {exc}")[:500]
    if attempts >= MAX_ATTEMPTS:
        status, next_at = Outbox.Status.FAILED, timezone.now()
    else:
        status, next_at = Outbox.Status.PENDING, timezone.now() + backoff(attempts)
    Outbox.objects.filter(pk=row.pk).update(
        status=status, last_error=error, next_attempt_at=next_at
    )
    logger.warning("outbox %s not sent (attempt %s): %s", row.pk, attempts, type(exc).__name__)


def due_ids(*, limit: int = 1000) -> list[int]:
    """Rows left behind: pending and due, or abandoned mid-send by a killed worker (its
    lease ran out; those go back to pending first)."""
    now = timezone.now()
    Outbox.objects.filter(status=Outbox.Status.SENDING, next_attempt_at__lt=now).update(
        status=Outbox.Status.PENDING, next_attempt_at=now
    )
    return list(
        Outbox.objects.filter(status=Outbox.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )

