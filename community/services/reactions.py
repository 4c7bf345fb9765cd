"""Reactions, follows, bookmarks, answer votes and accepted answers, read positions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from hearth.lib.signals import send_on_commit

from .. import live, permissions, signals
from ..models import (
    AnswerVote,
    Bookmark,
    Post,
    Reaction,
    Thread,
    ThreadFollow,
)
from .base import PostingNotAllowed

_COUNTERS = {
    Reaction.Kind.HELPFUL: "helpful_count",
    Reaction.Kind.SUPPORT: "support_count",
    Reaction.Kind.THANKS: "thanks_count",
}


def reaction_toggle(*, user: User, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if it was there. Returns whether it is now on."""
    if not permissions.can_view_post(user, post):
        raise Http404
    if kind not in _COUNTERS:
        raise ValidationError(_("Unknown reaction."))
    if not permissions.can_react(user, post):
        raise PostingNotAllowed(_("Join this community to react to posts."))
    counter = _COUNTERS[kind]
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(user=user, post=post, kind=kind).delete()
        if deleted:
            Post.objects.filter(pk=post.pk).update(
                **{counter: F(counter) - 1}, version=F("version") + 1)
            Thread.objects.filter(pk=post.thread_id).update(reaction_count=F("reaction_count") - 1)
            now_on = False
        else:
            try:
                with transaction.atomic():
                    reaction = Reaction.objects.create(user=user, post=post, kind=kind)
            except IntegrityError:  # a double click raced us: it is on
                return True
            Post.objects.filter(pk=post.pk).update(
                **{counter: F(counter) + 1}, version=F("version") + 1)
            Thread.objects.filter(pk=post.thread_id).update(reaction_count=F("reaction_count") + 1)
            send_on_commit(signals.reaction_added, sender=Reaction, reaction=reaction)
            now_on = True
        post.refresh_from_db(fields=[*_COUNTERS.values(), "version"])
        live.reactions_on_commit(post)
    return now_on


def _toggle(model, **row) -> bool:
    """Take the row away if it is there, else add it. Returns whether it is now there."""
    deleted, _rows = model.objects.filter(**row).delete()
    if deleted:
        return False
    model.objects.get_or_create(**row)
    return True


def thread_follow_toggle(*, user: User, thread: Thread) -> bool:
    if not permissions.can_view_thread(user, thread) or not user.is_authenticated:
        raise Http404
    return _toggle(ThreadFollow, user=user, thread=thread)


def thread_follow(*, user: User, thread: Thread) -> None:
    """Follow the thread (idempotent): a member who replied and lets replying follow."""
    if not permissions.can_view_thread(user, thread) or not user.is_authenticated:
        return
    ThreadFollow.objects.get_or_create(thread=thread, user=user)


def bookmark_toggle(*, user: User, post: Post) -> bool:
    if not permissions.can_view_post(user, post) or not user.is_authenticated:
        raise Http404
    return _toggle(Bookmark, user=user, post=post)


def answer_vote(*, user: User, post: Post, helped: bool, now=None) -> AnswerVote:
    """"Did this answer help?": record the member's vote, or change it (one per member and
    post). Private: only totals are ever shown."""
    if not permissions.can_view_post(user, post):
        raise Http404
    if not permissions.can_vote_answer_helped(user, post):
        raise PostingNotAllowed(_("Only answers from a clinician, or accepted answers, ask "
                                  "whether they helped, and not their author."))
    now = now or timezone.now()
    with transaction.atomic():
        vote, created = AnswerVote.objects.get_or_create(
            user=user, post=post, defaults={"helped": helped, "created_at": now,
                                            "updated_at": now})
        if not created and vote.helped != helped:
            vote.helped, vote.updated_at = helped, now
            vote.save(update_fields=["helped", "updated_at"])
    return vote


def post_accept(*, user: User, post: Post) -> Thread:
    thread = post.thread
    if not permissions.can_view_post(user, post):
        raise Http404
    if not permissions.can_accept_answer(user, thread):
        raise PostingNotAllowed(
            _("Only the person who asked or a verified clinician can accept an answer.")
        )
    if not permissions.can_accept_post(user, post):
        raise PostingNotAllowed(_("You can't accept your own reply as the answer."))
    if post.is_first or not permissions.post_is_public(post):
        raise ValidationError(_("Only a published reply can be the accepted answer."))
    with transaction.atomic():
        thread.accepted_post = None if thread.accepted_post_id == post.pk else post
        thread.save(update_fields=["accepted_post"])
        if thread.accepted_post_id:
            send_on_commit(signals.answer_accepted, sender=Thread, thread=thread, post=post,
                           by=user)
        live.thread_state_on_commit(thread)
    return thread
