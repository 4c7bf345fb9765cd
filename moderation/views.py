"""Moderation pages: the review queue, actions, the audit log, watched words, flags."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import ClinicianProfile, User
from accounts.permissions import can_review_clinicians
from community import permissions as forum_permissions
from community import selectors as forum_selectors
from community.models import Community, Thread
from hearth.lib.forms import form_errors_add
from hearth.lib.params import int_list_param, int_param
from hearth.lib.spreadsheets import text_cell

from . import permissions, selectors, services, targets
from .clinicians import clinician_decide
from .forms import (
    AuditFilterForm,
    ClinicianDecisionForm,
    FlagForm,
    NoteForm,
    QueueFilterForm,
    ReasonForm,
    SuspendForm,
    WatchedWordForm,
    WordImportForm,
    WordTestForm,
)
from .models import Flag, ModerationItem, StaffNote
from .screening import ESCALATE, REVIEW, post_text, screen
from .screening.model import degraded_anywhere as screening_degraded_anywhere
from .watched import export_csv, find_hits, parse_csv


def _require_queue(user) -> None:
    if not permissions.can_use_queue(user):
        raise Http404


def _moderated_communities(user):
    ids = forum_permissions.moderated_community_ids(user)
    communities = Community.objects.order_by("name")
    return communities if ids is None else communities.filter(pk__in=ids)


def _back(request, default: str = "moderation:queue"):
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


@login_required
@require_GET
def queue(request):
    _require_queue(request.user)
    form = QueueFilterForm(request.GET or None,
                           communities=_moderated_communities(request.user))
    community = kind = None
    if form.is_valid():
        community = form.cleaned_data["community"]
        kind = form.cleaned_data["kind"]
    items = selectors.queue(user=request.user, community=community, kind=kind or "")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    if community is None and not kind:  # the header's open count is this one
        request.moderation_open = page.paginator.count
    page.object_list = list(page.object_list)
    targets.prefetch(page.object_list)  # the cards of messages and requests, at once
    return render(request, "moderation/queue.html", {
        "form": form, "page": page, "now": timezone.now(),
        "Kind": ModerationItem.Kind,
        "screening_degraded": screening_degraded_anywhere(),
        "can_manage_words": permissions.can_manage_words(request.user),
    })


@login_required
@require_GET
def queue_count(request):
    _require_queue(request.user)
    from .live import open_count

    return JsonResponse({"open": open_count(request.user)})


@login_required
@require_POST
def item_action(request, pk, action):
    _require_queue(request.user)
    try:
        if action == "claim":
            services.item_claim(user=request.user, item_id=pk)
        elif action == "approve":
            services.item_approve(user=request.user, item_id=pk,
                                  reason=request.POST.get("reason", ""))
        elif action == "reach_out":
            services.item_reach_out(user=request.user, item_id=pk,
                                    note=request.POST.get("reason", ""))
        elif action == "reject":
            services.item_reject(user=request.user, item_id=pk,
                                 reason=request.POST.get("reason", ""))
        elif action == "escalate":
            services.item_escalate(user=request.user, item_id=pk,
                                   note=request.POST.get("reason", ""))
        elif action == "redact":
            item = get_object_or_404(ModerationItem, pk=pk, post__isnull=False)
            if not permissions.can_act_on_item(request.user, item):
                raise Http404
            services.post_redact(user=request.user, post=item.post)
        else:
            raise Http404
    except services.ModerationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    messages.success(request, _("Done."))
    return _back(request)


@login_required
@require_POST
def bulk_action(request):
    _require_queue(request.user)
    ids = int_list_param(request.POST, "items")
    try:
        count = services.items_bulk(user=request.user, item_ids=ids,
                                    action=request.POST.get("action", ""),
                                    reason=request.POST.get("reason", ""))
    except services.ModerationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("moderation:queue")
    messages.success(request, _("%(n)s items done.") % {"n": count})
    return redirect("moderation:queue")


@login_required
@require_POST
def post_action(request, pk, action):
    post = forum_selectors.post_with_thread(pk=pk)
    if post is None or not permissions.can_act_on_community(request.user,
                                                             post.thread.community):
        raise Http404
    try:
        if action == "hide":
            services.post_hide(user=request.user, post=post,
                               reason=request.POST.get("reason", ""))
        elif action == "restore":
            services.post_restore(user=request.user, post=post)
        else:
            raise Http404
    except services.ModerationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(post.thread)


@login_required
def thread_move(request, pk):
    """Choose where to move a thread (GET), then move it (POST)."""
    thread = Thread.objects.select_related("community").filter(pk=pk).first()
    if thread is None or not permissions.can_act_on_community(request.user, thread.community):
        raise Http404
    if request.method == "POST":
        return thread_action(request, pk, "move")
    return render(request, "moderation/thread_move.html", {
        "thread": thread,
        "targets": _moderated_communities(request.user).exclude(pk=thread.community_id),
    })


@login_required
@require_POST
def thread_action(request, pk, action):
    thread = Thread.objects.select_related("community").filter(pk=pk).first()
    if thread is None or not permissions.can_act_on_community(request.user, thread.community):
        raise Http404
    if action in ("lock", "unlock"):
        services.thread_lock(user=request.user, thread=thread, locked=action == "lock",
                             reason=request.POST.get("reason", ""))
    elif action in ("pin", "unpin"):
        services.thread_pin(user=request.user, thread=thread, pinned=action == "pin")
    elif action == "move":
        target = Community.objects.filter(slug=request.POST.get("to", "")).first()
        if target is None:
            messages.error(request, _("Choose a community to move to."))
            return redirect(thread)
        services.thread_move(user=request.user, thread=thread, to=target,
                             reason=request.POST.get("reason", ""))
    else:
        raise Http404
    messages.success(request, _("Done."))
    return redirect(thread)


@login_required
def member(request, username):
    _require_queue(request.user)
    member = get_object_or_404(User, username__iexact=username)
    if not permissions.can_view_member_record(request.user, member):
        raise Http404
    notes = StaffNote.objects.filter(member=member).select_related("author")[:50]
    form_name = request.POST.get("form") if request.method == "POST" else None
    forms = {"warn": ReasonForm(prefix="warn"), "suspend": SuspendForm(prefix="suspend"),
             "ban": ReasonForm(prefix="ban"), "note": NoteForm(prefix="note")}
    if form_name in forms:
        form = forms[form_name] = type(forms[form_name])(request.POST, prefix=form_name)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form_name == "warn":
                    services.member_warn(user=request.user, member=member,
                                         reason=data["reason"], community=None)
                elif form_name == "suspend":
                    services.member_suspend(
                        user=request.user, member=member, reason=data["reason"],
                        until=timezone.now() + timedelta(days=data["days"]))
                elif form_name == "ban":
                    services.member_ban(user=request.user, member=member,
                                        reason=data["reason"])
                else:
                    services.staff_note_add(user=request.user, member=member,
                                            body=data["body"])
            except services.ModerationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Done."))
                return redirect("moderation:member", username=member.username)
    return render(request, "moderation/member.html", {
        "member": member, "notes": notes, "forms": forms,
        "accuracy": services.flagger_accuracy(member),
        "can_act": permissions.can_act_on_member(request.user, member),
    }, status=400 if form_name in forms and request.method == "POST" else 200)


@login_required
@require_GET
def audit(request):
    _require_queue(request.user)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.audit_log(user=request.user, **{k: v for k, v in filters.items() if v})
    if request.GET.get("format") == "csv":
        if not permissions.can_export_audit(request.user):
            raise Http404
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="hearth-audit.csv"'
        writer = csv.writer(response)
        writer.writerow(["time_utc", "actor", "action", "target_type", "target_id",
                         "community_id", "reason"])
        for row in rows.iterator(chunk_size=2000):
            writer.writerow([row.created_at.isoformat(), row.actor_label, row.action,
                             row.target_type, row.target_id, row.community_id or "",
                             text_cell(row.reason)])
        return response
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "moderation/audit.html", {
        "form": form, "page": page,
        "can_export": permissions.can_export_audit(request.user),
    })


@login_required
def words(request):
    """Watched words: staff manage every word, a moderator their communities' words."""
    user = request.user
    if not permissions.can_manage_words(user):
        raise Http404
    scope = {"communities": permissions.word_communities(user),
             "every": permissions.can_manage_words_of(user, None)}
    visible = permissions.words_visible_to(user).select_related("community")
    form = WatchedWordForm(prefix="add", **scope)
    test_form = WordTestForm(prefix="test")
    import_form = WordImportForm(prefix="import", **scope)
    test_hits = None
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "add":
            form = WatchedWordForm(request.POST, prefix="add", **scope)
            if form.is_valid():
                try:
                    services.watched_word_add(user=request.user, **form.cleaned_data)
                except services.ModerationError as error:
                    form.add_error("pattern", error)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("moderation:words")
            status = 400
        elif which == "delete":
            word = get_object_or_404(visible, pk=int_param(request.POST, "word"))
            services.watched_word_delete(user=request.user, word=word)
            return redirect("moderation:words")
        elif which == "test":
            test_form = WordTestForm(request.POST, prefix="test")
            if test_form.is_valid():
                text = test_form.cleaned_data["text"]
                test_hits = find_hits(text, list(visible))
        elif which == "import":
            import_form = WordImportForm(request.POST, request.FILES, prefix="import", **scope)
            if import_form.is_valid():
                raw = import_form.cleaned_data["file"].read(200_000)
                rows, errors = parse_csv(raw.decode("utf-8-sig", errors="replace"))
                for error in errors:
                    messages.error(request, error)
                for row in rows:
                    services.watched_word_add(user=request.user, **row,
                                              community=import_form.cleaned_data["community"])
                messages.success(request, _("Imported %(n)s words.") % {"n": len(rows)})
                return redirect("moderation:words")
            status = 400
    if request.GET.get("format") == "csv":
        response = HttpResponse(export_csv(visible),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="watched-words.csv"'
        return response
    return render(request, "moderation/words.html", {
        "words": visible, "form": form, "test_form": test_form,
        "import_form": import_form, "test_hits": test_hits,
    }, status=status)


@login_required
def flag(request, pk):
    """`/p/<id>/flag/`: report a post to the moderators."""
    post = forum_selectors.post_with_thread(pk=pk)
    if post is None or not forum_permissions.can_view_post(request.user, post):
        raise Http404
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.flag_create(user=request.user, post=post, **form.cleaned_data)
            except services.ModerationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you. A moderator will look at this post."))
                return redirect("community:post", pk=post.pk)
        status = 400
    return render(request, "moderation/flag.html", {"post": post, "form": form,
                                                    "reasons": Flag.Reason}, status=status)


@login_required
@require_POST
def check_text(request):
    """The composer's check before posting (htmx): identifiers found, crisis resources."""
    text = request.POST.get("body", "")[:20000]
    title = request.POST.get("title", "")[:200]
    result = screen(post_text(title, text))
    return render(request, "moderation/_check.html", {
        "identifiers": [str(label) for label in result.identifier_labels],
        "crisis": result.crisis_outcome == ESCALATE,
        "support": result.crisis_outcome == REVIEW,
    })


# --- Clinician applications (staff) -------------------------------------------------------------


@login_required
@require_GET
def clinician_review_list(request):
    if not can_review_clinicians(request.user):
        raise Http404
    profiles = ClinicianProfile.objects.select_related("user", "decided_by")
    return render(request, "moderation/clinician_review_list.html", {
        "pending": profiles.filter(status=ClinicianProfile.Status.PENDING).order_by(
            "-created_at"),
        "decided": profiles.exclude(status=ClinicianProfile.Status.PENDING).order_by(
            "-decided_at", "-created_at")[:100],
    })


@login_required
def clinician_review(request, pk: int):
    if not can_review_clinicians(request.user):
        raise Http404
    profile = get_object_or_404(ClinicianProfile.objects.select_related("user"), pk=pk)
    form = ClinicianDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                clinician_decide(profile=profile, by=request.user,
                                 decision=form.cleaned_data["decision"],
                                 reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("Decision recorded; the applicant is notified."))
                return redirect("moderation:clinician_review_list")
        status = 400
    return render(request, "moderation/clinician_review.html",
                  {"profile": profile, "form": form}, status=status)
