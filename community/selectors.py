"""Reads shared by pages, digests and sockets, each with the joins it needs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache

from django.db import connection
from django.db.models import Q, QuerySet

from accounts.models import User
from hearth.lib.db import prepared_cursor

from . import permissions
from .models import (
    Bookmark,
    Community,
    Draft,
    Post,
    Reaction,
    Thread,
    ThreadFollow,
    ThreadRead,
)

POSTS_PER_PAGE = 20
THREADS_PER_PAGE = 25


def community_list(*, user, query: str = "") -> QuerySet[Community]:
    """Every community is listed (a private one so that people can ask to join it); what a
    private community holds is for its members only."""
    communities = Community.objects.all()
    if query:
        communities = communities.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return communities.order_by("name")


def community_threads(*, user, community: Community, tab: str = "latest") -> QuerySet[Thread]:
    threads = permissions.threads_visible_to(
        user, Thread.objects.filter(community=community)
    ).select_related("author", "author__clinician", "community")
    if tab == "questions":
        threads = threads.filter(kind=Thread.Kind.QUESTION)
    elif tab == "unanswered":
        threads = threads.filter(kind=Thread.Kind.QUESTION, reply_count=0)
    if tab == "top":
        return threads.order_by("-is_pinned", "-reaction_count", "-reply_count", "-pk")
    return threads.order_by("-is_pinned", "-last_activity_at", "-pk")


def thread_for_page(*, user, pk: int) -> Thread | None:
    """The thread with its community (one query; what concerns the reader alone comes from
    `viewer_state`)."""
    thread = Thread.objects.select_related("community").filter(pk=pk).first()
    if thread is None or not permissions.can_view_thread(user, thread):
        return None
    return thread


@dataclass
class ViewerState:
    """What a thread page shows differently to this member: their reactions and bookmarks on
    the page's posts, whether they follow the thread, their unfinished reply, and how far they
    had read."""

    reactions: set[tuple[int, str]] = field(default_factory=set)
    bookmarks: set[int] = field(default_factory=set)
    following: bool = False
    draft: str = ""
    last_read: int = 0


_FOLLOW, _DRAFT, _READ = "~follow", "~draft", "~read"  # never a reaction kind


def _viewer_sql(posts: int) -> str:
    """A UNION ALL of five index lookups, written out by hand: every member page asks it, and
    building it through the ORM cost more than running it. Table names only and one
    placeholder per post id: no input is formatted into it."""
    marks = ", ".join(["%s"] * posts)
    sql = (
        f"SELECT 0, '{_FOLLOW}', '' FROM {ThreadFollow._meta.db_table} "  # noqa: S608
        f"WHERE thread_id = %s AND user_id = %s "
        f"UNION ALL SELECT 0, '{_DRAFT}', body FROM {Draft._meta.db_table} "
        f"WHERE thread_id = %s AND user_id = %s "
        f"UNION ALL SELECT last_read_position, '{_READ}', '' FROM {ThreadRead._meta.db_table} "
        f"WHERE thread_id = %s AND user_id = %s"
    )
    if posts:
        sql += (
            f" UNION ALL SELECT post_id, kind, '' FROM {Reaction._meta.db_table} "  # noqa: S608
            f"WHERE user_id = %s AND post_id IN ({marks})"
            f" UNION ALL SELECT post_id, '{BOOKMARK}', '' FROM {Bookmark._meta.db_table} "
            f"WHERE user_id = %s AND post_id IN ({marks})"
        )
    return sql


def viewer_state(*, user, thread: Thread, post_ids: list[int]) -> ViewerState:
    """Everything of `ViewerState` in one query (a UNION ALL of five index lookups)."""
    state = ViewerState()
    if not user.is_authenticated:
        return state
    params = [thread.pk, user.pk] * 3
    if post_ids:
        params += [user.pk, *post_ids, user.pk, *post_ids]
    with connection.cursor() as cursor:
        cursor.execute(_viewer_sql(len(post_ids)), params)
        rows = cursor.fetchall()
    for a, kind, body in rows:
        _add(state, a, kind, body)
    return state


@dataclass
class MemberPageState(ViewerState):
    """`ViewerState` for the shared member copy of a page, plus whether the member has posts of
    their own on the page that the shared copy cannot show as they see them (anonymous, still
    being checked, or held): then the page is rendered for them alone."""

    own_special: bool = False


_OWN = "~own"  # never a reaction kind


LAST_PAGE = 10**9  # `thread_member_state`'s page number for "last": clamped to the last page


def thread_member_state(*, pk: int, user, page: int) -> tuple[Thread | None, MemberPageState]:
    """`thread_state` and what the member's page shows of theirs alone (`MemberPageState`:
    reactions and bookmarks on the page's posts, follow, draft, read position, posts of their
    own there that others see differently) for page number `page` (clamped to the thread's
    pages, as `PositionPage` does), in one round trip written out by hand: a signed-in
    member's shared page asks nothing else. The member's rows are only their own, read
    whether or not the access check that follows lets them see the thread."""
    with prepared_cursor(connection) as cursor:  # planned once per connection on PostgreSQL
        cursor.execute(_thread_member_sql(connection.vendor),
                       [max(1, page), pk, pk, *[pk, user.pk] * 3, *[user.pk, pk] * 2, pk,
                        user.pk])
        rows = cursor.fetchall()
    thread, state = None, MemberPageState()
    for a, kind, body in rows:
        if kind == _THREAD:
            thread = _thread_of(pk, json.loads(body))
        else:
            _add(state, a, kind, body)
    return thread, state


_THREAD = "~thread"  # never a reaction kind


@cache
def _thread_member_sql(vendor: str) -> str:
    """Table and column names and the page size only: no input is formatted in. PostgreSQL's
    LEAST/GREATEST and json_build_array are SQLite's many-argument MIN/MAX and json_array."""
    post, size = Post._meta.db_table, POSTS_PER_PAGE
    least, greatest, as_json = (("LEAST", "GREATEST", "json_build_array({})::text")
                                if vendor == "postgresql" else ("MIN", "MAX", "json_array({})"))
    public = ", ".join(f"'{s}'" for s in permissions.PUBLIC_SCREENING)
    state = _THREAD_STATE_SQL.split(" FROM ", 1)
    columns = state[0].removeprefix("SELECT ")
    return (
        f"WITH r AS (SELECT (n - 1) * {size} AS low, n * {size} AS high FROM ("  # noqa: S608
        f"SELECT {least}(%s, {greatest}(1, (last_position + {size - 1}) / {size})) AS n "
        f"FROM {Thread._meta.db_table} WHERE id = %s) x) "
        f"SELECT 0, '{_THREAD}', {as_json.format(columns)} FROM {state[1]} "
        f"UNION ALL SELECT 0, '{_FOLLOW}', '' FROM {ThreadFollow._meta.db_table} "
        f"WHERE thread_id = %s AND user_id = %s "
        f"UNION ALL SELECT 0, '{_DRAFT}', body FROM {Draft._meta.db_table} "
        f"WHERE thread_id = %s AND user_id = %s "
        f"UNION ALL SELECT last_read_position, '{_READ}', '' FROM {ThreadRead._meta.db_table} "
        f"WHERE thread_id = %s AND user_id = %s "
        f"UNION ALL SELECT x.post_id, x.kind, '' FROM {Reaction._meta.db_table} x "
        f"JOIN {post} p ON p.id = x.post_id JOIN r ON p.position > r.low "
        f"AND p.position <= r.high WHERE x.user_id = %s AND p.thread_id = %s "
        f"UNION ALL SELECT b.post_id, '{BOOKMARK}', '' FROM {Bookmark._meta.db_table} b "
        f"JOIN {post} p ON p.id = b.post_id JOIN r ON p.position > r.low "
        f"AND p.position <= r.high WHERE b.user_id = %s AND p.thread_id = %s "
        f"UNION ALL SELECT p.id, '{_OWN}', '' FROM {post} p JOIN r ON p.position > r.low "
        f"AND p.position <= r.high WHERE p.thread_id = %s AND p.author_id = %s "
        f"AND (p.is_anonymous OR (p.status = '{Post.Status.HELD}') OR "
        f"(p.status = '{Post.Status.PUBLISHED}' AND p.screening NOT IN ({public})))"
    )


def _add(state: ViewerState, a, kind: str, body: str) -> None:
    if kind == _FOLLOW:
        state.following = True
    elif kind == _DRAFT:
        state.draft = body
    elif kind == _READ:
        state.last_read = a
    elif kind == BOOKMARK:
        state.bookmarks.add(a)
    elif kind == _OWN:
        state.own_special = True
    else:
        state.reactions.add((a, kind))


def thread_draft(*, user, community: Community) -> Draft | None:
    """The member's unfinished new thread in the community, if any."""
    return permissions.drafts_visible_to(user, Draft.objects.filter(
        community=community, thread=None)).first()


def thread_state(*, pk: int) -> Thread | None:
    """Only what decides whether a visitor may see the thread and which cached page is current.
    The visitor page cache asks this on every request, so it is one narrow query written out
    by hand: building it through the ORM cost more than running it."""
    with prepared_cursor(connection) as cursor:
        cursor.execute(_THREAD_STATE_SQL, [pk])
        row = cursor.fetchone()
    return _thread_of(pk, row) if row is not None else None


def _thread_of(pk: int, row) -> Thread:
    (status, author_id, event_seq, slug, community_id, visibility, name, color, is_crisis,
     previews, is_locked, kind, last_position) = row
    thread = Thread(pk=pk, status=status, author_id=author_id, event_seq=event_seq, slug=slug,
                    community_id=community_id, is_crisis=bool(is_crisis),
                    is_locked=bool(is_locked), kind=kind, last_position=last_position)
    # Whether the author allows share previews (issue 23): a cached page's card depends on it.
    thread.author_allows_previews = bool(previews)
    thread.community = Community(pk=community_id, visibility=visibility, name=name, color=color)
    return thread


_THREAD_STATE_SQL = (  # table names only: no input is formatted into it
    f"SELECT t.status, t.author_id, t.event_seq, t.slug, t.community_id, c.visibility, c.name, "  # noqa: S608
    f"c.color, t.is_crisis, u.allow_share_previews, t.is_locked, t.kind, t.last_position "
    f"FROM {Thread._meta.db_table} t "
    f"JOIN {Community._meta.db_table} c ON c.id = t.community_id "
    f"LEFT JOIN {User._meta.db_table} u ON u.id = t.author_id WHERE t.id = %s"
)


def thread_posts(*, user, thread: Thread) -> QuerySet[Post]:
    posts = Post.objects.filter(thread=thread).select_related("author", "author__clinician")
    return permissions.posts_visible_in_thread(user, thread, posts).order_by("position")


def my_reactions(*, user, posts: list[Post]) -> set[tuple[int, str]]:
    if not user.is_authenticated or not posts:
        return set()
    return set(
        Reaction.objects.filter(user=user, post__in=[p.pk for p in posts]).values_list(
            "post_id", "kind"
        )
    )


BOOKMARK = "~bookmark"  # never a reaction kind


def bookmarks_of(*, user) -> QuerySet[Bookmark]:
    """The member's bookmarks of posts they may still read, newest first."""
    return (
        Bookmark.objects.filter(user=user, post__in=permissions.posts_visible_to(user))
        .select_related("post__thread__community", "post__author", "post__author__clinician")
        .order_by("-created_at", "-pk")
    )


def post_with_thread(*, pk: int) -> Post | None:
    return (
        Post.objects.select_related("thread__community", "author", "author__clinician")
        .filter(pk=pk)
        .first()
    )


def questions_awaiting_clinician(*, user) -> QuerySet[Thread]:
    """Open questions without a clinician answer in the member's communities, oldest first."""
    joined = [cid for cid, m in permissions.memberships_of(user).items()
              if m.status == m.Status.ACTIVE]
    return (
        permissions.threads_visible_to(user)
        .filter(community_id__in=joined, kind=Thread.Kind.QUESTION,
                status=Thread.Status.PUBLISHED, clinician_answer_count=0, is_locked=False)
        .select_related("community")
        .order_by("created_at", "pk")
    )



def member_names(*, community: Community, prefix: str, limit: int = 8) -> list[str]:
    from .models import Membership

    return list(
        Membership.objects.filter(community=community, status=Membership.Status.ACTIVE,
                                  user__username__istartswith=prefix, user__is_active=True)
        .order_by("user__username").values_list("user__username", flat=True)[:limit]
    )
