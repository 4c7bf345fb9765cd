"""Receivers of the forum's signals (community.signals, sent on commit), connected in
api/apps.py: each queues webhook deliveries (rows), sent by a task after their commit."""

from __future__ import annotations

import functools
import logging

from community import signals

from . import events

logger = logging.getLogger(__name__)


def _safely(receiver):
    """A webhook that cannot be queued must not stop the signal's other receivers (they run
    in the same send): the failure is logged instead."""
    @functools.wraps(receiver)
    def wrapper(*args, **kwargs):
        try:
            receiver(*args, **kwargs)
        except Exception:  # noqa: BLE001
            logger.exception("webhook events not queued by %s", receiver.__name__)
    return wrapper


@_safely
def on_post_published(sender, post, **kwargs):
    if post.is_first:
        events.thread_created(post.thread)
    events.post_published(post)
    if post.is_clinician_answer:
        events.question_answered(post)


@_safely
def on_member_joined(sender, membership, **kwargs):
    events.member_joined(membership)


@_safely
def on_crisis_escalated(sender, item, escalated=False, **kwargs):
    events.crisis_escalated(item, escalated=escalated)


def connect() -> None:
    # A thread is announced when its first post is published (not while screening holds it).
    signals.post_published.connect(on_post_published, dispatch_uid="api.post")
    signals.member_joined.connect(on_member_joined, dispatch_uid="api.joined")
    from moderation.signals import crisis_escalated

    crisis_escalated.connect(on_crisis_escalated, dispatch_uid="api.crisis")
