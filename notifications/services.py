"""Every write of the notifications app: notifications, settings, the outbox and its sending.

Receivers (receivers.py) and other apps call `notify` and the `notifications_for_*`
functions; each checks the one access rule of community.permissions for the recipient at
the moment it runs, and never names the author of an anonymous post to anyone but staff.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.mail import get_connection
from django.db import DatabaseError, IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.permissions import in_good_standing, is_in_good_standing
from community import permissions
from community.markdown import mentioned_names
from community.models import Membership, Post, Reaction, Thread, ThreadFollow
from community.permissions import can_see_author
from hearth.live import publish_many_on_commit, user_group
from hearth.logging import redact

from . import emails, selectors, tokens
from .models import CheckIn, Notification, NotificationSettings, Outbox, PostFanout

logger = logging.getLogger(__name__)

Kind = Notification.Kind
IMMEDIATE_WINDOW = timedelta(minutes=15)
# A row being sent is leased for a minute, and the lease is renewed every 20 s while the send
# runs: a row held by a killed worker goes back to the sweep about a minute later, and a slow
# relay never lets a second worker send a row that is still being sent.
SEND_LEASE = timedelta(minutes=1)
LEASE_RENEW_EVERY = 20.0  # seconds
MAX_ATTEMPTS = 8
REPLY_KINDS = (Kind.REPLY, Kind.FOLLOWED_REPLY, Kind.CLINICIAN_ANSWER)
# When one post concerns a member in several ways, the most specific notification wins.
_PRIORITY = {
    Kind.CLINICIAN_ANSWER: 4, Kind.REPLY: 3, Kind.MENTION: 2, Kind.FOLLOWED_REPLY: 1,
}


# --- Access helpers -------------------------------------------------------------------------


def prime_memberships(users: Iterable[User]) -> None:
    """Load the memberships of many members in one query, into the per-user cache that
    community.permissions.memberships_of reads, so that checking each of them is free."""
    users = list(users)
    by_user: dict[int, dict[int, Membership]] = defaultdict(dict)
    for membership in Membership.objects.filter(user__in=[u.pk for u in users]):
        by_user[membership.user_id][membership.community_id] = membership
    permissions.prime_memberships({user: by_user[user.pk] for user in users})


def _hide_actor(recipient: User, thread: Thread | None, post: Post | None) -> bool:
    """An anonymous post or thread names nobody involved to a recipient who may not see its
    author (the pages' rule, community.permissions.can_see_author)."""
    return any(item is not None and item.is_anonymous and not can_see_author(recipient, item)
               for item in (post, thread))


def can_receive_email(user: User) -> bool:
    return bool(user.email) and is_in_good_standing(user)


def email_verified_q() -> Exists:
    return Exists(
        EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"),
                                    verified=True)
    )


def eligible_for_email(queryset: QuerySet[User] | None = None) -> QuerySet[User]:
    """Members Hearth may email: active, not banned or suspended, email address verified."""
    queryset = User.objects.all() if queryset is None else queryset
    return in_good_standing(queryset).exclude(email="").filter(email_verified_q())


# --- Settings -------------------------------------------------------------------------------


def settings_for(user: User) -> NotificationSettings:
    """The member's settings (unsaved defaults if they never changed them)."""
    try:
        return user.notification_settings
    except NotificationSettings.DoesNotExist:
        return NotificationSettings(user=user)


def settings_update(*, user: User, **values) -> NotificationSettings:
    allowed = {"digest_frequency", "email_replies", "email_mentions", "follow_on_reply"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    values["updated_at"] = timezone.now()
    row, _created = NotificationSettings.objects.update_or_create(user=user, defaults=values)
    user.notification_settings = row
    return row


def unsubscribe(*, user_id: int, list_name: str) -> bool:
    """One-click unsubscribe from a list ("digest", "replies", "mentions"). Idempotent."""
    field, value = {
        "digest": ("digest_frequency", NotificationSettings.Frequency.NEVER),
        "replies": ("email_replies", False),
        "mentions": ("email_mentions", False),
    }[list_name]
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    with transaction.atomic():
        settings_update(user=user, **{field: value})
        # What is already waiting in the outbox for that list is not sent either.
        kinds = {"digest": ["digest"], "replies": ["reply"], "mentions": ["mention"]}[list_name]
        Outbox.objects.filter(
            recipient_id=user_id, kind__in=kinds, status=Outbox.Status.PENDING
        ).update(status=Outbox.Status.CANCELLED, last_error="unsubscribed")
    logger.info("member %s unsubscribed from %s", user_id, list_name)
    return True


# --- Notifications --------------------------------------------------------------------------


def unread_count(user: User) -> int:
    """Unread lines of the list (replies in one discussion are one line)."""
    return selectors.unread_count(user=user)


def publish_unread(user_ids: Iterable[int]) -> None:
    """Send each member's unread count to their /ws/me/ socket after commit."""
    user_ids = list(set(user_ids))
    if not user_ids:
        return
    counts = dict(
        Notification.objects.filter(recipient_id__in=user_ids, read_at__isnull=True)
        .values_list("recipient_id")
        .annotate(n=selectors.unread_groups())
    )
    publish_many_on_commit([
        (user_group(user_id), {"type": "notifications", "unread": counts.get(user_id, 0)})
        for user_id in user_ids
    ])


def notify(
    recipient: User, kind: str, *, actor: User | None = None, thread: Thread | None = None,
    post: Post | None = None, detail: str = "", message: str = "", key: str = "",
    require_visible: bool | None = None,
) -> Notification | None:
    """Tell one member something. Returns the notification, or None if it was not made.

    The thread or post is linked only if the recipient may see it now (community.permissions).
    When it is not visible: the notification is dropped (`require_visible`, the default for
    everything but moderation and clinician decisions) or made without the link. A non-empty
    `key` makes it happen at most once for that recipient ("moderation:post:12:hidden").
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if require_visible is None:
        require_visible = kind not in (Kind.MODERATION, Kind.CLINICIAN_DECIDED)
    if not recipient.is_active:
        return None
    if post is not None:
        thread = post.thread
    visible = True
    if post is not None:
        visible = permissions.can_view_post(recipient, post)
    elif thread is not None:
        visible = permissions.can_view_thread(recipient, thread)
    if not visible:
        if require_visible:
            return None
        thread = post = None
    if actor is not None and _hide_actor(recipient, thread, post):
        actor = None
    now = timezone.now()
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, actor=actor, thread=thread, post=post,
                detail=detail[:40], message=message[:300], key=key[:120],
                created_at=now, updated_at=now,
            )
    except IntegrityError:  # this key was already notified
        return None
    publish_unread([recipient.pk])
    if kind in REPLY_KINDS or kind == Kind.MENTION:
        immediate_email_queue(notification)
    return notification


def notifications_for_post(*, post_id: int) -> list[Notification]:
    """A post became public: tell the thread's author, its followers and whoever it mentions.

    One notification per member and post (an edit that is screened again does not repeat
    it); the post author is never told about their own post.
    """
    post = (
        Post.objects.select_related("thread__community", "author")
        .filter(pk=post_id).first()
    )
    if post is None or not permissions.post_is_public(post):
        return []
    thread = post.thread
    plan: dict[int, str] = {}

    def want(user_id: int | None, kind: str) -> None:
        if user_id is None:
            return
        if _PRIORITY[kind] > _PRIORITY.get(plan.get(user_id), 0):
            plan[user_id] = kind

    if not post.is_first:
        muted = Membership.objects.filter(
            community=thread.community_id, level=Membership.Level.MUTED
        ).values("user_id")
        followers = ThreadFollow.objects.filter(thread=thread).exclude(user_id__in=muted)
        for user_id in followers.values_list("user_id", flat=True):
            want(user_id, Kind.FOLLOWED_REPLY)
        if thread.is_question and post.is_clinician_answer:
            want(thread.author_id, Kind.CLINICIAN_ANSWER)
        else:
            want(thread.author_id, Kind.REPLY)
    names = mentioned_names(post.body)
    if names:
        mentioned = User.objects.annotate(lname=Lower("username")).filter(
            lname__in=names,
            memberships__community=thread.community_id,
            memberships__status=Membership.Status.ACTIVE,
        )
        for user_id in mentioned.values_list("pk", flat=True):
            want(user_id, Kind.MENTION)
    plan.pop(post.author_id, None)
    for user_id in set(plan) - permissions.members_reached_by(post, plan):
        del plan[user_id]  # they block its author (a silent block: nobody is told)
    if not plan:
        _fanout_done(post, [])
        return []
    recipients = list(User.objects.filter(pk__in=plan, is_active=True))
    prime_memberships(recipients)
    key = f"post:{post.pk}"
    already = set(
        Notification.objects.filter(recipient__in=recipients, key=key).values_list(
            "recipient_id", flat=True
        )
    )
    now = timezone.now()
    created = [
        Notification(
            recipient=user, kind=plan[user.pk], thread=thread, post=post, key=key,
            actor=None if _hide_actor(user, thread, post) else post.author,
            created_at=now, updated_at=now,
        )
        for user in recipients
        if user.pk not in already and permissions.can_view_post(user, post)
    ]
    with transaction.atomic():
        if created:
            Notification.objects.bulk_create(created, ignore_conflicts=True,
                                             batch_size=OUTBOX_CHUNK)
            publish_unread(n.recipient_id for n in created)
            immediate_emails_queue(created)
        _fanout_done(post, created)
    return created


def _fanout_done(post: Post, created: list[Notification]) -> None:
    """Record that this post's fan-out happened (once; a sweep run again adds nothing)."""
    PostFanout.objects.get_or_create(post_id=post.pk, defaults={"notified": len(created)})


FANOUT_SWEEP_AFTER = timedelta(minutes=2)  # the task and its retries have had their chance
FANOUT_SWEEP_WINDOW = timedelta(days=2)  # older news is no longer worth a notification


def fanout_due_post_ids(*, limit: int = 200) -> list[int]:
    """Public posts published a couple of minutes ago or more (in the last two days) whose
    fan-out never completed: the task failed for good, or was lost with the broker."""
    now = timezone.now()
    return list(
        permissions.public_posts(Post.objects.all())
        .filter(published_at__gte=now - FANOUT_SWEEP_WINDOW,
                published_at__lte=now - FANOUT_SWEEP_AFTER)
        .exclude(Exists(PostFanout.objects.filter(post_id=OuterRef("pk"))))
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def fanout_sweep() -> int:
    """Finish the fan-out of every post that is due one; returns how many were finished."""
    finished = 0
    for post_id in fanout_due_post_ids():
        try:
            notifications_for_post(post_id=post_id)
        except DatabaseError:
            logger.warning("fan-out of post %s failed again; the next sweep retries", post_id,
                           exc_info=True)
            continue
        finished += 1
    return finished


def notifications_for_reaction(*, reaction_id: int) -> Notification | None:
    """Reactions are grouped: one unread notification per post and kind, with the number
    of people who reacted so ("3 people found your post helpful")."""
    reaction = (
        Reaction.objects.select_related("post__thread__community", "post__author")
        .filter(pk=reaction_id).first()
    )
    if reaction is None:
        return None
    post = reaction.post
    recipient = post.author
    if recipient is None or recipient.pk == reaction.user_id or not recipient.is_active:
        return None
    if not permissions.can_view_post(recipient, post):
        return None
    people = Reaction.objects.filter(post=post, kind=reaction.kind).exclude(user=recipient)
    count = people.count()
    if not count:
        return None
    key = f"reactions:{post.pk}:{reaction.kind}"
    now = timezone.now()
    unread = Notification.objects.filter(
        recipient=recipient, kind=Kind.REACTIONS, key=key, read_at__isnull=True
    )
    notification = None
    if not unread.update(count=count, updated_at=now):
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient, kind=Kind.REACTIONS, thread=post.thread, post=post,
                    detail=reaction.kind, count=count, key=key, created_at=now, updated_at=now,
                )
        except IntegrityError:  # another reaction made it a moment ago
            unread.update(count=count, updated_at=now)
    publish_unread([recipient.pk])
    return notification or unread.first()


def notifications_for_accepted(*, post_id: int, by_id: int | None) -> Notification | None:
    post = Post.objects.select_related("thread__community", "author").filter(pk=post_id).first()
    if post is None or post.author is None or post.author_id == by_id:
        return None
    actor = User.objects.filter(pk=by_id).first() if by_id else None
    return notify(
        post.author, Kind.ANSWER_ACCEPTED, actor=actor, post=post, key=f"accepted:{post.pk}"
    )


def notification_open(*, user: User, notification_id: int) -> Notification | None:
    """Mark one of the member's notifications read; None if it isn't theirs."""
    notification = (
        Notification.objects.select_related("thread__community", "post__thread__community")
        .filter(pk=notification_id, recipient=user).first()
    )
    if notification is None:
        return None
    if notification.read_at is None:
        # the whole line it is shown on ("maria and 2 others replied ...") is read
        notification.read_at = timezone.now()
        Notification.objects.filter(selectors.same_group(notification), recipient=user,
                                    read_at__isnull=True).update(read_at=notification.read_at)
        publish_unread([user.pk])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    now = timezone.now()
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now
    )
    publish_unread([user.pk])
    return marked


# --- Immediate emails -----------------------------------------------------------------------


def _email_allowed(kind: str, prefs: NotificationSettings) -> bool:
    if kind == Kind.MENTION:
        return prefs.email_mentions
    return prefs.email_replies


def immediate_email_queue(notification: Notification) -> Outbox | None:
    return (immediate_emails_queue([notification]) or [None])[0]


def immediate_emails_queue(notifications: list[Notification]) -> list[Outbox]:
    """An email for a reply or a mention, per the member's settings, at most one per thread
    every 15 minutes. Sent by a Celery task after commit."""
    wanted = {n.recipient_id: n for n in notifications if n.thread_id}
    if not wanted:
        return []
    recipients = {
        u.pk: u for u in eligible_for_email(User.objects.filter(pk__in=wanted))
        .select_related("notification_settings")
    }
    now = timezone.now()
    # What each member was emailed about these threads in the window, and which of these
    # posts they were emailed already: two queries for the whole fan-out, whatever its size.
    recent: set[tuple[int, str]] = set()
    prefixes = {f"thread:{n.thread_id}:" for n in wanted.values()}
    for user_id, key in Outbox.objects.filter(
        recipient_id__in=list(recipients), created_at__gte=now - IMMEDIATE_WINDOW,
        kind__in=[Outbox.Kind.REPLY, Outbox.Kind.MENTION],
    ).filter(_startswith_any("dedupe_key", prefixes)).values_list("recipient_id", "dedupe_key"):
        recent.add((user_id, key.split(":", 2)[1]))
    planned = []
    for user_id, notification in wanted.items():
        user = recipients.get(user_id)
        if user is None or not _email_allowed(notification.kind, settings_for(user)):
            continue
        if (user_id, str(notification.thread_id)) in recent:
            continue
        key = f"thread:{notification.thread_id}:{user_id}:" \
              f"{notification.post_id or notification.pk}"
        planned.append((user, notification, key))
    sent = set(Outbox.objects.filter(dedupe_key__in=[key for _u, _n, key in planned])
               .values_list("dedupe_key", flat=True))
    rendered: dict = {}
    fresh = [_immediate_row(user, notification, key, rendered)
             for user, notification, key in planned if key not in sent]
    rows: list[Outbox] = []
    for chunk in range(0, len(fresh), OUTBOX_CHUNK):
        part = fresh[chunk:chunk + OUTBOX_CHUNK]
        try:
            with transaction.atomic():
                rows.extend(Outbox.objects.bulk_create(part))
        except IntegrityError:  # a concurrent fan-out emailed some of them: one at a time
            for row in part:
                try:
                    with transaction.atomic():
                        row.save(force_insert=True)
                except IntegrityError:  # this post was emailed to this member already
                    continue
                rows.append(row)
    if rows:
        from .tasks import outbox_send_batch

        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: _dispatch(outbox_send_batch, ids), robust=True)
    return rows


OUTBOX_CHUNK = 1000  # rows a bulk INSERT (PostgreSQL takes at most 65,535 parameters)


def _startswith_any(field: str, prefixes: set[str]):
    from django.db.models import Q

    condition = Q()
    for prefix in sorted(prefixes):
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


_NAME_SLOT = "__HEARTH_MEMBER_NAME__"


class _Placeholder:
    """Stands for the member in an email rendered once for everyone who gets the same one."""

    public_name = _NAME_SLOT
    language = ""


def _immediate_row(user: User, notification: Notification, dedupe_key: str,
                   rendered: dict | None = None) -> Outbox:
    """The member's email about a reply or a mention. Members who get the same words (same
    language, post and summary) share one rendering (CSS inlining is the slow part), with
    their name and unsubscribe link put in afterwards."""
    from django.utils.html import escape

    from .presenters import notification_text

    kind = Outbox.Kind.MENTION if notification.kind == Kind.MENTION else Outbox.Kind.REPLY
    list_name = "mentions" if kind == Outbox.Kind.MENTION else "replies"
    thread = notification.thread
    rendered = {} if rendered is None else rendered
    link = rendered.get(("link", notification.post_id, notification.thread_id))
    if link is None:  # reversed once per post, not once per follower
        link = reverse("community:post", kwargs={"pk": notification.post_id}) \
            if notification.post_id else thread.get_absolute_url()
        rendered[("link", notification.post_id, notification.thread_id)] = link
    language = emails.member_language(user)
    with translation.override(language):
        summary = notification_text(notification, viewer=user)
    group = (language, kind, link, summary)
    if group not in rendered:
        placeholder = _Placeholder()
        placeholder.language = language
        with translation.override(language):
            rendered[group] = emails.render_email(
                "notifications/immediate",
                {
                    "summary": summary, "thread": thread, "community": thread.community,
                    "link": emails.absolute(link), "list_name": list_name,
                    # the link with a slot for each member's own token
                    "unsubscribe_url": emails._unsubscribe_prefix(),  # noqa: SLF001
                },
                user=placeholder,
            )
    token = tokens.unsubscribe_token(user.pk, list_name)
    name = user.public_name
    subject, text, html = (part.replace(emails._SLOT, token)  # noqa: SLF001
                           for part in rendered[group])
    subject = subject.replace(_NAME_SLOT, name)
    text = text.replace(_NAME_SLOT, name)
    html = html.replace(_NAME_SLOT, escape(name))
    return Outbox(
        recipient=user, kind=kind, dedupe_key=dedupe_key, subject=subject, text=text,
        html=html,
        headers=emails.list_headers(user_id=user.pk, list_name=list_name, dedupe_key=dedupe_key),
    )


def _dispatch(task, ids: list[int]) -> None:
    """Queue a send; if the broker is down the sweep sends it later (rule 3)."""
    try:
        task.delay(ids)
    except Exception:  # noqa: BLE001
        logger.warning("outbox send of %s rows not queued; the sweep will send them", len(ids))


# --- Sending the outbox ---------------------------------------------------------------------


def outbox_claim(outbox_id: int, *, now=None) -> bool:
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


def outbox_send(outbox_ids: Iterable[int], *, connection=None) -> dict[str, int]:
    """Send the pending rows among these ids; returns how many were sent, failed, skipped."""
    from . import digests

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
    digest_rows = [r for r in rows if r.kind == Outbox.Kind.DIGEST and r.recipient_id in eligible]
    still_wanted = digests.recheck_at_send(digest_rows) if digest_rows else {}
    own_connection = connection is None
    connection = connection or get_connection()
    try:
        connection.open()
        for row in rows:
            # Claimed one at a time, just before sending: a killed worker strands one row at
            # most, which the sweep sends again once its lease has run out.
            if not outbox_claim(row.pk):
                result["skipped"] += 1
                continue
            reason = _cancel_reason(row, eligible, still_wanted)
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
            Outbox.objects.filter(pk=row.pk).update(
                status=Outbox.Status.SENT, sent_at=timezone.now(), last_error=""
            )
            result["sent"] += 1
    finally:
        if own_connection:
            try:
                connection.close()
            except Exception:  # noqa: BLE001
                logger.warning("closing the mail connection failed", exc_info=True)
    return result


def _cancel_reason(row: Outbox, eligible: set[int], still_wanted: dict[int, bool]) -> str:
    if row.recipient_id not in eligible:
        return "recipient can no longer be emailed"
    prefs = settings_for(row.recipient)
    if row.kind == Outbox.Kind.DIGEST:
        if prefs.digest_frequency == NotificationSettings.Frequency.NEVER:
            return "digests turned off"
        if not still_wanted.get(row.pk, False):
            return "nothing left the member may see"
    elif row.kind == Outbox.Kind.REPLY and not prefs.email_replies:
        return "reply emails turned off"
    elif row.kind == Outbox.Kind.MENTION and not prefs.email_mentions:
        return "mention emails turned off"
    return ""


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


def outbox_due_ids(*, limit: int = 1000) -> list[int]:
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


def checkin_answer(*, user_id: int, month: str, answer: str, now=None) -> CheckIn | None:
    """The monthly check-in answered from its signed link: records the answer, and a second
    click changes it (one row per member and month). None when no check-in was asked of this
    member that month (a forged month, or a deleted account)."""
    if answer not in CheckIn.Answer.values:
        raise ValueError(answer)
    now = now or timezone.now()
    with transaction.atomic():
        checkin = (CheckIn.objects.select_for_update()
                   .filter(user_id=user_id, month=month, user__is_active=True).first())
        if checkin is None:
            return None
        if checkin.answer != answer:
            checkin.answer, checkin.answered_at = answer, now
            checkin.save(update_fields=["answer", "answered_at"])
    return checkin
