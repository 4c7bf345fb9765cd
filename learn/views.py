"""The library's pages: thin views over learn.services; every access asked of
learn.permissions (404 for what may not be seen)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import permissions as forum
from community.models import Community, Post
from community.services import RateLimited

from . import permissions, selectors, services
from .forms import ArticleForm, AskForm
from .models import Article
from .readability import reading_level, target_grade


def _community(request, slug: str) -> Community:
    community = Community.objects.filter(slug=slug).first()
    if community is None or not forum.can_view_community(request.user, community):
        raise Http404
    return community


def _article(request, pk: int) -> Article:
    article = (Article.objects.select_related("community", "author__clinician", "reviewer",
                                              "translation").filter(pk=pk).first())
    if article is None or not permissions.can_view_article(request.user, article):
        raise Http404
    return article


@require_GET
def library(request, slug):
    community = _community(request, slug)
    return render(request, "learn/library.html", {
        "community": community,
        "articles": selectors.library(user=request.user, community=community),
        "drafts": selectors.drafts(user=request.user, community=community)[:50],
        "can_write": permissions.can_write_in(request.user, community),
    })


@require_GET
def article_detail(request, pk, slug):
    article = _article(request, pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    user = request.user
    services.article_viewed(user=user, article=article)
    language = (translation.get_language() or "en")[:2]
    other = article.translation
    if other is not None and not permissions.can_view_article(user, other):
        other = None
    vote = None
    if user.is_authenticated:
        vote = article.votes.filter(user=user).values_list("helpful", flat=True).first()
    return render(request, "learn/article.html", {
        "article": article, "other": other,
        "other_is_mine": other is not None and other.language == language
        and article.language != language,
        "can_edit": permissions.can_edit_article(user, article),
        "can_vote": permissions.can_vote_helpful(user, article),
        "vote": vote,
        "questions": selectors.questions_about(user=user, article=article),
        "can_ask": article.is_published and user.is_authenticated,
        "level": reading_level(article.body, article.language)
        if permissions.can_edit_article(user, article) else None,
    })


def _form_page(request, form, *, article=None, translation_of=None):
    body = form["body"].value() or ""
    language = form["language"].value() or "en"
    return render(request, "learn/edit.html", {
        "form": form, "article": article, "translation_of": translation_of,
        "level": reading_level(body, language), "target": target_grade(),
    })


def _save_new(request, *, translation_of=None):
    form = ArticleForm(request.POST or None, user=request.user, initial=_initial(
        request, translation_of))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_create(
                author=request.user, community=data["community"], title=data["title"],
                body=data["body"], language=data["language"], summary=data["summary"],
                sources=data["sources"], credentials=data["credentials"],
                reviewer=data["reviewer"], last_reviewed_on=data["last_reviewed_on"],
                next_review_on=data["next_review_on"], translation_of=translation_of)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect("learn:edit", pk=article.pk)
    return _form_page(request, form, translation_of=translation_of)


def _initial(request, translation_of) -> dict:
    if translation_of is not None:
        return {"community": translation_of.community_id,
                "language": "es" if translation_of.language == "en" else "en",
                "sources": translation_of.sources, "credentials": translation_of.credentials,
                "reviewer": translation_of.reviewer_id,
                "last_reviewed_on": translation_of.last_reviewed_on,
                "next_review_on": translation_of.next_review_on}
    slug = request.GET.get("community", "")
    community = Community.objects.filter(slug=slug).first() if slug else None
    return {"community": community.pk if community else None,
            "language": (translation.get_language() or "en")[:2]}


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request):
    if not permissions.can_write_articles(request.user):
        raise Http404
    return _save_new(request)


@login_required
@require_http_methods(["GET", "POST"])
def article_translate(request, pk):
    original = get_object_or_404(Article, pk=pk)
    if not permissions.can_edit_article(request.user, original):
        raise Http404
    if original.translation_id:
        return redirect("learn:edit", pk=original.translation_id)
    return _save_new(request, translation_of=original)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request, pk):
    article = get_object_or_404(Article.objects.select_related("community"), pk=pk)
    if not permissions.can_edit_article(request.user, article):
        raise Http404
    form = ArticleForm(request.POST or None, instance=article, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.EDITABLE}
        try:
            services.article_update(editor=request.user, article=Article.objects.get(pk=pk),
                                    **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Article saved."))
            return redirect("learn:edit", pk=article.pk)
    article.refresh_from_db()
    return _form_page(request, form, article=article)


@login_required
@require_POST
def level(request):
    """The reading level of the text being written (htmx, while typing)."""
    if not permissions.can_write_articles(request.user):
        raise Http404
    body = request.POST.get("body", "")[:60000]
    language = request.POST.get("language", "en")
    return render(request, "learn/_level.html", {
        "level": reading_level(body, language), "target": target_grade()})


@login_required
@require_POST
def article_status(request, pk):
    article = get_object_or_404(Article, pk=pk)
    if not permissions.can_publish_article(request.user, article):
        raise Http404
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")[:300]
    if action == "publish":
        services.article_publish(actor=request.user, article=article, reason=reason)
        messages.success(request, _("Published."))
    elif action == "unpublish":
        services.article_unpublish(actor=request.user, article=article, reason=reason)
        messages.success(request, _("Unpublished: only writers can see it now."))
    return redirect("learn:edit", pk=article.pk)


@login_required
@require_POST
def article_helpful(request, pk):
    article = _article(request, pk)
    if not permissions.can_vote_helpful(request.user, article):
        raise PermissionDenied
    answer = request.POST.get("helpful")
    if answer not in ("yes", "no"):
        return redirect(article)
    services.article_vote(user=request.user, article=article, helpful=answer == "yes")
    messages.success(request, _("Thank you for telling us."))
    return redirect(article.get_absolute_url() + "#helpful")


@login_required
@require_http_methods(["GET", "POST"])
def article_ask(request, pk):
    article = _article(request, pk)
    if not article.is_published:
        raise Http404
    communities = forum.communities_visible_to(request.user).filter(
        pk__in=[cid for cid, m in forum.memberships_of(request.user).items()
                if m.status == "active"])
    if article.community_id:
        communities = communities.filter(pk=article.community_id)
    form = AskForm(request.POST or None, communities=communities,
                   initial={"community": article.community_id})
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.question_from_article(
                author=request.user, article=article, community=form.cleaned_data["community"],
                title=form.cleaned_data["title"], body=form.cleaned_data["body"])
        except (ValidationError, PermissionDenied, RateLimited) as exc:
            form.add_error(None, getattr(exc, "messages", None) or str(exc))
        else:
            return redirect(thread)
    return render(request, "learn/ask.html", {"article": article, "form": form,
                                               "can_post": communities.exists()})


@login_required
@require_http_methods(["GET", "POST"])
def read_more(request, pk):
    post = get_object_or_404(Post.objects.select_related("thread__community"), pk=pk)
    if not permissions.can_attach_to(request.user, post):
        raise Http404
    articles = selectors.attachable(user=request.user, post=post)
    if request.method == "POST":
        article = articles.filter(pk=request.POST.get("article") or 0).first()
        if article is None:
            messages.error(request, _("Choose an article."))
        else:
            services.article_attach(user=request.user, post=post, article=article)
            messages.success(request, _("The article is attached under the answer."))
            return redirect(post.thread.get_absolute_url() + f"#post-{post.pk}")
    return render(request, "learn/read_more.html", {"post": post, "articles": articles})
