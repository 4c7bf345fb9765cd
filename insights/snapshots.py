"""The dashboard's figures, stored per selection (issue 24).

Counting a year of a large health system's activity takes about a second however it is
stored (tens of queries over the per-member facts, the window counts and today's activity).
So the page, the CSV and the JSON read the figures as stored rows: one `DashboardSnapshot` per
selection (the communities the viewer asked for and may see, the period, the language),
computed when nobody had computed it within `INSIGHTS_SNAPSHOT_SECONDS`, and kept current by
the beat task `insights.tasks.snapshots_refresh`, which computes again every selection that
someone read in the last two days before it goes stale, and the "last N days" selections
again for a new day. The page says when its figures were computed.

A snapshot holds figures only (no viewer's data): the access decision is made before the
selection's key is known (insights.views.Selection), and two viewers who may see the same
communities read the same row.
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import mark_safe

from . import campaigns, education, metrics, outcomes, patient_experience, presenters, rollup
from .models import DashboardSnapshot
from .periods import Period, today

logger = logging.getLogger(__name__)

REFRESH_READ_WITHIN = timedelta(days=2)  # selections read since then are kept current
FORGET_AFTER = timedelta(days=7)  # selections nobody read since then are deleted
READ_MARK_EVERY = timedelta(hours=1)  # a page view writes its read time at most this often


@dataclass
class Dashboard:
    figures: metrics.Figures
    series: dict
    trends: dict
    reach: dict
    sections: dict  # campaigns, education, patient experience: what their templates show
    page: dict  # the headline, charts and trends as drawn (presenters.page_parts)
    computed_at: datetime
    stored: bool  # read from a stored snapshot (False: computed for this request)


def max_age() -> timedelta:
    return timedelta(seconds=settings.INSIGHTS_SNAPSHOT_SECONDS)


def scope_key(community_ids) -> str:
    return "all" if community_ids is None else ",".join(str(i) for i in sorted(community_ids))


def _community_ids(scope: str) -> set[int] | None:
    return None if scope == "all" else {int(i) for i in scope.split(",") if i}


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def compute(community_ids, period: Period) -> Dashboard:
    """Every figure of the selection, counted now (what the page showed before snapshots),
    and the charts drawn from them in the active language."""
    figures = metrics.figures(community_ids=community_ids, period=period)
    series = rollup.series(community_ids=community_ids, period=period)
    trends = rollup.weekly(community_ids=community_ids)
    return Dashboard(
        figures=figures, series=series, trends=trends,
        reach=outcomes.reach(community_ids, period),
        sections=_sections(community_ids, period),
        page=presenters.page_parts(figures, series, trends),
        computed_at=timezone.now(), stored=False)


def _sections(community_ids, period: Period) -> dict:
    """The dashboard's later sections, as their templates read them."""
    from messaging.permissions import ask_is_open

    found = campaigns.figures(community_ids=community_ids, start=period.start, end=period.end)
    return {
        "campaign_data": {"campaigns": [{k: v for k, v in campaigns.suppressed(r).items()
                                         if k != "campaign"} for r in found["campaigns"]],
                          "shares": [campaigns.suppressed(r) for r in found["shares"]],
                          "windows": campaigns.WINDOWS},
        "education": {"rows": education.figures(community_ids=community_ids, period=period),
                      "fewer_than": education.fewer_than()},
        # the inbox's figures are for a whole-deployment view (staff) only
        "patient_experience": (patient_experience.figures(period)
                               if community_ids is None and ask_is_open() else None),
    }


def dashboard(community_ids, period: Period) -> Dashboard:
    """The selection's figures: its stored snapshot while fresh (one query), else counted now
    and stored for the next viewer."""
    now = timezone.now()
    scope, language = scope_key(community_ids), _language()
    row = (DashboardSnapshot.objects
           .filter(scope=scope, first_day=period.first_day, last_day=period.last_day,
                   language=language, computed_at__gte=now - max_age())
           .only("payload", "computed_at", "read_at").first())
    if row is not None:
        if row.read_at < now - READ_MARK_EVERY:
            DashboardSnapshot.objects.filter(pk=row.pk).update(read_at=now)
        return _decode(json.loads(row.payload), row.computed_at)
    started = time.perf_counter()
    result = compute(community_ids, period)
    _store(scope, period, language, result, read_at=now,
           compute_ms=round((time.perf_counter() - started) * 1000))
    return result


def due() -> list[tuple[str, str, str, str, str]]:
    """Beat (insights.tasks.snapshots_refresh): the selections read in the last two days whose
    snapshot is older than half its lifetime (so that a page view never finds it stale), and
    each "last N days" selection for today once the day has changed, as task arguments
    (scope, first day, last day, language, when last read); forgets what nobody reads."""
    now, current = timezone.now(), today()
    DashboardSnapshot.objects.filter(read_at__lt=now - FORGET_AFTER).delete()
    DashboardSnapshot.objects.filter(relative=True, last_day__lt=current - timedelta(days=1)
                                     ).delete()
    rows = list(DashboardSnapshot.objects.filter(read_at__gte=now - REFRESH_READ_WITHIN)
                .order_by("-read_at")
                .values("scope", "first_day", "last_day", "relative", "language", "read_at",
                        "computed_at", "stale"))
    computed = {(r["scope"], r["first_day"], r["last_day"], r["language"]):
                now - max_age() if r["stale"] else r["computed_at"] for r in rows}
    result, seen = [], set()
    for row in rows:
        period = Period(row["first_day"], row["last_day"])
        if row["relative"] and period.last_day != current:
            period = Period.last_days(period.days, until=current)
        key = (row["scope"], period.first_day, period.last_day, row["language"])
        if key in seen or computed.get(key, now - max_age()) >= now - max_age() / 2:
            continue
        seen.add(key)
        result.append((row["scope"], period.first_day.isoformat(), period.last_day.isoformat(),
                       row["language"], row["read_at"].isoformat()))
    return result


def rolled_up(first_day: date, last_day: date) -> int:
    """The rollup rewrote these days' stored figures: the snapshots over them stay served
    (their figures were counted from the same activity) but are due for the beat."""
    return DashboardSnapshot.objects.filter(first_day__lte=last_day, last_day__gte=first_day,
                                            stale=False).update(stale=True)


def compute_and_store(scope: str, first_day: date, last_day: date, language: str,
                      read_at: datetime) -> None:
    """One selection's figures counted and stored (insights.tasks.snapshot_compute)."""
    period = Period(first_day, last_day)
    started = time.perf_counter()
    with translation.override(language):
        result = compute(_community_ids(scope), period)
    elapsed = round((time.perf_counter() - started) * 1000)
    _store(scope, period, language, result, read_at=read_at, compute_ms=elapsed)
    logger.info("insights snapshot %s %s to %s computed in %s ms", scope, first_day, last_day,
                elapsed)


def _store(scope: str, period: Period, language: str, result: Dashboard, *,
           read_at: datetime, compute_ms: int) -> None:
    values = {"payload": json.dumps(_encode_dashboard(result), separators=(",", ":")),
              "computed_at": result.computed_at, "compute_ms": compute_ms, "stale": False,
              "read_at": read_at, "relative": period.last_day == today()}
    try:
        with transaction.atomic():
            DashboardSnapshot.objects.update_or_create(
                scope=scope, first_day=period.first_day, last_day=period.last_day,
                language=language, defaults=values)
    except IntegrityError:  # another process stored the same selection at the same moment
        pass


# --- figures as JSON and back ------------------------------------------------------------
# Tagged values: dates, periods, tuples and non-text keys come back as they were computed, so
# the page renders a stored snapshot exactly as a counted one (tests/insights/test_snapshots.py).

def _encode(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Period):
        return {"__period__": [value.first_day.isoformat(), value.last_day.isoformat()]}
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, timedelta):
        return {"__timedelta__": value.total_seconds()}
    if isinstance(value, Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("__") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"__items__": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"insights snapshot cannot store {type(value).__name__}")


_TAGS = {
    "__float__": float,
    "__period__": lambda v: Period(date.fromisoformat(v[0]), date.fromisoformat(v[1])),
    "__datetime__": datetime.fromisoformat,
    "__date__": date.fromisoformat,
    "__timedelta__": lambda v: timedelta(seconds=v),
    "__decimal__": Decimal,
    "__tuple__": lambda v: tuple(_decode_value(x) for x in v),
    "__items__": lambda v: {_decode_value(k): _decode_value(x) for k, x in v},
}


def _decode_value(value):
    if isinstance(value, list):
        return [_decode_value(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, inner), = value.items()
            if tag in _TAGS:
                return _TAGS[tag](inner)
        return {k: _decode_value(v) for k, v in value.items()}
    return value


def _days(points: list[tuple[date, int | None]]):
    """A daily series as its first day and its values (most of a long period's snapshot)."""
    first = points[0][0] if points else None
    if first is None or any(day != first + timedelta(days=i)
                            for i, (day, _value) in enumerate(points)):
        return {"points": points}  # tagged by _encode with the rest
    return {"first": first.isoformat(), "values": [value for _day, value in points]}


def _points(days: dict) -> list[tuple[date, int | None]]:
    if "points" in days:
        return _decode_value(days["points"])
    first = date.fromisoformat(days["first"])
    return [(first + timedelta(days=i), value) for i, value in enumerate(days["values"])]


def _encode_dashboard(result: Dashboard) -> dict:
    figures = result.figures
    return _encode({
        "figures": {"period": figures.period, "previous": figures.previous,
                    "values": figures.values, "conversation": figures.conversation,
                    "moderation": figures.moderation, "sources": figures.sources},
        "trends": result.trends, "reach": result.reach,
        "sections": result.sections,
        "series": {name: _days(points) for name, points in result.series.items()},
        "page": result.page,
    })


def _decode(payload: dict, computed_at: datetime) -> Dashboard:
    series = {name: _points(days) for name, days in payload.pop("series").items()}
    data = _decode_value(payload)
    page = data["page"]
    for card in page["headline"]:
        card["sparkline"] = mark_safe(card["sparkline"])  # noqa: S308 - drawn by charts.py
    for chart in (*page["charts"], *page["trends"]):
        chart["svg"] = mark_safe(chart["svg"])  # noqa: S308 - drawn by charts.py
    return Dashboard(figures=metrics.Figures(**data["figures"]), series=series,
                     trends=data["trends"], reach=data["reach"], sections=data["sections"],
                     page=page, computed_at=computed_at,
                     stored=True)
