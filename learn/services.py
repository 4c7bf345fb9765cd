"""Every write of the library: articles (drafts, publish, unpublish, with an audit row), their
versions in the other language, "Was this helpful?", member views, "Read more" under an
answer, questions started from an article, and the review reminder to the author."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as forum
from community.markdown import render_markdown
from community.models import Community, Post, Thread
from moderation.audit import audit_record

from . import permissions
from .models import Article, ArticleLink, ArticleView, ArticleVote
from .readability import reading_level
from .selectors import forget_thread_links

EDITABLE = ("community", "language", "title", "summary", "body", "sources", "credentials",
            "reviewer", "last_reviewed_on", "next_review_on")


def _level(body: str, language: str) -> float | None:
    level = reading_level(body, language)
    return level.grade if level else None


def _check_dates(values: dict) -> None:
    last, nxt = values.get("last_reviewed_on"), values.get("next_review_on")
    if last and nxt and nxt <= last:
        raise ValidationError({"next_review_on": _("The next review comes after the last.")})


def article_create(*, author, community: Community | None, title: str, body: str,
                   language: str = "en", summary: str = "", sources: str = "",
                   credentials: str = "", reviewer=None, last_reviewed_on=None,
                   next_review_on=None, translation_of: Article | None = None) -> Article:
    if not permissions.can_write_in(author, community):
        raise Http404
    values = {"last_reviewed_on": last_reviewed_on, "next_review_on": next_review_on}
    _check_dates(values)
    if translation_of is not None:
        if not permissions.can_edit_article(author, translation_of):
            raise Http404
        if translation_of.language == language or translation_of.translation_id:
            raise ValidationError(_("This article already has its other language version."))
    if not credentials and hasattr(author, "clinician"):
        credentials = author.clinician.credentials
    with transaction.atomic():
        article = Article.objects.create(
            community=community, author=author, title=title, body=body, language=language,
            body_html=render_markdown(body), summary=summary, sources=sources,
            credentials=credentials, reviewer=reviewer, last_reviewed_on=last_reviewed_on,
            next_review_on=next_review_on, reading_level=_level(body, language),
        )
        if translation_of is not None:
            Article.objects.filter(pk=translation_of.pk).update(translation=article)
            Article.objects.filter(pk=article.pk).update(translation=translation_of)
            article.translation = translation_of
    return article


def article_update(*, editor, article: Article, **values) -> Article:
    if not permissions.can_edit_article(editor, article):
        raise Http404
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "community" in values and not permissions.can_write_in(editor, values["community"]):
        raise Http404
    merged = {"last_reviewed_on": article.last_reviewed_on,
              "next_review_on": article.next_review_on, **values}
    _check_dates(merged)
    for name, value in values.items():
        setattr(article, name, value)
    article.body_html = render_markdown(article.body)
    article.reading_level = _level(article.body, article.language)
    article.updated_at = timezone.now()
    if "next_review_on" in values:
        article.review_reminded_for = None
    article.save()
    _forget_links_of(article)
    return article


def _forget_links_of(article: Article) -> None:
    thread_ids = list(ArticleLink.objects.filter(article=article).values_list(
        "post__thread_id", flat=True).distinct())
    if thread_ids:
        transaction.on_commit(lambda: forget_thread_links(thread_ids), robust=True)


def _set_status(*, actor, article: Article, status: str, action: str, reason: str) -> Article:
    if not permissions.can_publish_article(actor, article):
        raise Http404
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.status == status:
            return locked
        locked.status = status
        fields = ["status", "updated_at"]
        locked.updated_at = timezone.now()
        if status == Article.Status.PUBLISHED and locked.published_at is None:
            locked.published_at = timezone.now()
            fields.append("published_at")
        locked.save(update_fields=fields)
        audit_record(actor=actor, action=action, target=locked, reason=reason,
                     community_id=locked.community_id)
        _forget_links_of(locked)
    return locked


def article_publish(*, actor, article: Article, reason: str = "") -> Article:
    return _set_status(actor=actor, article=article, status=Article.Status.PUBLISHED,
                       action="article_publish", reason=reason)


def article_unpublish(*, actor, article: Article, reason: str = "") -> Article:
    return _set_status(actor=actor, article=article, status=Article.Status.UNPUBLISHED,
                       action="article_unpublish", reason=reason)


def article_vote(*, user, article: Article, helpful: bool) -> ArticleVote:
    """One vote per member: a second vote changes the first; the counts follow."""
    if not permissions.can_vote_helpful(user, article):
        raise Http404
    with transaction.atomic():
        vote = ArticleVote.objects.select_for_update().filter(article=article, user=user).first()
        if vote is None:
            vote = ArticleVote.objects.create(article=article, user=user, helpful=helpful)
            field = "helpful_yes" if helpful else "helpful_no"
            Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})
        elif vote.helpful != helpful:
            vote.helpful = helpful
            vote.save(update_fields=["helpful"])
            up, down = ("helpful_yes", "helpful_no") if helpful else ("helpful_no", "helpful_yes")
            Article.objects.filter(pk=article.pk).update(**{up: F(up) + 1, down: F(down) - 1})
    return vote


def article_viewed(*, user, article: Article) -> bool:
    """Count a member's first reading of the article (True when it was the first)."""
    if not permissions.counts_as_member_view(user, article):
        return False
    try:
        with transaction.atomic():
            ArticleView.objects.create(article=article, user=user)
    except IntegrityError:
        return False
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    return True


def article_attach(*, user, post: Post, article: Article) -> ArticleLink:
    """"Read more" under an answer, by a verified clinician or a moderator."""
    if not permissions.can_attach_to(user, post):
        raise Http404
    if not permissions.can_attach_article(user, post, article):
        raise PermissionDenied(_("That article cannot be attached here."))
    link, _created = ArticleLink.objects.get_or_create(
        article=article, post=post, defaults={"added_by": user})
    thread_id = post.thread_id
    transaction.on_commit(lambda: forget_thread_links([thread_id]), robust=True)
    return link


def article_detach(*, user, link: ArticleLink) -> None:
    if not permissions.can_attach_to(user, link.post):
        raise Http404
    thread_id = link.post.thread_id
    link.delete()
    transaction.on_commit(lambda: forget_thread_links([thread_id]), robust=True)


def question_from_article(*, author, article: Article, community: Community, title: str,
                          body: str, anonymous: bool = False) -> Thread:
    """A question started from an article: the forum's own thread_create (screened like every
    post), then the link that lists it under "Questions about this article"."""
    if not permissions.can_ask_about(author, article, community):
        if not permissions.can_view_article(author, article):
            raise Http404
        raise PermissionDenied(_("Join this community to ask a question."))
    with transaction.atomic():
        thread = forum.thread_create(author=author, community=community, title=title, body=body,
                                     kind=Thread.Kind.QUESTION, anonymous=anonymous)
        first = thread.posts.get(position=1)
        ArticleLink.objects.create(article=article, post=first, added_by=author,
                                   started_here=True)
    return thread


# --- Review reminders ----------------------------------------------------------------------


def articles_due_for_review(*, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return (Article.objects.filter(next_review_on__lte=today, author__isnull=False)
            .exclude(status=Article.Status.UNPUBLISHED)
            .exclude(review_reminded_for=F("next_review_on")))


def review_reminders_send(*, today: datetime.date | None = None) -> int:
    """One email per article and review date to its author, through the outbox (its dedupe
    key makes it once even if two workers run this)."""
    from notifications import emails
    from notifications.models import Outbox
    from notifications.services import _dispatch, eligible_for_email
    from notifications.tasks import outbox_send_batch

    made: list[int] = []
    for article in articles_due_for_review(today=today).select_related("author"):
        author = article.author
        with transaction.atomic():
            Article.objects.filter(pk=article.pk).update(
                review_reminded_for=article.next_review_on)
            if not eligible_for_email(type(author).objects.filter(pk=author.pk)).exists():
                continue
            key = f"learn:review:{article.pk}:{article.next_review_on:%Y-%m-%d}"
            if Outbox.objects.filter(dedupe_key=key).exists():
                continue
            link = emails.absolute(reverse("learn:edit", kwargs={"pk": article.pk}))
            subject, text, html = emails.render_email(
                "learn/review_due", {"link": link, "article": article}, user=author)
            row = Outbox.objects.create(
                recipient=author, kind=Outbox.Kind.REPORT, dedupe_key=key, subject=subject,
                text=text, html=html, headers={"Auto-Submitted": "auto-generated",
                                               "Message-ID": emails.message_id(key)})
            made.append(row.pk)
    if made:
        transaction.on_commit(lambda: _dispatch(outbox_send_batch, made), robust=True)
    return len(made)
