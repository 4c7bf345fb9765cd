"""Receivers of what the forum and moderation announce (their signals.py, each sent on
commit). Neither imports this module; notifications/apps.py connects it."""

from __future__ import annotations

import logging

from community import signals
from moderation.signals import clinician_decided, moderation_decided

from . import services

logger = logging.getLogger(__name__)


def _enqueue(task, *args) -> None:
    """Queue the fan-out; if the broker is down, do it here rather than lose it."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001
        logger.warning("%s not queued; running it in place", task.name)
        task(*args)


def on_post_published(sender, post, **kwargs):
    from .tasks import notifications_for_post

    _enqueue(notifications_for_post, post.pk)


def on_post_submitted(sender, post, **kwargs):
    """A member replied (a new reply, not an edit): they follow the thread, as Discourse
    does, unless they turned "Follow discussions I reply to" off."""
    from community import services as forum

    if post.is_first or post.edited_at is not None or post.author is None:
        return
    if services.settings_for(post.author).follow_on_reply:
        forum.thread_follow(user=post.author, thread=post.thread)


def on_reaction_added(sender, reaction, **kwargs):
    from .tasks import notifications_for_reaction

    _enqueue(notifications_for_reaction, reaction.pk)


def on_answer_accepted(sender, thread, post, by=None, **kwargs):
    from .tasks import notifications_for_accepted

    _enqueue(notifications_for_accepted, post.pk, getattr(by, "pk", None))


def on_clinician_decided(sender, profile, decision="", **kwargs):
    """moderation.signals.clinician_decided, sent on commit by moderation.clinicians."""
    services.notify(
        profile.user, services.Kind.CLINICIAN_DECIDED, detail=str(decision or profile.status),
        message=profile.decision_reason or "",
        key=f"clinician:{profile.pk}:{profile.status}:"
            f"{profile.decided_at.isoformat() if profile.decided_at else ''}",
    )


def on_moderation_decided(sender, member, detail, text="", post=None, **kwargs):
    """moderation.signals.moderation_decided, sent on commit by moderation."""
    from django.utils import timezone

    target = f"post:{post.pk}" if post is not None else "account"
    services.notify(member, services.Kind.MODERATION, post=post, detail=detail, message=text,
                    key=f"moderation:{target}:{detail}:{timezone.now().isoformat()}")


def connect() -> None:
    signals.post_published.connect(on_post_published, dispatch_uid="notifications.post")
    signals.post_submitted.connect(on_post_submitted, dispatch_uid="notifications.replied")
    signals.reaction_added.connect(on_reaction_added, dispatch_uid="notifications.reaction")
    signals.answer_accepted.connect(on_answer_accepted, dispatch_uid="notifications.accepted")
    moderation_decided.connect(on_moderation_decided, dispatch_uid="notifications.moderation")
    clinician_decided.connect(on_clinician_decided, dispatch_uid="notifications.clinician")
