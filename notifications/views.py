from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from community import permissions
from community.models import Thread

from . import digests, presenters, selectors, services, tokens
from .forms import NotificationSettingsForm
from .models import CheckIn


@login_required
@require_GET
def notification_list(request):
    page = Paginator(selectors.notification_list(user=request.user), selectors.PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    # Replies or mentions in one discussion share a line; opening it starts at the oldest.
    items = [
        {
            "notification": line[0],
            "open": line[-1],
            "text": presenters.group_text(line, viewer=request.user),
        }
        for line in selectors.group_page(list(page.object_list))
    ]
    return render(request, "notifications/list.html", {"page": page, "items": items})


@login_required
@require_GET
def notification_open(request, pk: int):
    """Open one: mark it read, then go to what it is about (if the member may still see it)."""
    notification = services.notification_open(user=request.user, notification_id=pk)
    if notification is None:
        raise Http404
    target = presenters.notification_target(notification)
    if target is None:
        return redirect("notifications:list")
    if notification.post_id:
        visible = permissions.can_view_post(request.user, notification.post)
    else:
        visible = permissions.can_view_thread(request.user, notification.thread)
    if not visible:
        messages.info(request, _("That post is no longer available."))
        return redirect("notifications:list")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    instance = services.settings_for(request.user)
    form = NotificationSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.settings_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your email settings are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


# RFC 8058 one-click unsubscribe: mail providers POST to the List-Unsubscribe URL without
# cookies or a CSRF token, so this view alone is exempt from CSRF. That is safe because the
# signed token in the URL is the authorization (it names the member and the list, and only
# Hearth's SECRET_KEY can make one), the only thing a POST can do is turn email off, and a
# GET changes nothing (it shows a confirmation button).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    data = tokens.read_unsubscribe_token(token)
    if data is None or not User.objects.filter(pk=data.user_id).exists():
        raise Http404
    if request.method == "POST":
        services.unsubscribe(user_id=data.user_id, list_name=data.list)
        return render(request, "notifications/unsubscribed.html", {"list": data.list})
    return render(request, "notifications/unsubscribe.html", {"list": data.list})


@require_GET
def click(request, token: str):
    """A thread link in a digest: record the click for the dashboard, then open the thread.
    The thread page applies its own access rule; the redirect reveals nothing."""
    data = tokens.read_click_token(token)
    if data is None:
        raise Http404
    if not Thread.objects.filter(pk=data.thread_id).exists():
        raise Http404
    digests.digest_click_record(user_id=data.user_id, frequency=data.frequency,
                                period=data.period, thread_id=data.thread_id)
    return HttpResponseRedirect(reverse("community:thread_short", kwargs={"pk": data.thread_id}))


@require_http_methods(["GET", "POST"])
def checkin(request, token: str, answer: str):
    """The monthly check-in from the digest, no sign-in: the signed link names the member and
    the month. Opening the link only asks to confirm (mail scanners open every link in an
    email, and must not answer for the member); the button records the answer, and a second
    answer replaces the first. Nothing about the member is shown."""
    data = tokens.read_checkin_token(token)
    if (data is None or answer not in CheckIn.Answer.values
            or not selectors.checkin_asked(user_id=data.user_id, month=data.month)):
        raise Http404
    recorded = request.method == "POST"
    if recorded and services.checkin_answer(
            user_id=data.user_id, month=data.month, answer=answer) is None:
        raise Http404
    others = [
        (value, label, reverse("notifications:checkin", kwargs={"token": token, "answer": value}))
        for value, label in CheckIn.Answer.choices if value != answer
    ]
    response = render(request, "notifications/checkin.html", {
        "answer": CheckIn.Answer(answer).label, "others": others, "recorded": recorded})
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
