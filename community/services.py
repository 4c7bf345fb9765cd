"""Every write to the forum. Views and tasks call these; each validates, writes in one
transaction and defers side effects (signals, live events) to on_commit.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest, Lower
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import (
    can_read_as_member,
    is_in_good_standing,
    is_new_member,
    is_verified_clinician,
)

from . import live, permissions, signals
from .markdown import mentioned_names, render_markdown
from .models import (
    AnswerVote,
    Bookmark,
    Community,
    Draft,
    Membership,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadFollow,
    ThreadRead,
)
from .search import search_vector_update

TITLE_MAX = 200
BODY_MAX = 20000


class RateLimited(Exception):
    """Too many posts in a short time; the message says when to try again."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PostingNotAllowed(PermissionDenied):
    """The member can see the thread but may not write here now (locked, not joined...)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _send_on_commit(signal, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send(sender=Post, **kwargs), robust=True)


# --- Communities --------------------------------------------------------------------------


def community_join(*, user: User, community: Community) -> Membership:
    if not can_read_as_member(user):
        raise PermissionDenied
    status = (
        Membership.Status.PENDING if community.is_private else Membership.Status.ACTIVE
    )
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, community=community, defaults={"status": status}
        )
        if created and status == Membership.Status.ACTIVE:
            Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
            transaction.on_commit(
                lambda: signals.member_joined.send(sender=Membership, membership=membership),
                robust=True,
            )
    permissions.forget_memberships(user)
    return membership


def membership_approve(*, moderator: User, membership: Membership) -> Membership:
    if not permissions.can_moderate_community(moderator, membership.community):
        raise Http404
    with transaction.atomic():
        updated = Membership.objects.filter(
            pk=membership.pk, status=Membership.Status.PENDING
        ).update(status=Membership.Status.ACTIVE, joined_at=timezone.now())
        if updated:
            Community.objects.filter(pk=membership.community_id).update(
                member_count=F("member_count") + 1
            )
            membership.status = Membership.Status.ACTIVE
            transaction.on_commit(
                lambda: signals.member_joined.send(sender=Membership, membership=membership),
                robust=True,
            )
    return membership


def membership_decline(*, moderator: User, membership: Membership) -> None:
    if not permissions.can_moderate_community(moderator, membership.community):
        raise Http404
    Membership.objects.filter(pk=membership.pk, status=Membership.Status.PENDING).delete()


def community_leave(*, user: User, community: Community) -> None:
    with transaction.atomic():
        membership = Membership.objects.filter(user=user, community=community).first()
        if membership is None:
            return
        was_active = membership.status == Membership.Status.ACTIVE
        membership.delete()
        if was_active:
            Community.objects.filter(pk=community.pk).update(member_count=F("member_count") - 1)
    permissions.forget_memberships(user)
    live.recheck_member_sockets_on_commit(user_id=user.pk)


def membership_set_level(*, user: User, community: Community, level: str) -> Membership:
    if level not in Membership.Level.values:
        raise ValidationError(_("Choose watching, normal or muted."))
    membership = permissions.active_membership(user, community)
    if membership is None:
        raise Http404
    membership.level = level
    membership.save(update_fields=["level"])
    return membership


# --- Posting --------------------------------------------------------------------------------


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


def _body_digest(body: str) -> str:
    return hashlib.sha256(" ".join(body.split()).lower().encode()).hexdigest()


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
        _send_on_commit(signals.post_submitted, post=post)
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
        _send_on_commit(signals.post_submitted, post=post)
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
    Post.objects.filter(pk=post.pk).update(published_at=now)
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
    _send_on_commit(signals.post_published, post=post)


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
            _send_on_commit(signals.post_submitted, post=post)
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


# --- Reactions, follows, bookmarks, answers, reads --------------------------------------------

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
            Post.objects.filter(pk=post.pk).update(**{counter: F(counter) - 1})
            Thread.objects.filter(pk=post.thread_id).update(reaction_count=F("reaction_count") - 1)
            now_on = False
        else:
            try:
                with transaction.atomic():
                    reaction = Reaction.objects.create(user=user, post=post, kind=kind)
            except IntegrityError:  # a double click raced us: it is on
                return True
            Post.objects.filter(pk=post.pk).update(**{counter: F(counter) + 1})
            Thread.objects.filter(pk=post.thread_id).update(reaction_count=F("reaction_count") + 1)
            transaction.on_commit(
                lambda: signals.reaction_added.send(sender=Reaction, reaction=reaction),
                robust=True,
            )
            now_on = True
        post.refresh_from_db(fields=list(_COUNTERS.values()))
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
            transaction.on_commit(
                lambda: signals.answer_accepted.send(
                    sender=Thread, thread=thread, post=post, by=user
                ),
                robust=True,
            )
        live.thread_state_on_commit(thread)
    return thread


def thread_mark_read(*, user: User, thread: Thread, position: int) -> None:
    """Remember how far the member has read (one UPDATE; an INSERT the first time)."""
    if not user.is_authenticated:
        return
    now = timezone.now()
    updated = ThreadRead.objects.filter(user=user, thread=thread).update(
        last_read_position=Greatest(F("last_read_position"), position),
        last_visit_at=now,
    )
    if not updated:
        ThreadRead.objects.bulk_create(
            [ThreadRead(user=user, thread=thread, last_read_position=position,
                        last_visit_at=now)],
            ignore_conflicts=True,
        )


# --- Drafts -----------------------------------------------------------------------------------

DRAFT_RATE = (40, 60)  # saves per member per window (seconds): the composer saves on pauses


def _check_draft_rate(user: User) -> None:
    count, window = DRAFT_RATE
    key = f"rate:draft:{user.pk}"
    try:
        cache.add(key, 0, timeout=window)
        used = cache.incr(key)
    except Exception:  # noqa: BLE001 - Redis down: keep the draft (the database is the truth)
        return
    if used > count:
        raise RateLimited(_("Your draft is saved less often when you type this fast."))


def _draft_target(*, user: User, thread: Thread | None, community: Community | None) -> dict:
    if thread is not None:
        if not permissions.can_view_thread(user, thread):
            raise Http404
        if not permissions.can_keep_reply_draft(user, thread):
            raise PostingNotAllowed(_("Join this community to reply."))
        return {"thread": thread, "community": None}
    if community is None or not permissions.can_view_community(user, community):
        raise Http404
    if not permissions.can_keep_thread_draft(user, community):
        raise PostingNotAllowed(_("Join this community to start a discussion."))
    return {"thread": None, "community": community}


def _just_posted(user: User, thread: Thread, body: str) -> bool:
    """The composer's last save can arrive after the reply it belongs to was posted."""
    since = timezone.now() - timedelta(minutes=2)
    recent = Post.objects.filter(author=user, thread=thread, created_at__gte=since).values_list(
        "body", flat=True).order_by("-position")[:3]
    digest = _body_digest(body)
    return any(_body_digest(text) == digest for text in recent)


def draft_save(
    *, user: User, body: str, title: str = "", thread: Thread | None = None,
    community: Community | None = None,
) -> Draft | None:
    """Keep the member's unfinished reply (thread) or new thread (community). Empty text
    discards it. Returns the draft, or None when there is none to keep."""
    target = _draft_target(user=user, thread=thread, community=community)
    if len(body) > BODY_MAX or len(title) > TITLE_MAX:
        raise ValidationError(_("Posts can be at most %(max)s characters; yours has %(n)s.") % {
            "max": f"{BODY_MAX:,}", "n": f"{len(body):,}"})
    _check_draft_rate(user)
    if not body.strip() and not title.strip():
        draft_discard(user=user, thread=thread, community=community)
        return None
    if thread is not None and _just_posted(user, thread, body):
        return None
    draft, _created = Draft.objects.update_or_create(
        user=user, **target,
        defaults={"body": body, "title": title, "updated_at": timezone.now()},
    )
    return draft


def draft_discard(*, user: User, thread: Thread | None = None,
                  community: Community | None = None) -> None:
    """The member threw the draft away (or posted it). Their own draft only."""
    if not user.is_authenticated:
        raise Http404
    if thread is not None:
        if not permissions.can_view_thread(user, thread):
            raise Http404
        Draft.objects.filter(user=user, thread=thread).delete()
    elif community is not None:
        if not permissions.can_view_community(user, community):
            raise Http404
        Draft.objects.filter(user=user, community=community, thread=None).delete()
