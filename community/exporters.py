"""What the forum holds about one member, for accounts' data export and account erasure.
Registered with accounts.export in CommunityConfig.ready() (accounts never imports community).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F

from . import live, permissions
from .models import (
    AnswerVote,
    Bookmark,
    Community,
    Membership,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadFollow,
)

ERASED_TITLE = "Deleted discussion"


# --- Export: the member's own rows only ------------------------------------------------------


def export_posts(user) -> list[dict]:
    posts = (
        Post.objects.filter(author=user)
        .select_related("thread__community")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": post.pk,
            "community": post.thread.community.slug,
            "thread_id": post.thread_id,
            "thread_title": post.thread.title,
            "started_thread": post.position == 1,
            "body": post.body,
            "status": post.status,
            "anonymous": post.is_anonymous,
            "created_at": post.created_at,
            "edited_at": post.edited_at,
        }
        for post in posts.iterator(chunk_size=500)
    ]


def export_reactions(user) -> list[dict]:
    return [
        {"post_id": post_id, "kind": kind, "created_at": created_at}
        for post_id, kind, created_at in Reaction.objects.filter(user=user)
        .order_by("created_at")
        .values_list("post_id", "kind", "created_at")
    ]


def export_follows(user) -> list[dict]:
    visible = set(
        permissions.threads_visible_to(user).filter(follows__user=user).values_list(
            "pk", flat=True
        )
    )
    follows = ThreadFollow.objects.filter(user=user).select_related("thread").order_by(
        "created_at"
    )
    return [
        {
            "thread_id": follow.thread_id,
            "thread_title": follow.thread.title if follow.thread_id in visible else None,
            "created_at": follow.created_at,
        }
        for follow in follows
    ]


def export_drafts(user) -> list[dict]:
    """The member's unfinished replies and threads (their own words, so all of them). Drafts
    go with the account when it is deleted (they cascade from the user)."""
    drafts = permissions.drafts_visible_to(user).select_related("thread", "community").order_by(
        "updated_at", "pk")
    return [
        {
            "thread_id": draft.thread_id,
            "community": draft.community.slug if draft.community_id else None,
            "title": draft.title,
            "body": draft.body,
            "updated_at": draft.updated_at,
        }
        for draft in drafts
    ]


def export_bookmarks(user) -> list[dict]:
    return [
        {"post_id": post_id, "created_at": created_at}
        for post_id, created_at in Bookmark.objects.filter(user=user)
        .order_by("created_at")
        .values_list("post_id", "created_at")
    ]


def export_answer_votes(user) -> list[dict]:
    """"Did this answer help?": the member's own votes."""
    return [
        {"post_id": post_id, "helped": helped, "created_at": created, "updated_at": updated}
        for post_id, helped, created, updated in AnswerVote.objects.filter(user=user)
        .order_by("created_at")
        .values_list("post_id", "helped", "created_at", "updated_at")
    ]


def export_memberships(user) -> list[dict]:
    return [
        {"community": slug, "role": role, "status": status, "level": level, "joined_at": at}
        for slug, role, status, level, at in Membership.objects.filter(user=user)
        .order_by("joined_at")
        .values_list("community__slug", "role", "status", "level", "joined_at")
    ]


# --- Erasure ------------------------------------------------------------------------------------


def posts_erase_for_user(user, *, keep_posts: bool) -> None:
    """Before the member's row is deleted: fix the counters their reactions and memberships
    hold, and if they chose so, delete their posts and erase their text. Kept posts stay and
    show "Former member" once the author is gone (the foreign key is SET_NULL)."""
    with transaction.atomic():
        _uncount_reactions(user)
        _uncount_memberships(user)
        if not keep_posts:
            _erase_posts(user)
        else:  # the kept posts will name a "Former member"
            live.author_threads_changed(user)


def _uncount_reactions(user) -> None:
    counters = {
        Reaction.Kind.HELPFUL: "helpful_count",
        Reaction.Kind.SUPPORT: "support_count",
        Reaction.Kind.THANKS: "thanks_count",
    }
    rows = Reaction.objects.filter(user=user).values("post_id", "post__thread_id", "kind")
    for row in rows.annotate(n=Count("pk")):
        counter = counters[row["kind"]]
        Post.objects.filter(pk=row["post_id"]).update(
            **{counter: F(counter) - row["n"]}, version=F("version") + 1)
        Thread.objects.filter(pk=row["post__thread_id"]).update(
            reaction_count=F("reaction_count") - row["n"]
        )
    Reaction.objects.filter(user=user).delete()


def _uncount_memberships(user) -> None:
    for community_id in Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE
    ).values_list("community_id", flat=True):
        Community.objects.filter(pk=community_id).update(member_count=F("member_count") - 1)
    Membership.objects.filter(user=user).delete()


def _erase_posts(user) -> None:
    posts = list(
        Post.objects.filter(author=user).exclude(status=Post.Status.DELETED)
        .select_related("thread__community")
    )
    for post in posts:
        was_public = permissions.post_is_public(post)
        if post.is_first:
            thread = post.thread
            if thread.status == Thread.Status.PUBLISHED:
                Community.objects.filter(pk=thread.community_id).update(
                    thread_count=F("thread_count") - 1
                )
            Thread.objects.filter(pk=thread.pk).update(
                status=Thread.Status.DELETED, title=ERASED_TITLE, slug="deleted"
            )
        elif was_public:
            Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") - 1)
        if was_public:
            live.post_removed_on_commit(post)
    ids = [post.pk for post in posts]
    PostRevision.objects.filter(post_id__in=ids).delete()
    Post.objects.filter(pk__in=ids).update(
        status=Post.Status.DELETED, body="", body_html="", search_vector=None, hidden_reason="",
        version=F("version") + 1,
    )
    # Already-deleted posts keep no text either.
    Post.objects.filter(author=user, status=Post.Status.DELETED).exclude(body="").update(
        body="", body_html="", search_vector=None, version=F("version") + 1
    )
    Thread.objects.filter(author=user, status=Thread.Status.DELETED).exclude(
        title=ERASED_TITLE
    ).update(title=ERASED_TITLE, slug="deleted")


def register() -> None:
    from accounts.export import register_eraser, register_exporter

    register_exporter("posts", export_posts)
    register_exporter("reactions", export_reactions)
    register_exporter("follows", export_follows)
    register_exporter("bookmarks", export_bookmarks)
    register_exporter("drafts", export_drafts)
    register_exporter("memberships", export_memberships)
    register_exporter("answer_votes", export_answer_votes)
    register_eraser("community", posts_erase_for_user)
