"""Who may see and do what in the forum. Every page, search, socket, notification, digest
and export asks these functions; what a member may not see is a 404, like what does not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save

from accounts.middleware import register_member_companion
from accounts.permissions import (
    can_read_as_member,
    is_in_good_standing,
    is_staff_member,
    is_verified_clinician,
)

from .models import Community, Draft, Membership, Post, Thread

logger = logging.getLogger(__name__)
_CACHE_ATTR = "_hearth_memberships"


def memberships_of(user) -> dict[int, Membership]:
    """The member's memberships by community id, loaded once per user object: from the cache
    (kept five minutes, dropped whenever one of the member's memberships is saved or deleted),
    else one query."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _kept_memberships(user.pk)
        setattr(user, _CACHE_ATTR, cached)
    return cached


_KEPT_SECONDS = 300


def _kept_memberships(user_id: int) -> dict[int, Membership]:
    key = f"memberships:{user_id}"
    try:
        kept = cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down: the database answers
        kept = None
    if isinstance(kept, dict):
        return kept
    kept = {m.community_id: m for m in Membership.objects.filter(user_id=user_id)}
    try:
        cache.set(key, kept, _KEPT_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("membership cache unavailable")
    return kept


def forget_kept_memberships(user_id: int) -> None:
    """A membership of the member changed: drop the kept copy now and again after commit (so
    that a request reading in between does not keep the old rows)."""
    def drop():
        try:
            cache.delete(f"memberships:{user_id}")
        except Exception:  # noqa: BLE001
            logger.warning("membership cache unavailable")

    drop()
    transaction.on_commit(drop, robust=True)


def _membership_changed(sender, instance, **kwargs) -> None:
    forget_kept_memberships(instance.user_id)


# Read with the member's row, in the same round trip (accounts.middleware.cached_user).
register_member_companion(_CACHE_ATTR, lambda user_id: f"memberships:{user_id}")
post_save.connect(_membership_changed, sender=Membership, dispatch_uid="forget-memberships")
post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="forget-memberships-d")


def prime_memberships(users_with_memberships: dict) -> None:
    """Give many user objects their memberships at once ({user: {community_id: membership}}),
    so that code checking many members (digest batches) asks no query per member."""
    for user, memberships in users_with_memberships.items():
        setattr(user, _CACHE_ATTR, memberships)


def forget_memberships(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def active_membership(user, community: Community) -> Membership | None:
    if not can_read_as_member(user):
        return None
    membership = memberships_of(user).get(community.pk)
    if membership is None or membership.status != Membership.Status.ACTIVE:
        return None
    return membership


def is_member(user, community: Community) -> bool:
    return active_membership(user, community) is not None


def can_moderate_community(user, community: Community) -> bool:
    if is_staff_member(user):
        return True
    membership = active_membership(user, community)
    return membership is not None and membership.role == Membership.Role.MODERATOR


def moderated_community_ids(user) -> set[int] | None:
    """None means every community (staff)."""
    if is_staff_member(user):
        return None
    if not can_read_as_member(user):
        return set()
    return {
        cid
        for cid, m in memberships_of(user).items()
        if m.role == Membership.Role.MODERATOR and m.status == Membership.Status.ACTIVE
    }


def is_moderator_anywhere(user) -> bool:
    ids = moderated_community_ids(user)
    return ids is None or bool(ids)


def can_view_community(user, community: Community) -> bool:
    if community.visibility == Community.Visibility.PUBLIC:
        return True
    if is_staff_member(user):
        return True
    return is_member(user, community)


def shows_private_landing(user, community: Community) -> bool:
    """A private community that this person may not read opens on its landing page (name,
    description, size, "Request to join"): what the directory already lists, nothing more."""
    return (
        community.visibility == Community.Visibility.PRIVATE
        and not can_view_community(user, community)
    )


def can_post_in(user, community: Community) -> bool:
    return is_in_good_standing(user) and is_member(user, community)


def can_view_thread(user, thread: Thread) -> bool:
    if not can_view_community(user, thread.community):
        return False
    if thread.status == Thread.Status.PUBLISHED:
        return True
    if can_moderate_community(user, thread.community):
        return True
    return (
        thread.status == Thread.Status.HELD
        and user.is_authenticated
        and thread.author_id == user.pk
    )


def can_view_post(user, post: Post) -> bool:
    """The post itself; its thread must be visible too."""
    if not can_view_thread(user, post.thread):
        return False
    if post_is_public(post):
        return True
    if can_moderate_community(user, post.thread.community):
        return True
    return (
        post.status in (Post.Status.PUBLISHED, Post.Status.HELD)
        and user.is_authenticated
        and post.author_id == user.pk
    )


def post_is_public(post: Post) -> bool:
    """Visible to every reader of its thread: published and through screening."""
    return post.status == Post.Status.PUBLISHED and post.screening in PUBLIC_SCREENING


PUBLIC_SCREENING = (Post.Screening.CLEAN, Post.Screening.FLAGGED)


def can_preview_community(community: Community) -> bool:
    """A shared link to a community shows a card (name, description, colour image): public
    communities only; a private one gets nothing beyond the link."""
    return community.visibility == Community.Visibility.PUBLIC


def can_preview_thread(thread: Thread, first_post: Post | None) -> bool:
    """A shared link to a discussion shows its title and first lines only when everyone may
    read it and its author allowed previews ("Allow previews of my discussions when shared",
    off by default). Never for held, hidden, crisis-flagged or anonymous content."""
    author = first_post.author if first_post is not None else None
    return (
        can_preview_community(thread.community)
        and thread.status == Thread.Status.PUBLISHED
        and not thread.is_crisis
        and not thread.is_anonymous
        and first_post.status == Post.Status.PUBLISHED
        and first_post.screening == Post.Screening.CLEAN
        and not first_post.is_anonymous
        and author is not None
        and author.pk == thread.author_id
        and author.is_active
        and not author.is_banned
        and author.allow_share_previews
    )


def can_view_profile(user, member) -> bool:
    """A member's public profile: any reader, unless the account is closed or banned."""
    return member.is_active and not member.is_banned


def can_see_author(user, post_or_thread) -> bool:
    """Anonymous posts name their author only to the author, moderators and staff."""
    if not post_or_thread.is_anonymous:
        return True
    if user.is_authenticated and post_or_thread.author_id == user.pk:
        return True
    community = (
        post_or_thread.community
        if isinstance(post_or_thread, Thread)
        else post_or_thread.thread.community
    )
    return can_moderate_community(user, community)


def can_reply(user, thread: Thread) -> bool:
    return (
        can_view_thread(user, thread)
        and thread.status == Thread.Status.PUBLISHED
        and not thread.is_locked
        and can_post_in(user, thread.community)
    )


def can_edit_post(user, post: Post) -> bool:
    if post.status == Post.Status.DELETED or not can_view_post(user, post):
        return False
    if can_moderate_community(user, post.thread.community):
        return True
    return is_in_good_standing(user) and post.author_id == user.pk


def can_delete_post(user, post: Post) -> bool:
    return (
        post.status != Post.Status.DELETED
        and is_in_good_standing(user)
        and post.author_id == user.pk
        and can_view_post(user, post)
    )


def can_react(user, post: Post) -> bool:
    return (
        post_is_public(post)
        and can_view_thread(user, post.thread)
        and can_post_in(user, post.thread.community)
    )


def is_votable_answer(post: Post) -> bool:
    """A verified clinician's answer, or the accepted answer of a question."""
    return (
        post.position > 1
        and (post.is_clinician_answer or post.thread.accepted_post_id == post.pk)
    )


def can_vote_answer_helped(user, post: Post) -> bool:
    """"Did this answer help?": any member in good standing who may read the answer, not its
    author."""
    return (
        user.is_authenticated
        and is_in_good_standing(user)
        and post_is_public(post)
        and is_votable_answer(post)
        and post.author_id != user.pk
        and can_view_thread(user, post.thread)
    )


def can_accept_answer(user, thread: Thread) -> bool:
    """The asker, a verified clinician or a moderator marks the accepted answer.
    Cheap checks first: the clinician lookup runs only when it decides."""
    if not thread.is_question or not is_in_good_standing(user):
        return False
    if not can_view_thread(user, thread):
        return False
    return (
        thread.author_id == user.pk
        or can_moderate_community(user, thread.community)
        or is_verified_clinician(user)
    )


def can_accept_post(user, post: Post) -> bool:
    """Mark this reply as the accepted answer: whoever may accept in its thread, but never
    for their own reply (an asker cannot accept the answer they wrote themselves)."""
    if not user.is_authenticated or post.author_id == user.pk:
        return False
    return can_accept_answer(user, post.thread)


def can_keep_reply_draft(user, thread: Thread) -> bool:
    """A member who may reply keeps an unfinished reply on the server (never a visitor or a
    non-member: they cannot post it either)."""
    return can_reply(user, thread)


def can_keep_thread_draft(user, community: Community) -> bool:
    return can_post_in(user, community)


def can_see_draft(user, draft: Draft) -> bool:
    """A draft is its writer's alone: not moderators', not staff's."""
    return user.is_authenticated and draft.user_id == user.pk


# --- Blocks ------------------------------------------------------------------------------
# Blocks are kept by messaging, which stands above community: in its AppConfig.ready() it
# registers the read "which of these members block this author?", so the forum's rules honour
# blocks without importing it (with none registered, nobody blocks anyone).

BlockersAmong = Callable[[int, Collection[int]], set[int]]


def _nobody_blocks(member_id: int, other_ids: Collection[int]) -> set[int]:
    return set()


# (the members among these who block this author, the actors among these this member blocks):
# the blocks messaging keeps (messaging.apps registers them)
_blockers_among: list[BlockersAmong] = [_nobody_blocks]
_blocked_among: list[BlockersAmong] = [_nobody_blocks]


def register_blocks(blockers_among: BlockersAmong, blocked_among: BlockersAmong) -> None:
    _blockers_among[0] = blockers_among
    _blocked_among[0] = blocked_among


def post_reaches(member_id: int, post: Post) -> bool:
    """Does `post` reach this member as addressed to them (a reply to a discussion they
    started or an answer to their question, a reply in one they follow, an @mention: a
    notification, an email, a count)? Never their own post, and never a post by someone they
    block, signed or anonymous. The post itself is published for everyone as usual, so its
    author sees no difference and never learns of the block."""
    if post.author_id is None:
        return True
    if post.author_id == member_id:
        return False
    return member_id not in _blockers_among[0](post.author_id, [member_id])


def actors_reaching(member_id: int, actor_ids: Collection[int]) -> set[int]:
    """Of the people who reacted to this member's post, those whose reaction reaches them (a
    notification, a count in it): not the member themselves, and not anyone they block, who
    is not told (one read)."""
    ids = set(actor_ids)
    ids.discard(member_id)
    if not ids:
        return ids
    return ids - _blocked_among[0](member_id, ids)


def members_reached_by(post: Post, member_ids: Collection[int]) -> set[int]:
    """The twin of post_reaches for a fan-out: one read for any number of members."""
    ids = set(member_ids)
    if post.author_id is None:
        return ids
    ids.discard(post.author_id)
    if not ids:
        return ids
    return ids - _blockers_among[0](post.author_id, ids)


# --- Querysets ----------------------------------------------------------------------------


def communities_visible_to(
    user, queryset: QuerySet[Community] | None = None
) -> QuerySet[Community]:
    queryset = Community.objects.all() if queryset is None else queryset
    if is_staff_member(user):
        return queryset
    member_ids = []
    if can_read_as_member(user):
        member_ids = [
            cid for cid, m in memberships_of(user).items() if m.status == Membership.Status.ACTIVE
        ]
    return queryset.filter(Q(visibility=Community.Visibility.PUBLIC) | Q(pk__in=member_ids))


def threads_visible_to(user, queryset: QuerySet[Thread] | None = None) -> QuerySet[Thread]:
    """Threads the member may open. Held threads appear only to their author and moderators."""
    queryset = Thread.objects.all() if queryset is None else queryset
    if is_staff_member(user):
        return queryset.exclude(status=Thread.Status.DELETED)
    visible_communities = communities_visible_to(user).values("pk")
    condition = Q(status=Thread.Status.PUBLISHED)
    if user.is_authenticated:
        condition |= Q(status=Thread.Status.HELD, author=user)
        moderated = moderated_community_ids(user)
        if moderated:
            condition |= Q(community_id__in=moderated) & ~Q(status=Thread.Status.DELETED)
    return queryset.filter(condition, community__in=visible_communities)


def reads_published_threads_only(user, community: Community) -> bool:
    """Whether `threads_visible_to` shows this reader, in this community they may view, only
    its published threads and their own held ones (not a moderator's view of hidden
    threads): a list page may then read those from the narrow indexes (community.paging)."""
    moderated = moderated_community_ids(user)
    return moderated is not None and community.pk not in moderated


def public_posts(queryset: QuerySet[Post]) -> QuerySet[Post]:
    return queryset.filter(status=Post.Status.PUBLISHED, screening__in=PUBLIC_SCREENING)


def posts_visible_in_thread(user, thread: Thread, queryset: QuerySet[Post]) -> QuerySet[Post]:
    """The posts of one (already visible) thread that this member may read."""
    if can_moderate_community(user, thread.community):
        return queryset.exclude(status=Post.Status.DELETED)
    condition = Q(status=Post.Status.PUBLISHED, screening__in=PUBLIC_SCREENING)
    if user.is_authenticated:
        condition |= Q(author=user, status__in=[Post.Status.PUBLISHED, Post.Status.HELD])
    return queryset.filter(condition)


def posts_visible_to(user, queryset: QuerySet[Post] | None = None) -> QuerySet[Post]:
    """Posts anywhere that a member may read as a reader (search): public posts only."""
    queryset = Post.objects.all() if queryset is None else queryset
    return public_posts(queryset).filter(
        thread__in=threads_visible_to(user).filter(status=Thread.Status.PUBLISHED)
    )


def drafts_visible_to(user, queryset: QuerySet[Draft] | None = None) -> QuerySet[Draft]:
    queryset = Draft.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(user=user)
