"""Who may read, write, publish and vote on articles. An article lives in a community (or in
every community); whoever may not read that community sees none of its articles (a 404, like
what does not exist). Drafts and unpublished articles are their author's and staff's alone."""

from __future__ import annotations

import logging

from django.db.models import Q, QuerySet

from accounts.permissions import (
    can_read_as_member,
    is_in_good_standing,
    is_staff_member,
    is_verified_clinician,
)
from community import permissions as forum
from community.models import Community, Post

from .models import Article

logger = logging.getLogger(__name__)


def can_write_articles(user) -> bool:
    """Staff and verified clinicians write articles."""
    if not is_in_good_standing(user):
        return False
    return is_staff_member(user) or is_verified_clinician(user)


def can_write_in(user, community: Community | None) -> bool:
    if not can_write_articles(user):
        return False
    if community is None:
        return True
    return forum.can_view_community(user, community)


def _community_readable(user, article: Article) -> bool:
    return article.community is None or forum.can_view_community(user, article.community)


def can_edit_article(user, article: Article) -> bool:
    if not can_write_articles(user):
        return False
    if not _community_readable(user, article):
        return False
    if is_staff_member(user):
        return True
    return article.author_id == user.pk


def can_publish_article(user, article: Article) -> bool:
    return can_edit_article(user, article)


def can_view_article(user, article: Article) -> bool:
    if not _community_readable(user, article):
        return False
    if article.status == Article.Status.PUBLISHED:
        return True
    return can_edit_article(user, article)


def can_preview_article(article: Article) -> bool:
    """A shared link to an article shows a card (title, summary, image): published, and in
    the whole library or a public community."""
    return (
        article.status == Article.Status.PUBLISHED
        and (article.community is None or forum.can_preview_community(article.community))
    )


def can_vote_helpful(user, article: Article) -> bool:
    return (
        is_in_good_standing(user)
        and article.status == Article.Status.PUBLISHED
        and can_view_article(user, article)
    )


def counts_as_member_view(user, article: Article) -> bool:
    """A member's reading (not its author's, not a visitor's) is what the library counts."""
    return (
        can_read_as_member(user)
        and article.status == Article.Status.PUBLISHED
        and article.author_id != user.pk
    )


def can_attach_to(user, post: Post) -> bool:
    """"Read more": a verified clinician or a moderator of the thread's community, under a
    reply that every reader sees."""
    if not is_in_good_standing(user):
        return False
    if post.position <= 1 or not forum.post_is_public(post):
        return False
    if not forum.can_view_thread(user, post.thread):
        return False
    return is_verified_clinician(user) or forum.can_moderate_community(user, post.thread.community)


def may_attach_in(user, thread) -> bool:
    """The reader-level part of can_attach_to, for a whole thread page: a moderator of its
    community (memberships are loaded already) or a verified clinician (asked once a minute
    through the cache, as the header's clinician link does)."""
    if not is_in_good_standing(user) or thread.status != "published":
        return False
    if forum.can_moderate_community(user, thread.community):
        return True
    return _clinician_cached(user)


def _clinician_cached(user) -> bool:
    from community.context_processors import is_verified_clinician_cached

    return is_verified_clinician_cached(user)


def can_attach_article(user, post: Post, article: Article) -> bool:
    """Only a published article that every reader of the thread may read."""
    return (
        can_attach_to(user, post)
        and article.status == Article.Status.PUBLISHED
        and article.community_id in (None, post.thread.community_id)
    )


def can_ask_about(user, article: Article, community: Community) -> bool:
    """Start a question from an article: a member who may post in the community."""
    return (
        article.status == Article.Status.PUBLISHED
        and can_view_article(user, article)
        and article.community_id in (None, community.pk)
        and forum.can_post_in(user, community)
    )


# --- Querysets ----------------------------------------------------------------------------


def articles_visible_to(user, queryset: QuerySet[Article] | None = None) -> QuerySet[Article]:
    """Published articles in communities the member may read (or in every community)."""
    queryset = Article.objects.all() if queryset is None else queryset
    readable = forum.communities_visible_to(user).values("pk")
    return queryset.filter(status=Article.Status.PUBLISHED).filter(
        Q(community__isnull=True) | Q(community__in=readable))


def articles_editable_by(user, queryset: QuerySet[Article] | None = None) -> QuerySet[Article]:
    """Drafts and unpublished articles the writer may open (staff: all in readable places)."""
    queryset = Article.objects.all() if queryset is None else queryset
    if not can_write_articles(user):
        return queryset.none()
    readable = forum.communities_visible_to(user).values("pk")
    queryset = queryset.filter(Q(community__isnull=True) | Q(community__in=readable))
    if is_staff_member(user):
        return queryset
    return queryset.filter(author=user)
