"""Expert Q&A pages: thin views over events.services; every access asked of
events.permissions (404 for what may not be seen)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import permissions as forum
from community.models import Community
from hearth.lib.params import parse_int

from . import permissions, selectors, services
from .forms import EventForm, QuestionForm
from .models import Event, Question, Registration


def _community(request, slug: str) -> Community:
    community = Community.objects.filter(slug=slug).first()
    if community is None or not forum.can_view_community(request.user, community):
        raise Http404
    return community


def _event(request, pk: int) -> Event:
    event = Event.objects.select_related("community", "expert__clinician").filter(pk=pk).first()
    if event is None or not permissions.can_view_event(request.user, event):
        raise Http404
    return event


def _question(request, pk: int) -> Question:
    question = Question.objects.select_related("event__community").filter(pk=pk).first()
    if question is None or not permissions.can_view_question(request.user, question):
        raise Http404
    return question


@require_GET
def event_list(request, slug):
    community = _community(request, slug)
    upcoming, past = selectors.events_of(user=request.user, community=community)
    return render(request, "events/list.html", {
        "community": community, "upcoming": upcoming, "past": past,
        "can_schedule": permissions.can_schedule_in(request.user, community)})


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request, slug):
    community = _community(request, slug)
    if not permissions.can_schedule_in(request.user, community):
        raise Http404
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_schedule(
                by=request.user, community=community, title=data["title"],
                expert=data["expert"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                description=data["description"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The event is scheduled."))
            return redirect(event)
    return render(request, "events/new.html", {"community": community, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = _event(request, pk)
    if not permissions.can_edit_event(request.user, event):
        raise Http404
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.event_update(
                by=request.user, event=event, title=data["title"], expert=data["expert"],
                starts_at=data["starts_at"], ends_at=data["ends_at"],
                description=data["description"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event)
    return render(request, "events/edit.html", {
        "event": event, "form": form, "registrations": event.registrations.count(),
        "can_cancel": permissions.can_cancel_event(request.user, event)})


@login_required
@require_POST
def event_cancel(request, pk):
    event = _event(request, pk)
    if not permissions.can_cancel_event(request.user, event):
        raise Http404
    sent = services.event_cancel(by=request.user, event=event,
                                 reason=request.POST.get("reason", "").strip()[:300])
    messages.success(request, ngettext(
        "The event is cancelled. %(n)s registered member will get an email.",
        "The event is cancelled. %(n)s registered members will get an email.", sent)
        % {"n": sent})
    return redirect(event)


@require_GET
def event_detail(request, pk):
    event = _event(request, pk)
    user = request.user
    services.event_attend(user=user, event=event)
    registered = user.is_authenticated and Registration.objects.filter(
        event=event, user=user).exists()
    return render(request, "events/event.html", {
        "event": event, "phase": event.phase(), "registered": registered,
        "questions": selectors.questions_for(user=user, event=event),
        "registrations": event.registrations.count(),
        "can_register": permissions.can_register(user, event),
        "can_ask": permissions.can_ask(user, event),
        "can_answer": permissions.can_answer(user, event),
        "can_moderate": permissions.can_moderate_event(user, event),
        "can_edit": permissions.can_edit_event(user, event),
        "voted": set(event.questions.filter(votes__user=user).values_list("pk", flat=True))
        if user.is_authenticated else set(),
        "form": QuestionForm(allow_anonymous=event.community.allow_anonymous),
    })


@require_GET
def event_ics(request, pk):
    event = _event(request, pk)
    response = HttpResponse(services.ics_for(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@login_required
@require_POST
def event_register(request, pk):
    event = _event(request, pk)
    if request.POST.get("cancel"):
        services.event_unregister(user=request.user, event=event)
        messages.success(request, _("You are no longer registered."))
    else:
        services.event_register(user=request.user, event=event)
        messages.success(request, _("You are registered. We will remind you the day before "
                                    "and an hour before."))
    return redirect(event)


@login_required
@require_POST
def question_ask(request, pk):
    event = _event(request, pk)
    if not permissions.can_ask(request.user, event):
        raise PermissionDenied
    form = QuestionForm(request.POST, allow_anonymous=event.community.allow_anonymous)
    if form.is_valid():
        try:
            question = services.question_ask(
                author=request.user, event=event, body=form.cleaned_data["body"],
                anonymous=form.cleaned_data.get("anonymous", False))
        except (ValidationError, services.RateLimited) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            if question.status == Question.Status.HELD:
                messages.info(request, _("Your question waits for a moderator before others "
                                         "see it."))
            else:
                messages.success(request, _("Your question is in."))
    else:
        messages.error(request, _("Write your question."))
    return redirect(event.get_absolute_url() + "#questions")


@login_required
@require_POST
def question_vote(request, pk):
    question = _question(request, pk)
    services.question_vote(user=request.user, question=question)
    return redirect(question.event.get_absolute_url() + f"#q-{question.pk}")


@login_required
@require_POST
def question_answer(request, pk):
    question = _question(request, pk)
    if not permissions.can_answer(request.user, question.event):
        raise Http404
    try:
        services.question_answer(expert=request.user, question=question,
                                 body=request.POST.get("answer", ""))
    except ValidationError:
        messages.error(request, _("Write an answer."))
    return redirect(question.event.get_absolute_url() + f"#q-{question.pk}")


@login_required
@require_POST
def question_moderate(request, pk):
    question = _question(request, pk)
    if not permissions.can_moderate_event(request.user, question.event):
        raise Http404
    action = request.POST.get("action", "")
    if action not in ("hide", "release", "order"):
        return redirect(question.event)
    services.question_moderate(moderator=request.user, question=question, action=action,
                               reason=request.POST.get("reason", "")[:300],
                               order=parse_int(request.POST.get("order")))
    return redirect(question.event.get_absolute_url() + "#questions")
