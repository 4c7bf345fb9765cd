"""The patient-experience inbox ("ask the hospital") on the insights dashboard: requests by
topic, median and 90th percentile time to the first reply and to resolution, ratings, and the
share resolved within the deployment's target, each beside the previous period.

Aggregates only, for the whole deployment (requests belong to no community), so the figures
are shown to staff (all communities) alone; counts below 5 read "<5" as elsewhere. Five
queries whatever the number of requests. Nothing here reads what anyone wrote.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Count, F, Q

from messaging.models import AskRequest

from .periods import Period
from .presenters import format_change, format_value, suppress
from .stats import durations_percentiles


def _in(period: Period) -> Q:
    return Q(created_at__gte=period.start, created_at__lt=period.end)


def figures(period: Period) -> dict:
    prev = period.previous()
    windows = {"cur": period, "prev": prev}
    rows = AskRequest.objects.filter(_in(period) | _in(prev))
    groups = {name: _in(window) for name, window in windows.items()}
    target = timedelta(hours=settings.HEARTH_ASK["target_hours"])
    counts = rows.aggregate(**{
        f"{name}_{what}": agg for name, condition in groups.items() for what, agg in {
            "total": Count("pk", filter=condition),
            "resolved": Count("pk", filter=condition & Q(resolved_at__isnull=False)),
            "in_target": Count("pk", filter=condition & Q(
                resolved_at__isnull=False, resolved_at__lte=F("created_at") + target)),
            "rated": Count("pk", filter=condition & Q(rating__isnull=False)),
            "rating": Avg("rating", filter=condition),
        }.items()
    })
    topics = {(r["topic"], name): r["n"] for name, condition in groups.items()
              for r in rows.filter(condition).values("topic").annotate(n=Count("pk"))}
    times = durations_percentiles(rows, {  # one query for both
        "reply": ("created_at", "first_reply_at", groups, (0.5, 0.9)),
        "resolution": ("created_at", "resolved_at", groups, (0.5, 0.9))})
    reply, resolution = times["reply"], times["resolution"]

    def share(name):
        total = counts[f"{name}_total"]
        return None if not total else 100.0 * counts[f"{name}_in_target"] / total

    def row(label, kind, cur, prev):
        shown = (suppress(cur), suppress(prev)) if kind == "count" else (cur, prev)
        return {"label": label, "cur": shown[0] if kind == "count" else format_value(kind, cur),
                "prev": shown[1] if kind == "count" else format_value(kind, prev),
                "change": format_change(kind, cur, prev)
                if kind != "count" or min(cur or 0, prev or 0) >= 5 else ""}

    from django.utils.translation import gettext as _

    rating = {name: counts[f"{name}_rating"] for name in windows}
    return {
        "target_hours": settings.HEARTH_ASK["target_hours"],
        "rows": [
            row(_("Requests"), "count", counts["cur_total"], counts["prev_total"]),
            row(_("Median time to the first reply"), "duration", reply["cur"][0.5],
                reply["prev"][0.5]),
            row(_("90th percentile time to the first reply"), "duration", reply["cur"][0.9],
                reply["prev"][0.9]),
            row(_("Median time to resolution"), "duration", resolution["cur"][0.5],
                resolution["prev"][0.5]),
            row(_("90th percentile time to resolution"), "duration", resolution["cur"][0.9],
                resolution["prev"][0.9]),
            row(_("Resolved within the target"), "percent", share("cur"), share("prev")),
            row(_("Answers rated"), "count", counts["cur_rated"], counts["prev_rated"]),
            {"label": _("Average rating (1 to 5)"),
             "cur": f"{rating['cur']:.1f}" if rating["cur"] is not None else "—",
             "prev": f"{rating['prev']:.1f}" if rating["prev"] is not None else "—",
             "change": ""},
        ],
        "topics": [{"label": label, "cur": suppress(topics.get((value, "cur"), 0)),
                    "prev": suppress(topics.get((value, "prev"), 0))}
                   for value, label in AskRequest.Topic.choices],
    }
