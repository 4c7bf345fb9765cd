"""Reads of the library that pages, search and the thread page share."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import translation

from community import permissions as forum
from community.models import Community, Post, Thread
from community.search import RESULTS, _mark, _snippet

from . import permissions
from .models import Article, ArticleLink


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


def annotate_posts(user, posts: list[Post], context: dict) -> None:
    """Give each post of a thread page its "Read more" articles (one query for the page) and
    whether this reader may attach one; both go into the post fragment's key."""
    ids = [p.pk for p in posts]
    links: dict[int, list[Article]] = {}
    if ids:
        visible = permissions.articles_visible_to(user).values("pk")
        for link in (ArticleLink.objects.filter(post_id__in=ids, started_here=False,
                                                article__in=visible)
                     .select_related("article").order_by("pk")):
            links.setdefault(link.post_id, []).append(link.article)
    may_attach = None
    for post in posts:
        post.read_more = links.get(post.pk, [])
        if may_attach is None and post.position > 1:
            may_attach = permissions.can_attach_to(user, post)
        post.may_attach = bool(may_attach) and post.position > 1 and forum.post_is_public(post)
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
