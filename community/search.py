"""Search over titles and post bodies, limited to what the searcher may read.

PostgreSQL: weighted full-text search (title A, body B) over a stored vector with a GIN index,
ranked, with highlighted snippets. SQLite: a plain substring match, newest first.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils.html import escape

from . import permissions
from .models import Community, Post

RESULTS = 30
CONFIG = "english"
# How many of the newest matches are ranked (issue 24: a common word matches a quarter of a
# million posts; ranking them all took 650 ms).
CANDIDATES = 1000

# Apps beside the forum (the library, events) add their results beside the threads': each
# search takes (user, query, community) and asks its own permissions; a template shows them.
_searches: list[tuple] = []


def register_search(search, template: str) -> None:
    if all(s is not search for s, _t in _searches):
        _searches.append((search, template))


def search_more(*, user, query: str, community: Community | None = None) -> list[tuple]:
    """[(template, results)] of every registered search that found something."""
    found = []
    for search, template in _searches:
        results = search(user=user, query=query, community=community)
        if results:
            found.append((template, results))
    return found


def search_posts(*, user, query: str, community: Community | None = None) -> list[Post]:
    posts: QuerySet[Post] = permissions.posts_visible_to(user).select_related(
        "thread__community", "author"
    )
    if community is not None:
        posts = posts.filter(thread__community=community)
    if connection.vendor == "postgresql":
        search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
        # Rank a bounded, recent candidate set: the newest CANDIDATES matching posts the
        # searcher may read (permission filtering stays exact: it is inside the candidates'
        # query), never every match of a common word. The snippet is made for the 30 shown.
        candidates = posts.filter(search_vector=search_query).order_by("-pk").values("pk")
        # The candidates are ranked on the posts' table alone and only the 30 shown are
        # joined to their thread, community and author (joining all 1,000 cost more than
        # ranking them).
        shown = (
            Post.objects.filter(pk__in=candidates[:CANDIDATES])
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", "-created_at", "-pk").values("pk")[:RESULTS]
        )
        with transaction.atomic():
            with connection.cursor() as cursor:  # JIT costs more than it saves here
                cursor.execute("SET LOCAL jit = off")
            results = _ranked(Post.objects.filter(pk__in=shown), search_query)
        for post in results:
            post.snippet_html = _mark(post.snippet)
        return results
    results = list(
        (posts.filter(body__icontains=query) | posts.filter(thread__title__icontains=query,
                                                            position=1))
        .order_by("-created_at")[:RESULTS]
    )
    for post in results:
        post.snippet_html = _mark(_snippet(post.body, query))
    return results


def _ranked(posts: QuerySet[Post], search_query: SearchQuery) -> list[Post]:
    return list(
        posts.select_related("thread__community", "author")
        .annotate(
            rank=SearchRank(F("search_vector"), search_query),
            snippet=SearchHeadline(
                "body", search_query, config=CONFIG, start_sel="\x02", stop_sel="\x03",
                max_words=30, min_words=12,
            ),
        )
        .order_by("-rank", "-created_at", "-pk")[:RESULTS]
    )


def _snippet(body: str, query: str, width: int = 160) -> str:
    at = body.lower().find(query.lower())
    if at < 0:
        return body[:width]
    start = max(0, at - width // 2)
    text = body[start : start + width]
    i = text.lower().find(query.lower())
    return text[:i] + "\x02" + text[i : i + len(query)] + "\x03" + text[i + len(query) :]


def _mark(text: str) -> str:
    """Escape the snippet, then turn our private markers into <mark>."""
    return escape(text).replace("\x02", "<mark>").replace("\x03", "</mark>")


def search_vector_update(post_id: int) -> None:
    """Store the weighted vector of a post (title weighs more). PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE community_post p SET search_vector =
                setweight(to_tsvector(%s, CASE WHEN p.position = 1 THEN t.title ELSE '' END), 'A')
                || setweight(to_tsvector(%s, p.body), 'B')
            FROM community_thread t WHERE t.id = p.thread_id AND p.id = %s
            """,
            [CONFIG, CONFIG, post_id],
        )
