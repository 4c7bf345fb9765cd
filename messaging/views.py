"""Messages (`/messages/`) and the patient-experience inbox (`/ask/`): thin views over
messaging.services, every access asked of messaging.permissions (404 for the unseen)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.models import Post
from hearth.lib.params import int_param, parse_int

from . import permissions, selectors, services
from .models import MAX_MEMBERS, AskRequest, Message, MessageSettings

User = get_user_model()
REPORT_REASONS = [
    ("spam", gettext_lazy("Spam or advertising")),
    ("scam", gettext_lazy("A scam, or asking for money or personal details")),
    ("harassment", gettext_lazy("Harassment or unwanted contact")),
    ("personal_info", gettext_lazy("Personal information")),
    ("crisis", gettext_lazy("Someone may be in crisis")),
    ("other", gettext_lazy("Something else")),
]


def _require_messages(user) -> None:
    if not permissions.can_use_messages(user):
        raise Http404


def _member(username: str):
    member = User.objects.filter(username__iexact=username, is_active=True).first()
    if member is None or member.is_banned:
        raise Http404
    return member


# --- Conversations -------------------------------------------------------------------------


@login_required
@require_GET
def conversation_list(request):
    _require_messages(request.user)
    conversations = list(selectors.conversation_list(user=request.user)[:100])
    # the header's count, corrected from what this page read anyway (after a cache loss)
    selectors.remember_unread_count(user=request.user,
                                    count=sum(1 for c in conversations if c.has_unread))
    return render(request, "messaging/list.html", {
        "conversations": conversations,
        "can_start": permissions.can_start_conversations(request.user),
        "team": permissions.ask_is_open() and permissions.is_patient_experience(request.user),
    })


def _recipients_from(request, post) -> list:
    names = request.POST.get("to", "") if request.method == "POST" else request.GET.get(
        "to", "")
    found = []
    cleaned = [n.strip().lstrip("@") for n in names.replace(",", " ").split() if n.strip()]
    wanted = list({name.lower(): name for name in cleaned}.values())
    if len(wanted) + 1 > MAX_MEMBERS:  # before any look-up: one query a name
        raise services.MessagingError(_("A conversation can have at most %(n)s members.")
                                      % {"n": MAX_MEMBERS})
    for name in wanted:
        member = User.objects.filter(username__iexact=name, is_active=True,
                                     banned_at__isnull=True).first()
        if member is None:
            raise services.MessagingError(_("There is no member called %(name)s.")
                                          % {"name": name})
        found.append(member)
    if post is not None and post.author is not None and not found:
        found = [post.author]
    return found


@login_required
@require_http_methods(["GET", "POST"])
def conversation_new(request):
    _require_messages(request.user)
    post = None
    post_id = request.POST.get("post") or request.GET.get("post")
    if post_id:
        post = Post.objects.select_related("thread__community", "author").filter(
            pk=parse_int(post_id) or 0).first()
        if post is None or not permissions.can_message_from_post(request.user, post):
            raise Http404
    context = {"post": post, "to": request.POST.get("to", request.GET.get("to", "")),
               "body": request.POST.get("body", ""), "subject": request.POST.get("subject", ""),
               "max_members": MAX_MEMBERS,
               "can_start": permissions.can_start_conversations(request.user)}
    if post is not None and not context["to"] and post.author:
        context["to"] = post.author.username
    if request.method == "POST":
        try:
            conversation = services.conversation_start(
                sender=request.user, recipients=_recipients_from(request, post),
                body=request.POST.get("body", ""), subject=request.POST.get("subject", ""),
                post=post, confirm_identifiers=request.POST.get("confirm_identifiers") == "1")
        except services.IdentifiersFound as found:
            context["identifiers"] = found.labels
        except services.MessagingError as error:
            context["error"] = " ".join(error.messages)
        else:
            return redirect("messaging:conversation", pk=conversation.pk)
        return render(request, "messaging/new.html", context, status=400)
    return render(request, "messaging/new.html", context)


def _conversation(request, pk):
    _require_messages(request.user)
    conversation = selectors.conversation_for(user=request.user, pk=pk)
    if conversation is None:
        raise Http404
    return conversation


@login_required
@require_GET
def conversation_detail(request, pk):
    conversation = _conversation(request, pk)
    rows = selectors.messages_of(user=request.user, conversation=conversation,
                                 before=int_param(request.GET, "before"))
    if rows:
        services.conversation_read(user=request.user, conversation=conversation,
                                   up_to=rows[-1].pk)
    return render(request, "messaging/conversation.html", _page(request, conversation, rows))


def _page(request, conversation, rows, **extra) -> dict:
    return {"conversation": conversation, "rows": rows,
            "members": [m.user for m in conversation.members.all()],
            "last_id": rows[-1].pk if rows else 0,
            "older": rows[0].pk if len(rows) == selectors.PAGE else None,
            "can_send": permissions.can_send_in(request.user, conversation), **extra}


@login_required
@require_POST
def message_send(request, pk):
    conversation = _conversation(request, pk)
    body = request.POST.get("body", "")
    try:
        services.message_send(sender=request.user, conversation=conversation, body=body,
                              confirm_identifiers=request.POST.get("confirm_identifiers") == "1")
    except services.IdentifiersFound as found:
        extra = {"identifiers": found.labels, "body": body}
    except services.MessagingError as error:
        extra = {"error": " ".join(error.messages), "body": body}
    else:
        if request.htmx:
            return render(request, "messaging/_composer.html",
                          {"conversation": conversation, "can_send": True})
        return redirect("messaging:conversation", pk=conversation.pk)
    if request.htmx:  # htmx swaps only a 2xx: the form comes back with its warning and text
        return render(request, "messaging/_composer.html",
                      {"conversation": conversation, "can_send": True, **extra})
    rows = selectors.messages_of(user=request.user, conversation=conversation)
    return render(request, "messaging/conversation.html",
                  _page(request, conversation, rows, **extra), status=400)


@login_required
@require_GET
def messages_after(request, pk, after):
    """The messages after `after`: what the live page asks for on each hint, and on
    reconnecting."""
    conversation = _conversation(request, pk)
    rows = selectors.messages_of(user=request.user, conversation=conversation, after=after)
    if rows:
        services.conversation_read(user=request.user, conversation=conversation,
                                   up_to=rows[-1].pk)
    return render(request, "messaging/_messages.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def message_report(request, pk):
    _require_messages(request.user)
    message = Message.objects.select_related("conversation", "sender").filter(pk=pk).first()
    if message is None or not permissions.can_view_message(request.user, message):
        raise Http404
    context = {"message": message, "reasons": REPORT_REASONS}
    if request.method == "POST":
        try:
            services.message_report(user=request.user, message=message,
                                    reason=request.POST.get("reason", ""),
                                    note=request.POST.get("note", ""))
        except services.MessagingError as error:
            context["error"] = " ".join(error.messages)
            return render(request, "messaging/report.html", context, status=400)
        messages.success(request, _("Thank you. A moderator will look at this message."))
        return redirect("messaging:conversation", pk=message.conversation_id)
    return render(request, "messaging/report.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def message_settings(request):
    _require_messages(request.user)
    current = services.settings_for(request.user)
    if request.method == "POST":
        try:
            services.message_settings_update(user=request.user,
                                             allow_from=request.POST.get("allow_from", ""))
        except services.MessagingError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("messaging:settings")
    from .models import Block

    blocked = User.objects.filter(pk__in=Block.objects.filter(blocker=request.user)
                                  .values("blocked_id")).order_by("username")
    return render(request, "messaging/settings.html", {
        "current": current.allow_from, "choices": MessageSettings.AllowFrom.choices,
        "blocked": blocked})


@login_required
@require_POST
def member_block(request, username):
    _require_messages(request.user)
    member = _member(username)
    blocked = request.POST.get("blocked", "1") == "1"
    services.block_set(user=request.user, member=member, blocked=blocked)
    messages.success(request, _("You won't see messages from %(name)s.") % {"name": member}
                     if blocked else _("%(name)s is no longer blocked.") % {"name": member})
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(reverse("messaging:settings"))


@login_required
@require_POST
def member_follow(request, username):
    _require_messages(request.user)
    member = _member(username)
    services.member_follow_set(user=request.user, member=member,
                               follow=request.POST.get("follow", "1") == "1")
    return redirect("community:profile", username=member.username)


# --- Ask the hospital ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ask(request):
    if not permissions.can_view_own_requests(request.user):
        raise Http404
    context = {"requests": selectors.request_list(user=request.user).filter(
        member=request.user)[:50], "topics": AskRequest.Topic.choices,
        "can_ask": permissions.can_ask(request.user), "form": request.POST}
    if request.method == "POST":
        try:
            created = services.ask_create(
                member=request.user, topic=request.POST.get("topic", ""),
                subject=request.POST.get("subject", ""), body=request.POST.get("body", ""))
        except services.MessagingError as error:
            context["error"] = " ".join(error.messages)
            return render(request, "messaging/ask.html", context, status=400)
        messages.success(request, _("Sent. The patient experience team will reply here and "
                                    "by email."))
        return redirect("messaging:ask_detail", pk=created.pk)
    return render(request, "messaging/ask.html", context)


def _request_for(user, pk) -> AskRequest:
    found = AskRequest.objects.select_related("member", "claimed_by").filter(pk=pk).first()
    if found is None or not permissions.can_view_request(user, found):
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def ask_detail(request, pk):
    found = _request_for(request.user, pk)
    if found.member_id != request.user.pk:
        raise Http404  # the team works it from the inbox
    if request.method == "POST":
        try:
            services.ask_member_reply(member=request.user, request_id=found.pk,
                                      body=request.POST.get("body", ""))
        except services.MessagingError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("messaging:ask_detail", pk=found.pk)
    return render(request, "messaging/ask_detail.html", {
        "req": found, "entries": selectors.request_entries(user=request.user, request=found),
        "can_rate": permissions.can_rate_request(request.user, found)})


@login_required
@require_POST
def ask_rate(request, pk):
    found = _request_for(request.user, pk)
    if found.member_id != request.user.pk:
        raise Http404
    rating = int_param(request.POST, "rating", max_digits=2) or 0
    try:
        services.ask_rate(member=request.user, request_id=found.pk, rating=rating,
                          comment=request.POST.get("comment", ""))
    except services.MessagingError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you for rating the answer."))
    return redirect("messaging:ask_detail", pk=found.pk)


def _require_team(user) -> None:
    if not (permissions.ask_is_open() and permissions.is_patient_experience(user)):
        raise Http404


@login_required
@require_GET
def ask_inbox(request):
    _require_team(request.user)
    status = request.GET.get("status", "open")
    status = status if status in AskRequest.Status.values else ""
    return render(request, "messaging/ask_inbox.html", {
        "requests": selectors.request_list(user=request.user, status=status)[:100],
        "status": status})


@login_required
@require_GET
def ask_work(request, pk):
    _require_team(request.user)
    found = _request_for(request.user, pk)
    return render(request, "messaging/ask_work.html", {
        "req": found, "entries": selectors.request_entries(user=request.user, request=found),
        "can_work": permissions.can_work_request(request.user, found)})


ASK_ACTIONS = {
    "claim": lambda user, pk, body: services.ask_claim(user=user, request_id=pk),
    "reply": lambda user, pk, body: services.ask_reply(user=user, request_id=pk, body=body),
    "note": lambda user, pk, body: services.ask_note(user=user, request_id=pk, body=body),
    "resolve": lambda user, pk, body: services.ask_resolve(user=user, request_id=pk),
    "reopen": lambda user, pk, body: services.ask_reopen(user=user, request_id=pk),
}


@login_required
@require_POST
def ask_action(request, pk, action):
    _require_team(request.user)
    found = _request_for(request.user, pk)
    act = ASK_ACTIONS.get(action)
    if act is None:
        raise Http404
    try:
        act(request.user, found.pk, request.POST.get("body", ""))
    except services.MessagingError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("messaging:ask_work", pk=found.pk)
