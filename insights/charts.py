"""Charts drawn on the server as SVG: no script, no third-party request, no inline style
(the CSP allows none); colours are SVG presentation attributes. Each chart has a title and a
description for screen readers, and the page shows the same numbers as a table."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.utils.dateformat import format as _date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _


@lru_cache(maxsize=4096)
def _label(day: date, fmt: str, language: str | None) -> str:
    return _date_format(day, fmt)


def date_format(day: date, fmt: str) -> str:
    """A day as the page writes it, in the active language; each day formatted once (a page
    labels the same days in 15 charts and their tables)."""
    return _label(day, fmt, get_language())


def table_rows(points: list[tuple[date, int | None]], fmt: str) -> list[tuple[str, str]]:
    """A chart's table: (the day's label, its value or "—")."""
    return [(date_format(day, fmt), "—" if value is None else value) for day, value in points]


WIDTH, HEIGHT = 640, 180
TOP, BOTTOM, LEFT, RIGHT = 18, 26, 8, 8
BAR_FILL = "#2f6f73"
TODAY_FILL = "#b3541e"
AXIS = "#4f5d63"


def bar_chart(*, chart_id: str, title: str, points: list[tuple[date, int | None]],
              today: date | None = None, weeks: bool = False) -> SafeString:
    """Bars of daily values, or with `weeks` of weekly ones (each point the first day of its
    week in the period)."""
    known = [value for _day, value in points if value is not None]
    peak = max(known, default=0)
    total = sum(known)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)
    gap = min(2.0, slot * 0.2)
    bars = []
    for index, (day, value) in enumerate(points):
        if value is None:
            continue
        height = 0 if peak == 0 else plot_h * value / peak
        bars.append((
            f"{LEFT + index * slot + gap / 2:.2f}", f"{TOP + plot_h - height:.2f}",
            f"{max(slot - gap, 0.5):.2f}", f"{height:.2f}",
            TODAY_FILL if day == today else BAR_FILL,
            (_("Week of %(day)s") % {"day": date_format(day, "j M")} if weeks
             else date_format(day, "j M")) + f": {value}",
        ))
    missing = sum(1 for _day, value in points if value is None)
    if points and weeks:
        description = _(
            "%(weeks)s weeks from %(first)s to %(last)s; total %(total)s, highest week "
            "%(peak)s."
        ) % {"weeks": len(points), "first": date_format(points[0][0], "j M Y"),
             "last": date_format(points[-1][0], "j M Y"), "total": total, "peak": peak}
    elif points:
        description = _(
            "%(days)s days from %(first)s to %(last)s; total %(total)s, highest day %(peak)s."
        ) % {"days": len(points), "first": date_format(points[0][0], "j M Y"),
             "last": date_format(points[-1][0], "j M Y"), "total": total, "peak": peak}
    else:
        description = _("No days.")
    if missing and not weeks:  # the page says how many days are missing
        description += " " + ngettext(
            "%(n)s day has no stored figures yet.", "%(n)s days have no stored figures yet.",
            missing) % {"n": missing}
    first = date_format(points[0][0], "j M") if points else ""
    last = date_format(points[-1][0], "j M") if points else ""
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{axis}" '
        'stroke-width="1"/>'
        '<text x="{left}" y="12" font-size="12" fill="{axis}">{peak_label}</text>'
        "{bars}"
        '<text x="{left}" y="{label_y}" font-size="12" fill="{axis}">{first}</text>'
        '<text x="{right}" y="{label_y}" font-size="12" fill="{axis}" '
        'text-anchor="end">{last}</text>'
        "</svg>",
        w=WIDTH, h=HEIGHT, id=chart_id, title=title, desc=description,
        left=LEFT, right=WIDTH - RIGHT, base=f"{TOP + plot_h:.2f}", axis=AXIS,
        peak_label=_("max %(n)s") % {"n": peak}, label_y=HEIGHT - 6, first=first, last=last,
        bars=format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
            bars,
        ) if bars else mark_safe(""),  # noqa: S308 - a constant empty string
    )


SPARK_W, SPARK_H, SPARK_PAD = 120, 32, 3
SPARK_STROKE = "#2f6f73"


def sparkline(*, label: str, points: list[tuple[date, int | None]]) -> SafeString:
    """A small line of the daily values beside a headline figure. Days not stored yet are left
    out. Its words (role="img" and aria-label) say what the line shows."""
    known = [(index, value) for index, (_day, value) in enumerate(points) if value is not None]
    if len(known) < 2:
        return mark_safe("")  # noqa: S308 - a constant empty string
    low = min(value for _i, value in known)
    high = max(value for _i, value in known)
    span = (high - low) or 1
    last_index = max(len(points) - 1, 1)
    coords = " ".join(
        f"{SPARK_PAD + (SPARK_W - 2 * SPARK_PAD) * index / last_index:.1f},"
        f"{SPARK_H - SPARK_PAD - (SPARK_H - 2 * SPARK_PAD) * (value - low) / span:.1f}"
        for index, value in known
    )
    words = _("%(label)s, day by day from %(first)s to %(last)s: %(start)s at first, "
              "%(end)s at the end, highest %(high)s.") % {
        "label": label, "first": date_format(points[known[0][0]][0], "j M"),
        "last": date_format(points[known[-1][0]][0], "j M"), "start": known[0][1],
        "end": known[-1][1], "high": high}
    end_x, end_y = coords.rsplit(" ", 1)[-1].split(",")
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {w} {h}" preserveAspectRatio="none" role="img" '
        'aria-label="{words}" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        '<polyline points="{coords}" fill="none" stroke="{stroke}" stroke-width="2" '
        'vector-effect="non-scaling-stroke" stroke-linejoin="round"/>'
        '<circle cx="{x}" cy="{y}" r="2.5" fill="{dot}"/></svg>',
        w=SPARK_W, h=SPARK_H, words=words, coords=coords, stroke=SPARK_STROKE, x=end_x, y=end_y,
        dot=TODAY_FILL,
    )


def week_chart(*, chart_id: str, title: str, points: list[tuple[date, int | None]]) -> SafeString:
    """Bars of weekly values (each point is the Monday a week starts)."""
    return bar_chart(chart_id=chart_id, title=title, points=points, today=None)
