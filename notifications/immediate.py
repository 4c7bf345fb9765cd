"""Immediate emails: a reply or a mention, per the member's settings, at most one per thread
every 15 minutes.

The fan-out decides who is emailed and writes one small outbox row per member in its
transaction (recipient, kind, dedupe key and the notification); the email itself is rendered
when the row is sent (`render_at_send`, outbox.send's renderer for these kinds), with the
member's access to the post checked again then. A reply to 5,000 followers thus writes 5,000
rows of a few dozen bytes, not 12 MB of email, and a sending batch renders each wording once.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import NamedTuple

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import User
from community import permissions
from community.models import Post

from . import emails, outbox, tokens
from .models import Notification, NotificationSettings, Outbox
from .presenters import notification_text
from .selectors import eligible_for_email, ids_in, prime_memberships, settings_for

Kind = Notification.Kind
IMMEDIATE_WINDOW = timedelta(minutes=15)
LOOK_BACK = timedelta(days=2)  # a post's emails made earlier than this are not looked up
KINDS = (Outbox.Kind.REPLY, Outbox.Kind.MENTION)


def _email_allowed(kind: str, prefs: NotificationSettings) -> bool:
    if kind == Kind.MENTION:
        return prefs.email_mentions
    return prefs.email_replies


def _outbox_kind(kind: str) -> str:
    return Outbox.Kind.MENTION if kind == Kind.MENTION else Outbox.Kind.REPLY


def recheck_at_send(rows: list[Outbox]) -> dict[int, str]:
    """The outbox's recheck for replies and mentions: not sent once the member turned that
    list off."""
    reasons = {}
    for row in rows:
        prefs = settings_for(row.recipient)
        if row.kind == Outbox.Kind.REPLY and not prefs.email_replies:
            reasons[row.pk] = "reply emails turned off"
        elif row.kind == Outbox.Kind.MENTION and not prefs.email_mentions:
            reasons[row.pk] = "mention emails turned off"
    return reasons


def queue_one(notification: Notification) -> int | None:
    """The email of one notification (`services.notify`); the outbox row's id, if one."""
    return (queue([notification]) or [None])[0]


class Made(NamedTuple):
    """A notification just made, as the fan-out knows it (no model object for each)."""

    recipient: User  # loaded with their notification settings
    kind: str
    thread_id: int | None
    post_id: int | None
    pk: int


def queue(notifications: list[Notification], *, post: Post | None = None,
          eligible: set[int] | None = None) -> list[int]:
    """`queue_made` of notification objects."""
    return queue_made([Made(n.recipient, n.kind, n.thread_id, n.post_id, n.pk)
                       for n in notifications], post=post, eligible=eligible)


def queue_made(notifications: list[Made], *, post: Post | None = None,
               eligible: set[int] | None = None) -> list[int]:
    """The emails these notifications call for, as outbox rows sent by a task after commit;
    returns the ids of the rows written.

    A fixed number of queries whatever the number of members: who may be emailed, the emails
    already made to them about these threads in the window or, for the fan-out of `post`,
    since it was published (at most LOOK_BACK), and the insert of the rows. Each member's
    `recipient` must be loaded with their notification settings; `eligible`, those of them
    who may be emailed (selectors.eligible_for_email), when the caller knows already."""
    wanted = {n.recipient.pk: n for n in notifications if n.thread_id}
    if not wanted:
        return []
    if eligible is None:
        eligible = set(eligible_for_email(User.objects.filter(pk__in=ids_in(wanted)))
                       .values_list("pk", flat=True))
    now = timezone.now()
    window = now - IMMEDIATE_WINDOW
    since = post.published_at if post is not None and post.published_at else window
    earliest = max(min(window, since), now - LOOK_BACK)
    recent: set[tuple[int, str]] = set()
    taken: set[str] = set()
    prefixes = {f"thread:{n.thread_id}:" for n in wanted.values()}
    # By the index (recipient, created_at): a list of ids makes the planner use it (given a
    # subquery of the post's notified members, it scanned the thread's every email by the
    # dedupe key's prefix: minutes).
    for user_id, key, created_at in Outbox.objects.filter(
        _startswith_any("dedupe_key", prefixes), recipient_id__in=ids_in(wanted),
        created_at__gte=earliest, kind__in=KINDS,
    ).values_list("recipient_id", "dedupe_key", "created_at"):
        taken.add(key)
        if created_at >= window:
            recent.add((user_id, key.split(":", 2)[1]))
    planned = []
    for user_id, notification in wanted.items():
        if user_id not in eligible or \
                not _email_allowed(notification.kind, settings_for(notification.recipient)):
            continue
        if (user_id, str(notification.thread_id)) in recent:
            continue
        key = f"thread:{notification.thread_id}:{user_id}:" \
              f"{notification.post_id or notification.pk}"
        if key not in taken:  # an older one is caught by the key's unique index
            planned.append((user_id, _outbox_kind(notification.kind), key, notification.pk))
    ids = outbox.insert_unrendered(planned, now=now)
    outbox.send_after_commit(ids)
    return ids


def _startswith_any(field: str, prefixes: set[str]) -> Q:
    condition = Q()
    for prefix in sorted(prefixes):
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


# --- At send time ---------------------------------------------------------------------------


def render_at_send(rows: list[Outbox]) -> dict[int, str]:
    """outbox.send's renderer for replies and mentions: fills in the subject, text, html and
    headers of rows written without them, in each member's language, or gives the reason a
    row is not sent (its notification is gone, or the member may no longer see the post).

    Two queries for the batch (the notifications with their thread, post and actor; the
    members' memberships); members who get the same words share one rendering."""
    notifications = (
        Notification.objects.filter(pk__in=[r.notification_id for r in rows])
        .select_related("actor__clinician", "thread__community", "post__thread__community")
        .in_bulk()
    )
    prime_memberships({r.recipient for r in rows})
    reasons: dict[int, str] = {}
    ready = []
    for row in rows:
        notification = notifications.get(row.notification_id)
        if notification is None or notification.thread is None:
            reasons[row.pk] = "notification gone"
            continue
        user = row.recipient
        if notification.post is not None:
            visible = permissions.can_view_post(user, notification.post)
        else:
            visible = permissions.can_view_thread(user, notification.thread)
        if not visible:
            reasons[row.pk] = "recipient can no longer see the post"
            continue
        notification.recipient = user
        ready.append((emails.member_language(user), row, notification))
    writer = _Writer()
    # By language: one switch of language for all who read it, not one per member.
    for language, group in itertools.groupby(sorted(ready, key=lambda p: p[0]),
                                             key=lambda p: p[0]):
        with translation.override(language):
            for _language, row, notification in group:
                writer.fill(row, notification, language)
    return reasons


_NAME_SLOT = "__HEARTH_MEMBER_NAME__"


class _Placeholder:
    """Stands for the member in an email rendered once for everyone who gets the same one."""

    public_name = _NAME_SLOT
    language = ""


class _Writer:
    """Writes the members' emails about replies and mentions. Members who get the same words
    (same language, post and summary) share one rendering (CSS inlining is the slow part),
    with their name and unsubscribe link put in afterwards; the link is reversed once per
    post and the signer made once."""

    def __init__(self) -> None:
        self.rendered: dict = {}
        self.links: dict = {}
        self.signer = tokens.unsubscribe_signer()
        self.unsubscribe_prefix = emails._unsubscribe_prefix()  # noqa: SLF001

    def fill(self, row: Outbox, notification: Notification, language: str) -> None:
        """The member's email (in `language`, which is active) into `row`."""
        user = row.recipient
        list_name = "mentions" if row.kind == Outbox.Kind.MENTION else "replies"
        thread = notification.thread
        link = self.links.get((notification.post_id, notification.thread_id))
        if link is None:
            link = reverse("community:post", kwargs={"pk": notification.post_id}) \
                if notification.post_id else thread.get_absolute_url()
            self.links[(notification.post_id, notification.thread_id)] = link
        summary = notification_text(notification, viewer=user)
        group = (language, row.kind, link, summary)
        if group not in self.rendered:
            placeholder = _Placeholder()
            placeholder.language = language
            self.rendered[group] = emails.render_email(
                "notifications/immediate",
                {
                    "summary": summary, "thread": thread, "community": thread.community,
                    "link": emails.absolute(link), "list_name": list_name,
                    # the link with a slot for each member's own token
                    "unsubscribe_url": self.unsubscribe_prefix,
                },
                user=placeholder,
            )
        token = tokens.unsubscribe_token(user.pk, list_name, signer=self.signer)
        name = user.public_name
        subject, text, html = (part.replace(emails._SLOT, token)  # noqa: SLF001
                               for part in self.rendered[group])
        row.subject = subject.replace(_NAME_SLOT, name)
        row.text = text.replace(_NAME_SLOT, name)
        row.html = html.replace(_NAME_SLOT, escape(name))
        row.headers = emails.list_headers(
            user_id=user.pk, list_name=list_name, dedupe_key=row.dedupe_key,
            unsubscribe=self.unsubscribe_prefix.replace(emails._SLOT, token))  # noqa: SLF001
