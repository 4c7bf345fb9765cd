"""Immediate emails: a reply or a mention, per the member's settings, at most one per thread
every 15 minutes, written to the outbox in the fan-out's transaction."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import User
from community.models import Post

from . import emails, outbox, tokens
from .models import Notification, NotificationSettings, Outbox
from .presenters import notification_text
from .selectors import eligible_for_email, settings_for

Kind = Notification.Kind
IMMEDIATE_WINDOW = timedelta(minutes=15)
LOOK_BACK = timedelta(days=2)  # a post's emails made earlier than this are not looked up


def _email_allowed(kind: str, prefs: NotificationSettings) -> bool:
    if kind == Kind.MENTION:
        return prefs.email_mentions
    return prefs.email_replies


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


def queue_one(notification: Notification) -> Outbox | None:
    return (queue([notification]) or [None])[0]


def queue(notifications: list[Notification], *, post: Post | None = None) -> list[Outbox]:
    """The emails these notifications call for, in the outbox; sent by a task after commit.

    A fixed number of queries whatever the number of members: who may be emailed, and the
    emails already made to them about these threads in the window or, for the fan-out of
    `post`, since it was published (at most LOOK_BACK)."""
    wanted = {n.recipient_id: n for n in notifications if n.thread_id}
    if not wanted:
        return []
    eligible = set(eligible_for_email(User.objects.filter(pk__in=list(wanted)))
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
        _startswith_any("dedupe_key", prefixes), recipient_id__in=list(wanted),
        created_at__gte=earliest, kind__in=[Outbox.Kind.REPLY, Outbox.Kind.MENTION],
    ).values_list("recipient_id", "dedupe_key", "created_at"):
        taken.add(key)
        if created_at >= window:
            recent.add((user_id, key.split(":", 2)[1]))
    planned = []
    for user_id, notification in wanted.items():
        user = notification.recipient
        if user_id not in eligible or not _email_allowed(notification.kind, settings_for(user)):
            continue
        if (user_id, str(notification.thread_id)) in recent:
            continue
        key = f"thread:{notification.thread_id}:{user_id}:" \
              f"{notification.post_id or notification.pk}"
        if key not in taken:  # an older one is caught by the key's unique index
            planned.append((emails.member_language(user), user, notification, key))
    rows = []
    writer = _Writer()
    # By language: one switch of language for all who read it, not one per member.
    for language, group in itertools.groupby(sorted(planned, key=lambda p: p[0]),
                                             key=lambda p: p[0]):
        with translation.override(language):
            rows += [writer.row(user, notification, key, language)
                     for _language, user, notification, key in group]
    rows = outbox.insert(rows)
    outbox.send_after_commit([row.pk for row in rows])
    return rows


def _startswith_any(field: str, prefixes: set[str]) -> Q:
    condition = Q()
    for prefix in sorted(prefixes):
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


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

    def row(self, user: User, notification: Notification, dedupe_key: str,
            language: str) -> Outbox:
        """The member's email (in `language`, which is active)."""
        kind = Outbox.Kind.MENTION if notification.kind == Kind.MENTION else Outbox.Kind.REPLY
        list_name = "mentions" if kind == Outbox.Kind.MENTION else "replies"
        thread = notification.thread
        link = self.links.get((notification.post_id, notification.thread_id))
        if link is None:
            link = reverse("community:post", kwargs={"pk": notification.post_id}) \
                if notification.post_id else thread.get_absolute_url()
            self.links[(notification.post_id, notification.thread_id)] = link
        summary = notification_text(notification, viewer=user)
        group = (language, kind, link, summary)
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
        return Outbox(
            recipient=user, kind=kind, dedupe_key=dedupe_key,
            subject=subject.replace(_NAME_SLOT, name), text=text.replace(_NAME_SLOT, name),
            html=html.replace(_NAME_SLOT, escape(name)),
            headers=emails.list_headers(
                user_id=user.pk, list_name=list_name, dedupe_key=dedupe_key,
                unsubscribe=self.unsubscribe_prefix.replace(emails._SLOT, token)),  # noqa: SLF001
        )
