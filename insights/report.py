"""The monthly report: one calendar month beside the month before, on two printed pages.

The same context renders the page (`/insights/report/?month=2026-10`, print stylesheet) and
the PDF (`manage.py insights_report --month 2026-10 --pdf FILE`, WeasyPrint). On the first of
the month, staff who subscribe get an email with the headline and a link to the report
(figures are aggregates; the link needs a staff sign-in), through the outbox.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import metrics, outcomes, presenters, rollup
from .charts import sparkline, week_chart
from .periods import Month

CSS = "insights/report.css"
# WeasyPrint narrates every step at INFO; Hearth's log wants only its warnings.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


def report_context(*, community_ids, month: Month, scope_label: str) -> dict:
    """Everything the report shows (fixed queries: the figures, two series, reach)."""
    figures = metrics.figures(community_ids=community_ids, period=month)
    series = rollup.series(community_ids=community_ids, period=month)
    trends = rollup.weekly(community_ids=community_ids, until=month.last_day,
                           names=("active", "clinician_answers", "helped"))
    reach = outcomes.reach(community_ids, month)
    sections = {s["key"]: s for s in presenters.dashboard_sections(figures)}
    return {
        "month": month,
        "scope_label": scope_label,
        "figures": figures,
        "headline": presenters.headline(figures, series, sparkline=sparkline),
        "trends": [
            {"name": name, "title": _(rollup.SERIES[name]), "points": points,
             "svg": week_chart(chart_id=f"report-trend-{name}", title=_(rollup.SERIES[name]),
                               points=points)}
            for name, points in trends.items()
        ],
        "outcomes": sections["outcomes"],
        "questions": sections["questions"],
        "reach_languages": presenters.reach_rows(reach["languages"]),
        "reach_communities": presenters.reach_rows(reach["communities"]),
    }


def stylesheet_path() -> str:
    found = finders.find(CSS)
    if not found:
        raise FileNotFoundError(CSS)
    return str(found)


def render_pdf(context: dict, *, language: str | None = None) -> bytes:
    """The report as a PDF (WeasyPrint draws the same HTML with the print stylesheet)."""
    from weasyprint import CSS as WeasyCSS  # noqa: N811 - WeasyPrint's name
    from weasyprint import HTML

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string("insights/report_document.html", context)
    return HTML(string=html, base_url=str(Path(settings.BASE_DIR))).write_pdf(
        stylesheets=[WeasyCSS(filename=stylesheet_path())])


def report_url(month: Month) -> str:
    from notifications import emails

    return emails.absolute(reverse("insights:report") + "?" + urlencode({"month": month.key}))


def report_email_queue(*, month: Month) -> list[int]:
    """Queue the month's report email for every staff member who subscribes: one outbox row
    each, once (its dedupe key names the member and the month). Returns the new rows' ids."""
    from accounts.models import User
    from notifications import emails
    from notifications.models import Outbox
    from notifications.services import _dispatch, eligible_for_email
    from notifications.tasks import outbox_send_batch

    recipients = list(eligible_for_email(User.objects.filter(
        is_staff=True, insights_report_subscription__isnull=False)).order_by("pk"))
    if not recipients:
        return []
    context = report_context(community_ids=None, month=month,
                             scope_label=_("All communities"))
    link = report_url(month)
    made = []
    with transaction.atomic():
        for user in recipients:
            key = f"insights-report:{user.pk}:{month.key}"
            if Outbox.objects.filter(dedupe_key=key).exists():
                continue
            subject, text, html = emails.render_email(
                "insights/report", {**context, "link": link}, user=user)
            row = Outbox.objects.create(
                recipient=user, kind=Outbox.Kind.REPORT, dedupe_key=key, subject=subject,
                text=text, html=html,
                headers={"Auto-Submitted": "auto-generated",
                         "Message-ID": emails.message_id(key)})
            made.append(row.pk)
        if made:
            transaction.on_commit(lambda: _dispatch(outbox_send_batch, made), robust=True)
    return made
