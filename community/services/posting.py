"""Starting threads and replying, screening outcomes, editing, hiding and removing posts,
and the thread flags moderators set.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import (
    is_in_good_standing,
    is_new_member,
    is_verified_clinician,
)
from hearth.lib.signals import send_on_commit

from .. import live, permissions, signals
from ..markdown import mentioned_names, render_markdown
from ..models import (
    Community,
    Draft,
    Membership,
    Post,
    PostRevision,
    Thread,
    ThreadFollow,
)
from ..search import search_vector_update
from .base import BODY_MAX, TITLE_MAX, PostingNotAllowed, RateLimited, _body_digest


def _check_text(*, body: str, title: str | None = None) -> tuple[str, str | None]:
    errors = {}
    body = (body or "").strip()
    if not body:
        errors["body"] = _("Write something before you post.")
    elif len(body) > BODY_MAX:
        errors["body"] = _("Posts can be at most %(max)s characters; yours has %(n)s.") % {
            "max": f"{BODY_MAX:,}", "n": f"{len(body):,}"}
    if title is not None:
        title = title.strip()
        if not title:
            errors["title"] = _("Give your post a title.")
        elif len(title) > TITLE_MAX:
            errors["title"] = _("Titles can be at most %(max)s characters.") % {"max": TITLE_MAX}
    if errors:
        raise ValidationError(errors)
    return body, title


def _check_rate(user: User, community: Community) -> None:
    limits = settings.HEARTH_POST_RATE_LIMITS
    count, window = limits["new" if is_new_member(user) else "member"]
    key = f"rate:post:{user.pk}"
    try:
        added = cache.add(key, 0, timeout=window)
        used = cache.incr(key)
    except Exception:  # noqa: BLE001 - Redis down: posting still works (database is the truth)
        return
    del added
    if used > count:
        raise RateLimited(
            _("You're posting quickly. Please wait a minute and try again; your text is kept.")
        )
    slow = getattr(community, "slow_mode_seconds", 0)
    if slow:
        slow_key = f"rate:slow:{community.pk}:{user.pk}"
        try:
            if not cache.add(slow_key, 1, timeout=slow):
                raise RateLimited(
                    _("This community allows one post every %(n)s seconds.") % {"n": slow}
                )
        except RateLimited:
            raise
        except Exception:  # noqa: BLE001
            return


def _check_duplicate(user: User, body: str) -> None:
    since = timezone.now() - timedelta(hours=24)
    recent = Post.objects.filter(author=user, created_at__gte=since).exclude(
        status=Post.Status.DELETED
    ).values_list("body", flat=True)[:50]
    digest = _body_digest(body)
    if any(_body_digest(text) == digest for text in recent):
        raise ValidationError(
            {"body": _("You already posted this text. Try adding something new.")}
        )


def _mentionable(community: Community, body: str) -> list[str]:
    """The @names in the text that belong to members of the community (one query)."""
    names = mentioned_names(body)
    if not names:
        return []
    return list(
        User.objects.annotate(lname=Lower("username"))
        .filter(
            lname__in=names,
            memberships__community=community,
            memberships__status=Membership.Status.ACTIVE,
        )
        .values_list("username", flat=True)
    )


def _new_post(*, thread: Thread, author: User, body: str, anonymous: bool) -> Post:
    Thread.objects.filter(pk=thread.pk).update(last_position=F("last_position") + 1)
    position = Thread.objects.values_list("last_position", flat=True).get(pk=thread.pk)
    return Post.objects.create(
        thread=thread,
        author=author,
        position=position,
        body=body,
        body_html=render_markdown(body, mentionable=_mentionable(thread.community, body)),
        is_anonymous=anonymous,
        is_clinician_answer=thread.is_question and position > 1 and is_verified_clinician(author),
    )


def thread_create(
    *, author: User, community: Community, title: str, body: str, kind: str = "discussion",
    anonymous: bool = False,
) -> Thread:
    if not permissions.can_post_in(author, community):
        if not permissions.can_view_community(author, community):
            raise Http404
        raise PostingNotAllowed(_("Join this community to start a discussion."))
    if kind not in Thread.Kind.values:
        raise ValidationError({"kind": _("Choose a discussion or a question.")})
    if anonymous and not community.allow_anonymous:
        raise ValidationError({"anonymous": _("This community does not allow anonymous posts.")})
    body, title = _check_text(body=body, title=title)
    _check_duplicate(author, body)
    _check_rate(author, community)
    with transaction.atomic():
        thread = Thread.objects.create(
            community=community, author=author, title=title, kind=kind,
            is_anonymous=anonymous, status=Thread.Status.HELD,
        )
        thread.community = community
        post = _new_post(thread=thread, author=author, body=body, anonymous=anonymous)
        ThreadFollow.objects.get_or_create(thread=thread, user=author)
        Draft.objects.filter(user=author, community=community, thread=None).delete()
        send_on_commit(signals.post_submitted, sender=Post, post=post)
    return thread


def post_reply(*, author: User, thread: Thread, body: str, anonymous: bool = False) -> Post:
    if not permissions.can_view_thread(author, thread):
        raise Http404
    if thread.is_locked:
        raise PostingNotAllowed(_("This discussion is locked: new replies are closed."))
    if not permissions.can_reply(author, thread):
        if not is_in_good_standing(author):
            raise PostingNotAllowed(_("Your account can't post right now."))
        raise PostingNotAllowed(_("Join this community to reply."))
    if anonymous and not thread.community.allow_anonymous:
        raise ValidationError({"anonymous": _("This community does not allow anonymous posts.")})
    body, _title = _check_text(body=body)
    _check_duplicate(author, body)
    _check_rate(author, thread.community)
    with transaction.atomic():
        post = _new_post(thread=thread, author=author, body=body, anonymous=anonymous)
        Draft.objects.filter(user=author, thread=thread).delete()
        # Following the thread is the member's choice (notifications' "Follow discussions I
        # reply to"): its receiver of post_submitted follows it for them.
        send_on_commit(signals.post_submitted, sender=Post, post=post)
    return post


def post_screened(*, post: Post, held: bool, flagged: bool = False, reason: str = "") -> Post:
    """Screening finished: publish the post, or hold it for a moderator. Idempotent."""
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread__community").get(
            pk=post.pk
        )
        if post.screening != Post.Screening.PENDING:
            return post
        if held:
            post.screening = Post.Screening.HELD
            post.status = Post.Status.HELD
            post.hidden_reason = reason[:300]
            post.save(update_fields=["screening", "status", "hidden_reason"])
            live.post_held_on_commit(post)
            return post
        post.screening = Post.Screening.FLAGGED if flagged else Post.Screening.CLEAN
        post.save(update_fields=["screening"])
        if post.status == Post.Status.PUBLISHED:
            _publish(post)
    return post


def post_approve(*, post: Post) -> Post:
    """A moderator let a held post through (the moderation service checks who may)."""
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread__community").get(
            pk=post.pk
        )
        if post.status != Post.Status.HELD and post.screening != Post.Screening.HELD:
            return post
        post.status = Post.Status.PUBLISHED
        post.screening = Post.Screening.CLEAN
        post.hidden_reason = ""
        post.save(update_fields=["status", "screening", "hidden_reason"])
        _publish(post)
    return post


def _publish(post: Post) -> None:
    """A post became public. The first time, count it and announce it (live event, signal for
    notifications); after an edit was screened, show the new words. Inside a transaction."""
    if post.published_at is not None:  # back after an edit was screened (or held, approved)
        if not post.is_first:
            Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") + 1)
        search_vector_update(post.pk)
        live.post_edited_on_commit(post)
        return
    now = timezone.now()
    post.published_at = now
    Post.objects.filter(pk=post.pk).update(published_at=now, version=F("version") + 1)
    thread = Thread.objects.select_for_update().get(pk=post.thread_id)
    updates = {"last_activity_at": now}
    if post.is_first:
        updates["status"] = Thread.Status.PUBLISHED
        Community.objects.filter(pk=thread.community_id).update(
            thread_count=F("thread_count") + 1, last_activity_at=now
        )
    else:
        updates["reply_count"] = F("reply_count") + 1
        if thread.first_reply_at is None:
            updates["first_reply_at"] = post.created_at
        if post.is_clinician_answer:
            updates["clinician_answer_count"] = F("clinician_answer_count") + 1
            if thread.first_clinician_answer_at is None:
                updates["first_clinician_answer_at"] = post.created_at
        Community.objects.filter(pk=thread.community_id).update(last_activity_at=now)
    Thread.objects.filter(pk=thread.pk).update(**updates)
    post.thread.refresh_from_db()
    search_vector_update(post.pk)
    live.post_published_on_commit(post)
    send_on_commit(signals.post_published, sender=Post, post=post)


def post_edit(*, editor: User, post: Post, body: str) -> Post:
    if not permissions.can_view_post(editor, post):
        raise Http404
    if not permissions.can_edit_post(editor, post):
        raise PostingNotAllowed(_("You can only edit your own posts."))
    body, _title = _check_text(body=body)
    if body == post.body:
        return post
    with transaction.atomic():
        PostRevision.objects.create(post=post, editor=editor, body=post.body)
        post.body = body
        post.body_html = render_markdown(
            body, mentionable=_mentionable(post.thread.community, body)
        )
        post.edited_at = timezone.now()
        was_public = permissions.post_is_public(post)
        moderator_edit = editor.pk != post.author_id
        if not moderator_edit:
            post.screening = Post.Screening.PENDING
        post.save(update_fields=["body", "body_html", "edited_at", "screening"])
        if was_public and moderator_edit:
            live.post_edited_on_commit(post)
        if not moderator_edit:
            if was_public:
                if not post.is_first:  # counted again when it is public again (_publish)
                    Thread.objects.filter(pk=post.thread_id).update(
                        reply_count=F("reply_count") - 1)
                live.post_removed_on_commit(post)
            send_on_commit(signals.post_submitted, sender=Post, post=post)
    return post


def post_body_replace(*, post: Post, body: str, editor: User | None = None) -> Post:
    """Moderation changed the words (watched-word replacement, redaction): keep a revision
    when a person did it, re-render, and update open pages."""
    with transaction.atomic():
        if editor is not None:
            PostRevision.objects.create(post=post, editor=editor, body=post.body)
            post.edited_at = timezone.now()
        post.body = body
        post.body_html = render_markdown(
            body, mentionable=_mentionable(post.thread.community, body)
        )
        post.save(update_fields=["body", "body_html", "edited_at"])
        if permissions.post_is_public(post):
            live.post_edited_on_commit(post)
    return post


def post_delete(*, user: User, post: Post) -> Post:
    if not permissions.can_view_post(user, post):
        raise Http404
    if not permissions.can_delete_post(user, post):
        raise PostingNotAllowed(_("You can only delete your own posts."))
    with transaction.atomic():
        was_public = permissions.post_is_public(post)
        post.status = Post.Status.DELETED
        post.save(update_fields=["status"])
        if post.is_first:
            Thread.objects.filter(pk=post.thread_id).update(status=Thread.Status.DELETED)
        elif was_public:
            Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") - 1)
        if was_public:
            live.post_removed_on_commit(post)
    return post


def post_hide(*, post: Post, reason: str) -> Post:
    """Hidden by a moderator (moderation.services checks who may and writes the audit row)."""
    with transaction.atomic():
        was_public = permissions.post_is_public(post)
        post.status = Post.Status.HIDDEN
        post.hidden_reason = reason[:300]
        post.save(update_fields=["status", "hidden_reason"])
        if post.is_first:
            Thread.objects.filter(pk=post.thread_id).update(status=Thread.Status.HIDDEN)
        elif was_public:
            Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") - 1)
        if was_public:
            live.post_removed_on_commit(post)
    return post


def post_restore(*, post: Post) -> Post:
    with transaction.atomic():
        post.status = Post.Status.PUBLISHED
        post.hidden_reason = ""
        post.save(update_fields=["status", "hidden_reason"])
        if post.is_first:
            Thread.objects.filter(pk=post.thread_id).update(status=Thread.Status.PUBLISHED)
        elif permissions.post_is_public(post):
            Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") + 1)
        if permissions.post_is_public(post):
            live.post_published_on_commit(post)
    return post


def thread_set_flags(*, thread: Thread, pinned: bool | None = None, locked: bool | None = None):
    fields = []
    if pinned is not None:
        thread.is_pinned = pinned
        fields.append("is_pinned")
    if locked is not None:
        thread.is_locked = locked
        fields.append("is_locked")
    with transaction.atomic():
        thread.save(update_fields=fields)
        live.thread_state_on_commit(thread)
    return thread


def thread_mark_crisis(*, thread: Thread) -> None:
    """Keep a thread with a crisis post out of digests (its readers still see it)."""
    Thread.objects.filter(pk=thread.pk).update(is_crisis=True)


def thread_move(*, thread: Thread, to: Community) -> Thread:
    with transaction.atomic():
        old = thread.community_id
        thread.community = to
        thread.save(update_fields=["community"])
        if thread.status == Thread.Status.PUBLISHED:
            Community.objects.filter(pk=old).update(thread_count=F("thread_count") - 1)
            Community.objects.filter(pk=to.pk).update(thread_count=F("thread_count") + 1)
        live.thread_state_on_commit(thread)
    return thread
