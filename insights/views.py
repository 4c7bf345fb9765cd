"""Insights pages. Thin: permissions decide, metrics compute, presenters format."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import is_verified_clinician

from . import metrics, permissions, presenters, services, snapshots
from . import report as monthly
from .campaigns import csv_text as campaign_csv
from .context_processors import remember_nav
from .facts import without_jit
from .forms import InsightsFilterForm
from .models import ReportSubscription
from .periods import Month, Period, today


class Selection:
    """What the viewer asked for, within what they may see."""

    def __init__(self, request):
        self.allowed = permissions.insight_community_ids(request.user)
        remember_nav(request, request.user)
        if self.allowed is not None and not self.allowed:
            raise Http404
        self.form = InsightsFilterForm(request.GET or None, community_ids=self.allowed)
        if self.form.is_bound and not self.form.is_valid():
            if "community" in self.form.errors:
                raise Http404  # someone else's community, or none: the same answer
            self.period = None
        else:
            data = self.form.cleaned_data if self.form.is_bound else {}
            self.period = data.get("range") or Period.last_days(30)
        community = self.form.cleaned_data.get("community") if self.form.is_bound else None
        self.community = community
        if community is not None:
            self.community_ids = {community.pk}
        else:
            self.community_ids = self.allowed

    @property
    def label(self) -> str:
        if self.community is not None:
            return self.community.name
        return _("All communities") if self.allowed is None else _("All my communities")

    def scope(self) -> dict:
        return {"community": self.community.slug if self.community else None,
                "label": self.label}


def _invalid(selection: Selection) -> HttpResponse:
    return JsonResponse({"errors": selection.form.errors.get_json_data()}, status=400)


@require_GET
@without_jit
def dashboard(request):
    selection = Selection(request)
    context = {"form": selection.form, "selection": selection, "definitions": DEFINITIONS}
    if selection.period is None:
        return render(request, "insights/dashboard.html", context, status=400)
    data = snapshots.dashboard(selection.community_ids, selection.period)
    figures, reach, page = data.figures, data.reach, data.page
    context.update({
        "computed_at": data.computed_at,
        **data.sections,
        "stored_figures": data.stored,
        # drawn when the figures were counted (insights.snapshots), in the viewer's language
        "headline": page["headline"],
        "trends": page["trends"],
        "reach_languages": presenters.reach_rows(reach["languages"]),
        "reach_communities": presenters.reach_rows(reach["communities"]),
        "figures": figures,
        "sections": presenters.dashboard_sections(figures),
        "charts": page["charts"],
        "weekly_charts": page["weekly"],
        "query": request.GET.urlencode(),
        "can_manage_campaigns": permissions.can_manage_campaigns(request.user),
        "source_labels": [
            (_(presenters.SOURCE_LABELS[row["source"]]), row) for row in figures.sources
        ],
    })
    return render(request, "insights/dashboard.html", context)


@require_GET
@without_jit
def export_csv(request):
    selection = Selection(request)
    if selection.period is None:
        return _invalid(selection)
    data = snapshots.dashboard(selection.community_ids, selection.period)
    text = presenters.csv_text(data.figures, scope_label=selection.label, reach=data.reach)
    text += campaign_csv(community_ids=selection.community_ids, start=selection.period.start,
                         end=selection.period.end)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"hearth-insights-{selection.period.first_day}-{selection.period.last_day}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@without_jit
def data_json(request):
    selection = Selection(request)
    if selection.period is None:
        return _invalid(selection)
    data = snapshots.dashboard(selection.community_ids, selection.period)
    payload = presenters.json_data(data.figures, scope=selection.scope(), series=data.series)
    payload["computed_at"] = data.computed_at.isoformat()
    response = JsonResponse(payload)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@without_jit
def report(request):
    """The printable monthly report: `?month=2026-10` (default: the last finished month), for
    all the viewer's communities or `&community=<id>`."""
    allowed = permissions.insight_community_ids(request.user)
    remember_nav(request, request.user)
    if allowed is not None and not allowed:
        raise Http404
    try:
        month = (Month.parse(request.GET["month"]) if request.GET.get("month")
                 else Month.last_finished())
    except ValueError:
        return HttpResponse(_("Give the month as YYYY-MM, for example 2026-10."), status=400)
    if month.first_day > today():
        return HttpResponse(_("That month has not begun."), status=400)
    community, community_ids = None, allowed
    if request.GET.get("community"):
        form = InsightsFilterForm({"community": request.GET["community"]}, community_ids=allowed)
        form.is_valid()
        community = form.cleaned_data.get("community") if not form.errors.get(
            "community") else None
        if community is None:
            raise Http404
        community_ids = {community.pk}
    if community is not None:
        scope = community.name
    else:
        scope = _("All communities") if allowed is None else _("All my communities")
    context = monthly.report_context(community_ids=community_ids, month=month,
                                     scope_label=scope)
    context.update({
        "previous_month": month.previous(),
        "next_month": Month.of(month.last_day + timedelta(days=1))
        if month.last_day < today() else None,
        "can_subscribe": permissions.can_subscribe_report(request.user),
        "subscribed": permissions.can_subscribe_report(request.user)
        and ReportSubscription.objects.filter(user=request.user).exists(),
    })
    response = render(request, "insights/report.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def report_subscription(request):
    """Staff: get the monthly report by email on the first of the month, or stop it."""
    subscribed = services.report_subscription_set(
        user=request.user, subscribed=request.POST.get("subscribe") == "1")
    messages.success(request, _("You'll get the monthly report by email on the first of each "
                                "month.") if subscribed
                     else _("You won't get the monthly report by email any more."))
    return redirect("insights:report")


@require_GET
def my_impact(request):
    if not permissions.can_view_own_impact(request.user):
        raise Http404
    recent = Period.last_days(30)
    windows = {"cur": recent, "prev": recent.previous(),
               "all": Period(date(2000, 1, 1), recent.last_day)}
    values = metrics.clinician_figures(None, windows, author=request.user)
    rows = [
        {"label": label, **{p: values[f"{key}__{p}"] for p in windows}}
        for key, label in (
            ("clinician_answers", _("Answers to members' questions")),
            ("clinician_accepted", _("Answers accepted")),
            ("clinician_helpful", _("“Helpful” reactions received")),
            ("clinician_reached", _("Members who read your answers")),
        )
    ]
    return render(request, "insights/me.html", {
        "rows": rows, "recent": recent, "previous": windows["prev"],
        "clinician": is_verified_clinician(request.user)})


DEFINITIONS = [
    (gettext_lazy("Members"), gettext_lazy(
        "People with an account who are patients, caregivers or clinicians; staff accounts "
        "are not counted. For one community, its members. “New” means they joined during the "
        "period.")),
    (gettext_lazy("Active"), gettext_lazy(
        "A member who posted, reacted or opened a discussion. For all communities, visiting "
        "Hearth at all also counts. Hearth keeps only the latest visit, so a member who "
        "visited in both periods shows as a visitor only in the latest. Daily, weekly and "
        "monthly active are counted over the last 1, 7 and 30 days of the period.")),
    (gettext_lazy("Contributors"), gettext_lazy(
        "New contributors wrote their first post during the period; returning contributors "
        "posted during the period and had posted before it.")),
    (gettext_lazy("What is counted"), gettext_lazy(
        "Only what members can see: posts held for review, hidden or deleted are left out. "
        "Days are UTC days; the last day of the period is included.")),
    (gettext_lazy("Answered"), gettext_lazy(
        "A question is answered once it has a reply, and answered by a clinician once a "
        "verified clinician replied. Percentages are of the questions asked in the period, as "
        "they stand today.")),
    (gettext_lazy("Median and 90th percentile"), gettext_lazy(
        "The median is the middle value: half the questions were faster, half slower. The 90th "
        "percentile is the time within which nine in ten got their answer. Between two "
        "questions the value is interpolated.")),
    (gettext_lazy("Members reached"), gettext_lazy(
        "Different members (not the clinician, not staff) who opened a discussion after a "
        "clinician answered in it during the period.")),
    (gettext_lazy("Digests"), gettext_lazy(
        "Email digests sent in the period, those with at least one click on a discussion, and "
        "members who posted within 24 hours after clicking. For one community: digests to its "
        "members and clicks on its discussions.")),
    (gettext_lazy("Sources"), gettext_lazy(
        "Where a member first arrived from, kept from their first visit until they sign up: "
        "the utm_source or ref of the link (X, Facebook, email), “direct” when the link named "
        "none, and “other” for any other source.")),
    (gettext_lazy("Outcomes"), gettext_lazy(
        "“Did this answer help?” is asked under clinicians' answers and accepted answers; a "
        "vote counts in the period it was last changed. Its response rate is the share of the "
        "members who read such an answer (after it was posted; not its author, not staff) who "
        "voted. The monthly check-in is asked once a month in a digest; its response rate is "
        "the share of those asked who answered. Members helped: said an answer helped them, "
        "answered the check-in “yes” or “somewhat”, or got a clinician's answer to their "
        "question.")),
    (gettext_lazy("Reach"), gettext_lazy(
        "Members grouped by the language of their account and by community. Any figure of "
        "fewer than 5 members, and any percentage made from fewer than 5 members, is "
        "suppressed, on the page as in the files.")),
    (gettext_lazy("Exports"), gettext_lazy(
        "The CSV and JSON files carry totals only. Any count of fewer than 5 members is "
        "shown as “<5” so no one can be singled out.")),
]
