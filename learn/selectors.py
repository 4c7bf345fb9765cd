"""Reads of the library that pages, search and the thread page share."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import translation

from community import permissions as forum
from community.models import Community, Post, Thread
from community.search import RESULTS, _mark, _snippet

from . import permissions
from .models import Article, ArticleLink

logger = logging.getLogger(__name__)


def library(*, user, community: Community) -> list[Article]:
    """The community's published articles and the whole library's, one per article: the
    version in the reader's language first, else the other."""
    articles = list(
        permissions.articles_visible_to(
            user, Article.objects.filter(Q(community=community) | Q(community__isnull=True)))
        .select_related("author", "translation").order_by("-published_at", "-pk")[:200])
    language = (translation.get_language() or "en")[:2]
    shown, seen = [], set()
    for article in articles:
        other = article.translation
        if article.pk in seen:
            continue
        if (article.language != language and other is not None
                and other.language == language and other.status == Article.Status.PUBLISHED):
            continue  # the reader's version is listed instead (it is in this list too)
        seen.update({article.pk, other.pk if other else None})
        shown.append(article)
    return shown


def drafts(*, user, community: Community) -> QuerySet[Article]:
    return (permissions.articles_editable_by(
        user, Article.objects.filter(Q(community=community) | Q(community__isnull=True)))
        .exclude(status=Article.Status.PUBLISHED).order_by("-updated_at"))


def questions_about(*, user, article: Article) -> list[Thread]:
    """Threads that link the article (a "Read more" or a question started from it) that this
    reader may open."""
    thread_ids = ArticleLink.objects.filter(article=article).values("post__thread_id")
    return list(forum.threads_visible_to(user, Thread.objects.filter(pk__in=thread_ids))
                .filter(status=Thread.Status.PUBLISHED)
                .select_related("community").order_by("-created_at")[:20])


def attachable(*, user, post: Post) -> QuerySet[Article]:
    return (permissions.articles_visible_to(user).filter(
        Q(community__isnull=True) | Q(community_id=post.thread.community_id))
        .order_by("title"))


LINKS_SECONDS = 24 * 3600


def _links_key(thread_id: int) -> str:
    return f"learn:read-more:{thread_id}"


def thread_links(thread_id: int) -> dict[int, list[Article]]:
    """The published articles under each post of a thread ({post_id: [articles]}), kept in the
    cache (rebuilt from the database when missing; dropped by every write that changes it), so
    that a thread page asks no query for them. An attached article is always in the thread's
    community or in all, so every reader of the thread may read it once published."""
    key = _links_key(thread_id)
    try:
        kept = cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down: ask the database
        kept = None
    if kept is None:
        kept = {}
        for link in (ArticleLink.objects.filter(post__thread_id=thread_id, started_here=False,
                                                article__status=Article.Status.PUBLISHED)
                     .select_related("article").order_by("pk")):
            kept.setdefault(link.post_id, []).append(link.article)
        try:
            cache.set(key, kept, LINKS_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable")
    return kept


def forget_thread_links(thread_ids) -> None:
    try:
        cache.delete_many([_links_key(t) for t in thread_ids])
    except Exception:  # noqa: BLE001 - the entries expire within a day anyway
        logger.warning("cache unavailable")


def annotate_posts(user, posts: list[Post], context: dict) -> None:
    """Give each post of a thread page its "Read more" articles and whether this reader may
    attach one; both go into the post fragment's key. No query in the usual case."""
    if not posts:
        return
    links = thread_links(posts[0].thread_id)
    thread = context.get("thread")
    may_attach = thread is not None and permissions.may_attach_in(user, thread)
    for post in posts:
        post.read_more = links.get(post.pk, [])
        post.may_attach = may_attach and post.position > 1 and forum.post_is_public(post)
        post.extra_key = (*getattr(post, "extra_key", ()), tuple(a.pk for a in post.read_more),
                          tuple(a.title for a in post.read_more), post.may_attach)


def search_articles(*, user, query: str, community: Community | None = None) -> list[Article]:
    articles = permissions.articles_visible_to(user).select_related("community")
    if community is not None:
        articles = articles.filter(Q(community=community) | Q(community__isnull=True))
    results = list(
        articles.filter(Q(title__icontains=query) | Q(summary__icontains=query)
                        | Q(body__icontains=query)).order_by("-published_at")[:RESULTS])
    for article in results:
        article.snippet_html = _mark(_snippet(article.summary + "\n" + article.body, query))
    return results
