"""Figures as people read them (the page) and as files carry them (CSV, JSON).

Exports carry aggregates only, and any cell that counts fewer than 5 members reads "<5" so
that no small group of patients can be singled out. The page, seen only by staff and
moderators, shows exact figures.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hearth.lib.spreadsheets import text_cell

from .metrics import METRICS, PERCENT_BASE, SECTIONS, Figures
from .sources import SOURCE_LABELS

SMALL = 5
SUPPRESSED = "<5"


def suppress(value):
    """A count of members, or "<5" when it is below 5."""
    if value is None:
        return None
    return SUPPRESSED if value < SMALL else value


def format_duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return (_("%(h)s h %(m)s min") % {"h": hours, "m": minutes}) if minutes else (
            _("%(h)s h") % {"h": hours})
    days, hours = divmod(hours, 24)
    return _("%(d)s days %(h)s h") % {"d": days, "h": hours}


def format_value(kind: str, value) -> str:
    if value is None:
        return "—"
    if kind == "duration":
        return format_duration(value)
    if kind == "percent":
        return f"{value:.1f} %"
    return f"{value:,}"


def format_change(kind: str, cur, prev) -> str:
    if cur is None or prev is None:
        return ""
    diff = cur - prev
    if kind == "percent":
        return f"{diff:+.1f} " + _("pts")
    if kind == "duration":
        if diff == 0:
            return _("same")
        sign = "+" if diff > 0 else "−"
        return sign + format_duration(abs(diff))
    return f"{diff:+,}"


def dashboard_sections(figures: Figures) -> list[dict]:
    sections: dict[str, dict] = {}
    for metric in METRICS:
        cur, prev = figures.values[metric.key]["cur"], figures.values[metric.key]["prev"]
        section = sections.setdefault(metric.section, {
            "key": metric.section, "title": SECTIONS[metric.section], "rows": []})
        section["rows"].append({
            "key": metric.key, "label": metric.label, "help": metric.help,
            "cur": format_value(metric.kind, cur), "prev": format_value(metric.kind, prev),
            "change": format_change(metric.kind, cur, prev),
        })
    return list(sections.values())


def percent_suppressed(metric, figures: Figures, p: str) -> bool:
    """A share made from fewer than 5 members would reveal them."""
    base = PERCENT_BASE.get(metric.key)
    return base is not None and (figures.values[base][p] or 0) < SMALL


def _export_value(metric, value, figures: Figures, p: str):
    if metric.kind == "members":
        return suppress(value)
    if metric.kind == "percent" and percent_suppressed(metric, figures, p):
        return None  # left out; never "<5", which reads as a percentage
    return value


def _hours(seconds: int | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.2f}"


def _csv_cell(metric, value, figures, p):
    value = _export_value(metric, value, figures, p)
    if value is None:
        return ""
    if metric.kind == "duration":
        return _hours(value)
    if metric.kind == "percent":
        return f"{value:.1f}"
    return value


def _csv_note(metric, figures) -> str:
    if metric.kind == "percent" and any(percent_suppressed(metric, figures, p)
                                        for p in ("cur", "prev")):
        return "suppressed: fewer than 5 members"
    return ""


def csv_text(figures: Figures, *, scope_label: str, reach: dict | None = None) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["Hearth insights", text_cell(scope_label)])
    out.writerow(["This period", figures.period.first_day.isoformat(),
                  figures.period.last_day.isoformat()])
    out.writerow(["Previous period", figures.previous.first_day.isoformat(),
                  figures.previous.last_day.isoformat()])
    out.writerow([])
    out.writerow(["section", "figure", "key", "unit", "this period", "previous period",
                  "note"])
    units = {"members": "members", "count": "count", "percent": "%", "duration": "hours"}
    for metric in METRICS:
        values = figures.values[metric.key]
        out.writerow([SECTIONS[metric.section], metric.label, metric.key, units[metric.kind],
                      _csv_cell(metric, values["cur"], figures, "cur"),
                      _csv_cell(metric, values["prev"], figures, "prev"),
                      _csv_note(metric, figures)])
    out.writerow([])
    out.writerow(["conversation by community", "community", "threads (this)",
                  "threads (previous)", "replies (this)", "replies (previous)",
                  "reactions (this)", "reactions (previous)", "share % (this)",
                  "share % (previous)"])
    for row in figures.conversation:
        out.writerow(["conversation by community", row["community"],
                      row["threads"]["cur"], row["threads"]["prev"],
                      row["replies"]["cur"], row["replies"]["prev"],
                      row["reactions"]["cur"], row["reactions"]["prev"],
                      _pct_cell(row["share"]["cur"]), _pct_cell(row["share"]["prev"])])
    out.writerow([])
    out.writerow(["moderation by reason", "kind", "reason", "this period", "previous period"])
    for row in figures.moderation:
        out.writerow(["moderation by reason", row["kind"], row["reason"],
                      row["count"]["cur"], row["count"]["prev"]])
    out.writerow([])
    out.writerow(["sources", "source", "sign-ups (this)", "sign-ups (previous)",
                  "first posts (this)", "first posts (previous)"])
    for row in figures.sources:
        out.writerow(["sources", SOURCE_LABELS[row["source"]],
                      suppress(row["signups"]["cur"]), suppress(row["signups"]["prev"]),
                      suppress(row["first_posts"]["cur"]), suppress(row["first_posts"]["prev"])])
    if reach is not None:
        reach_csv(out, reach)
    return buffer.getvalue()


def _pct_cell(value) -> str:
    return "" if value is None else f"{value:.1f}"


MEMBER_SERIES = {"members_new", "active"}


def json_data(figures: Figures, *, scope: dict, series: dict) -> dict:
    return {
        "scope": scope,
        "period": {"first_day": figures.period.first_day.isoformat(),
                   "last_day": figures.period.last_day.isoformat()},
        "previous_period": {"first_day": figures.previous.first_day.isoformat(),
                            "last_day": figures.previous.last_day.isoformat()},
        "notes": {"suppressed": "Counts of fewer than 5 members are given as \"<5\".",
                  "durations": "Durations are in seconds.",
                  "percent": "Percentages are 0 to 100, one decimal."},
        "figures": {
            metric.key: {
                "label": str(metric.label), "unit": metric.kind,
                "current": _export_value(metric, figures.values[metric.key]["cur"], figures,
                                         "cur"),
                "previous": _export_value(metric, figures.values[metric.key]["prev"], figures,
                                          "prev"),
            }
            for metric in METRICS
        },
        "conversation_by_community": figures.conversation,
        "moderation_by_reason": figures.moderation,
        "sources": [
            {"source": row["source"],
             "signups": {p: suppress(v) for p, v in row["signups"].items()},
             "first_posts": {p: suppress(v) for p, v in row["first_posts"].items()}}
            for row in figures.sources
        ],
        "series": {
            name: [
                {"date": day.isoformat(),
                 "value": suppress(value) if name in MEMBER_SERIES else value}
                for day, value in points
            ]
            for name, points in series.items()
        },
    }


# --- The headline ----------------------------------------------------------------------------

# (figure, daily series for its sparkline, label)
HEADLINE = (
    ("active_period", "active", gettext_noop("Active members")),
    ("questions_clinician", "clinician_answers", gettext_noop("Questions answered by a clinician")),
    ("digest_returned", "digest_clicks", gettext_noop("Came back through a digest")),
    ("signups", "members_new", gettext_noop("New members")),
    ("members_helped", "helped", gettext_noop("Members helped")),
)


def _direction(cur, prev) -> str:
    if cur is None or prev is None or cur == prev:
        return "same"
    return "up" if cur > prev else "down"


def headline(figures: Figures, series: dict, *, sparkline) -> list[dict]:
    """Five figures a leader reads in ten seconds, each with its change against the previous
    period, a sparkline of the period's days, and one line of detail."""
    from .metrics import METRICS_BY_KEY

    values = figures.values
    cards = []
    for key, series_name, label in HEADLINE:
        metric = METRICS_BY_KEY[key]
        cur, prev = values[key]["cur"], values[key]["prev"]
        change = format_change(metric.kind, cur, prev)
        card = {
            "key": key, "label": _(label), "value": format_value(metric.kind, cur),
            "change": change or "—", "direction": _direction(cur, prev),
            "previous": format_value(metric.kind, prev),
            "sparkline": sparkline(label=_(label), points=series.get(series_name, [])),
            "detail": "",
        }
        if key == "active_period":
            card["detail"] = _("of %(n)s members") % {
                "n": format_value("count", values["members_total"]["cur"])}
        elif key == "questions_clinician":
            card["detail"] = _("median time to the answer: %(t)s (before: %(p)s)") % {
                "t": format_duration(values["first_clinician_median"]["cur"]),
                "p": format_duration(values["first_clinician_median"]["prev"])}
        elif key == "digest_returned":
            card["detail"] = _("of %(n)s digests sent") % {
                "n": format_value("count", values["digests_sent"]["cur"])}
        elif key == "signups":
            ranked = sorted((row for row in figures.sources if row["signups"]["cur"]),
                            key=lambda row: -row["signups"]["cur"])
            card["detail"] = ", ".join(
                f"{_(SOURCE_LABELS[row['source']])} {row['signups']['cur']}" for row in ranked
            ) or _("none in this period")
        elif key == "members_helped":
            card["detail"] = _("said an answer or Hearth helped, or got a clinician's answer")
        cards.append(card)
    return cards


def reach_rows(rows: list[dict]) -> list[dict]:
    """Reach rows for the page and the report: counts below 5 read "<5", and a percentage
    made from fewer than 5 members reads "—" (see outcomes.suppressed)."""
    from .outcomes import suppressed

    return [
        {**row,
         "active_pct": "—" if row["active_pct"] is None else f"{row['active_pct']:.1f} %",
         "helped_pct": "—" if row["helped_pct"] is None else f"{row['helped_pct']:.1f} %"}
        for row in suppressed(rows)
    ]


def reach_csv(out, reach: dict) -> None:
    from .outcomes import suppressed

    out.writerow([])
    out.writerow(["reach", "group", "name", "members", "new members", "active members",
                  "active %", "said Hearth helped", "said Hearth helped %"])
    for group, rows in (("language", reach["languages"]), ("community", reach["communities"])):
        for row in suppressed(rows):
            out.writerow(["reach", group, row["label"], row["members"], row["new"],
                          row["active"], _pct_cell(row["active_pct"]), row["helped"],
                          _pct_cell(row["helped_pct"])])


def page_parts(figures: Figures, series: dict, trends: dict) -> dict:
    """What the dashboard draws from the figures, in the active language: the headline with
    its sparklines, each series as a chart and a table (weeks for a period longer than
    rollup.WEEKS_AFTER days: about 52 bars, not 365), the six months' weekly trends. Drawn
    once per stored selection (insights.snapshots), not on each view."""
    from . import rollup
    from .charts import bar_chart, sparkline, table_rows, week_chart
    from .periods import today

    period = figures.period
    weekly = period.days > rollup.WEEKS_AFTER
    current_day = today()
    charts = []
    for name, days in series.items():
        points = (rollup.by_week(days, average=name in rollup.AVERAGED) if weekly else days)
        title = _(rollup.SERIES[name])
        charts.append({
            "name": name, "title": title,
            "svg": bar_chart(chart_id=f"chart-{name}", title=title, points=points,
                             today=None if weekly else current_day, weeks=weekly),
            "rows": table_rows(points, "j M Y" if weekly else "D j M"),
            "missing": sum(1 for _day, value in days if value is None),
        })
    return {
        "headline": headline(figures, series, sparkline=sparkline),
        "charts": charts,
        "weekly": weekly,
        "trends": [
            {"name": name, "title": _(rollup.SERIES[name]), "points": points,
             "rows": table_rows(points, "j M Y"),
             "svg": week_chart(chart_id=f"trend-{name}", title=_(rollup.SERIES[name]),
                               points=points)}
            for name, points in trends.items()
        ],
    }
