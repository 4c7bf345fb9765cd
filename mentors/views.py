"""Volunteer mentors' pages: apply, staff review, the mentor's queue and the welcome."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import permissions as forum
from community.models import Community

from . import permissions, selectors, services
from .models import MentorApplication, Welcome

User = get_user_model()


class ApplyForm(forms.Form):
    motivation = forms.CharField(label=gettext_lazy("Why would you like to be a volunteer "
                                                    "mentor here?"), max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 5}))
    guidelines = forms.BooleanField(label=gettext_lazy(
        "I will follow the community guidelines and never give medical advice."))


class WelcomeForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Your welcome"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 6}))


def _community(request, slug: str) -> Community:
    community = Community.objects.filter(slug=slug).first()
    if community is None or not forum.can_view_community(request.user, community):
        raise Http404
    return community


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, slug):
    community = _community(request, slug)
    if not permissions.can_apply(request.user, community):
        raise Http404
    existing = MentorApplication.objects.filter(user=request.user, community=community).first()
    form = ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.mentor_apply(user=request.user, community=community,
                              motivation=form.cleaned_data["motivation"])
        messages.success(request, _("Thank you. Staff will review your application."))
        return redirect("mentors:apply", slug=community.slug)
    return render(request, "mentors/apply.html", {"community": community, "form": form,
                                                  "existing": existing})


@login_required
@require_GET
def review_list(request):
    if not permissions.can_review_mentors(request.user):
        raise Http404
    return render(request, "mentors/review.html", {
        "applications": selectors.pending_applications()[:100],
        "mentors": MentorApplication.objects.filter(
            status=MentorApplication.Status.APPROVED).select_related("user", "community")})


@login_required
@require_POST
def review(request, pk):
    if not permissions.can_review_mentors(request.user):
        raise Http404
    application = get_object_or_404(MentorApplication, pk=pk)
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")[:1000]
    if decision in ("approve", "reject"):
        services.mentor_decide(staff=request.user, application=application,
                               approve=decision == "approve", reason=reason)
    elif decision == "revoke":
        services.mentor_revoke(staff=request.user, application=application, reason=reason)
    return redirect("mentors:review_list")


@login_required
@require_GET
def queue(request, slug):
    community = _community(request, slug)
    if not permissions.can_open_queue(request.user, community):
        raise Http404
    return render(request, "mentors/queue.html", {
        "community": community,
        "new_members": selectors.new_members(community=community, mentor=request.user),
        "questions": selectors.unanswered_questions(community=community, user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def welcome(request, slug, username):
    community = _community(request, slug)
    if not permissions.can_open_queue(request.user, community):
        raise Http404
    member = User.objects.filter(username__iexact=username, is_active=True).first()
    if member is None or not permissions.can_welcome(request.user, member, community):
        raise Http404
    form = WelcomeForm(request.POST or None, initial={"body": services.welcome_text(
        mentor=request.user, member=member, community=community)})
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.welcome_send(mentor=request.user, member=member,
                                         community=community, body=form.cleaned_data["body"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "messages", None) or str(exc))
        else:
            messages.success(request, _("Welcome sent.") if sent.status == "sent" else
                             _("Your welcome waits for a moderator before it is delivered."))
            return redirect("mentors:queue", slug=community.slug)
    return render(request, "mentors/welcome.html", {"community": community, "member": member,
                                                    "form": form})


@login_required
@require_POST
def welcome_seen(request, pk):
    """The member's "Thank you" under their welcome: it is not shown again."""
    welcome = Welcome.objects.filter(pk=pk, member=request.user).first()
    if welcome is None:
        raise Http404
    services.welcome_seen(member=request.user, welcome=welcome)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = welcome.community.get_absolute_url()
    return redirect(next_url)
