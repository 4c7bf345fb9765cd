"""Notification sentences, in words a patient understands (used by the page and emails)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import is_verified_clinician

from .models import Notification
from .permissions import may_name_actor

Kind = Notification.Kind


def actor_name(notification: Notification, viewer) -> str:
    """Who did it, or "Someone": never the author of an anonymous post to a reader who may
    not see it (notifications.permissions.may_name_actor, the forum's rule)."""
    actor = notification.actor
    if actor is None or not may_name_actor(
            viewer, thread=notification.thread if notification.thread_id else None,
            post=notification.post if notification.post_id else None):
        return _("Someone")
    if is_verified_clinician(actor):  # the badge goes with the name, in the list and emails
        return _("%(name)s (verified clinician)") % {"name": actor.public_name}
    return actor.public_name


def _actor_shown(notification: Notification, viewer) -> bool:
    return actor_name(notification, viewer) != _("Someone")


def group_text(notifications: list[Notification], *, viewer) -> str:
    """One line of the list for several replies or mentions in one discussion, newest first:
    "maria and 2 others replied to your discussion “…”". Each person is counted once; each
    anonymous reply counts as someone else."""
    latest = notifications[0]
    people = {("member", n.actor_id) if _actor_shown(n, viewer) else ("someone", n.pk)
              for n in notifications}
    others = len(people) - 1
    if others < 1:
        return notification_text(latest, viewer=viewer)
    values = {"who": actor_name(latest, viewer), "n": others,
              "title": latest.thread.title if latest.thread_id else ""}
    if latest.kind == Kind.REPLY:
        return ngettext("%(who)s and %(n)s other replied to your discussion “%(title)s”.",
                        "%(who)s and %(n)s others replied to your discussion “%(title)s”.",
                        others) % values
    if latest.kind == Kind.FOLLOWED_REPLY:
        return ngettext(
            "%(who)s and %(n)s other replied in “%(title)s”, a discussion you follow.",
            "%(who)s and %(n)s others replied in “%(title)s”, a discussion you follow.",
            others) % values
    if latest.kind == Kind.MENTION:
        return ngettext("%(who)s and %(n)s other mentioned you in “%(title)s”.",
                        "%(who)s and %(n)s others mentioned you in “%(title)s”.",
                        others) % values
    return notification_text(latest, viewer=viewer)


def notification_text(notification: Notification, *, viewer) -> str:
    n = notification
    title = n.thread.title if n.thread_id else ""
    who = actor_name(n, viewer)
    values = {"who": who, "title": title, "n": n.count}
    if n.kind == Kind.REPLY:
        return _("%(who)s replied to your discussion “%(title)s”.") % values
    if n.kind == Kind.FOLLOWED_REPLY:
        return _("%(who)s replied in “%(title)s”, a discussion you follow.") % values
    if n.kind == Kind.MENTION:
        return _("%(who)s mentioned you in “%(title)s”.") % values
    if n.kind == Kind.CLINICIAN_ANSWER:
        return _("A verified clinician answered your question “%(title)s”.") % values
    if n.kind == Kind.ANSWER_ACCEPTED:
        return _("Your reply in “%(title)s” was marked as the answer.") % values
    if n.kind == Kind.REACTIONS:
        return _reactions(n, values)
    if n.kind == Kind.MODERATION:
        return _moderation(n, values)
    if n.kind == Kind.CLINICIAN_DECIDED:
        return _clinician(n)
    return _("You have a new notification.")


def _reactions(n: Notification, values: dict) -> str:
    if n.detail == "support":
        return ngettext(
            "%(n)s person sent support for your post in “%(title)s”.",
            "%(n)s people sent support for your post in “%(title)s”.", n.count) % values
    if n.detail == "thanks":
        return ngettext(
            "%(n)s person thanked you for your post in “%(title)s”.",
            "%(n)s people thanked you for your post in “%(title)s”.", n.count) % values
    return ngettext(
        "%(n)s person found your post in “%(title)s” helpful.",
        "%(n)s people found your post in “%(title)s” helpful.", n.count) % values


def _moderation(n: Notification, values: dict) -> str:
    where = bool(values["title"])
    texts = {
        "hidden": (_("A moderator hid your post in “%(title)s”.") if where
                   else _("A moderator hid one of your posts.")),
        "restored": (_("A moderator restored your post in “%(title)s”.") if where
                     else _("A moderator restored one of your posts.")),
        "approved": (_("Your post in “%(title)s” was checked and is now visible.") if where
                     else _("Your post was checked and is now visible.")),
        "edited": (_("A moderator edited your post in “%(title)s”.") if where
                   else _("A moderator edited one of your posts.")),
        "rejected": (_("Your post in “%(title)s” was not published.") if where
                     else _("One of your posts was not published.")),
        "warned": _("A moderator sent you a warning."),
        "suspended": _("Your account can't post for a while."),
    }
    text = texts.get(n.detail, _("A moderator reviewed your post.")) % values
    return text


def _clinician(n: Notification) -> str:
    if n.detail in ("approve", "verified"):
        return _("Your clinician application was approved. Your answers now show a verified "
                 "badge.")
    if n.detail in ("revoke", "revoked"):
        return _("Your clinician verification was withdrawn.")
    return _("Your clinician application was not approved.")


def notification_target(notification: Notification) -> str | None:
    if notification.post_id:
        return notification.post.get_absolute_url()
    if notification.thread_id:
        return notification.thread.get_absolute_url()
    return None
