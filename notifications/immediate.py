"""Immediate emails: a reply or a mention, per the member's settings, at most one per thread
every 15 minutes, written to the outbox in the fan-out's transaction."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import User

from . import emails, outbox, tokens
from .models import Notification, NotificationSettings, Outbox
from .presenters import notification_text
from .selectors import eligible_for_email, settings_for

Kind = Notification.Kind
IMMEDIATE_WINDOW = timedelta(minutes=15)


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


def queue(notifications: list[Notification]) -> list[Outbox]:
    """The emails these notifications call for, in the outbox; sent by a task after commit."""
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
    rows = outbox.insert([_row(user, notification, key, rendered)
                          for user, notification, key in planned if key not in sent])
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


def _row(user: User, notification: Notification, dedupe_key: str,
         rendered: dict | None = None) -> Outbox:
    """The member's email about a reply or a mention. Members who get the same words (same
    language, post and summary) share one rendering (CSS inlining is the slow part), with
    their name and unsubscribe link put in afterwards."""
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
