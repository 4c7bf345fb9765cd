"""Medians and percentiles of durations, the same on PostgreSQL and SQLite.

On PostgreSQL the database computes them with `percentile_cont` (continuous: linear
interpolation between the two nearest values). On SQLite, which has no such aggregate, one
query fetches the pairs of timestamps and Python applies the same formula. Either way it is
one query, and results are rounded to whole seconds so that both give identical figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from django.db import connection
from django.db.models import Aggregate, BooleanField, ExpressionWrapper, F, FloatField, Func, Q


class PercentileCont(Aggregate):
    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression, percentile: float, **extra):
        if not 0 <= percentile <= 1:
            raise ValueError("percentile must be between 0 and 1")
        super().__init__(expression, percentile=float(percentile), **extra)


class EpochSeconds(Func):
    """Seconds in a PostgreSQL interval."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    output_field = FloatField()


def percentile_cont(values: Iterable[float], p: float) -> float | None:
    """PostgreSQL's percentile_cont in Python: interpolate at position p·(n−1)."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = p * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _seconds(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def durations_percentiles(
    queryset, specs: Mapping[str, tuple[str, str, Mapping[str, Q], Iterable[float]]],
) -> dict[str, dict[str, dict[float, int | None]]]:
    """Percentiles of several durations (`end − start`, in whole seconds, over the rows where
    both are set) for each named group (a condition on the rows), in one query:
    {name: (start, end, groups, percentiles)} -> {name: {group: {percentile: seconds}}}."""
    specs = {name: (start, end, groups, tuple(percentiles))
             for name, (start, end, groups, percentiles) in specs.items()}

    def both_set(start, end) -> Q:
        return Q(**{f"{start}__isnull": False, f"{end}__isnull": False})

    if connection.vendor == "postgresql":
        aggregates = {}
        for name, (start, end, groups, percentiles) in specs.items():
            duration = EpochSeconds(F(end) - F(start))
            for group, condition in groups.items():
                for i, p in enumerate(percentiles):
                    aggregates[f"{name}__{group}__{i}"] = PercentileCont(
                        duration, p, filter=condition & both_set(start, end))
        row = queryset.aggregate(**aggregates)
        return {name: {group: {p: _seconds(row[f"{name}__{group}__{i}"])
                               for i, p in enumerate(percentiles)} for group in groups}
                for name, (_start, _end, groups, percentiles) in specs.items()}
    any_row = Q(pk__in=[])
    flags, fields = {}, set()
    for name, (start, end, groups, _percentiles) in specs.items():
        fields |= {start, end}
        for group, condition in groups.items():
            any_row |= condition & both_set(start, end)
            flags[f"in_{name}__{group}"] = ExpressionWrapper(condition & both_set(start, end),
                                                             output_field=BooleanField())
    durations: dict = {name: {group: [] for group in groups}
                       for name, (_s, _e, groups, _p) in specs.items()}
    for row in queryset.filter(any_row).annotate(**flags).values(*sorted(fields), *flags):
        for name, (start, end, groups, _percentiles) in specs.items():
            for group in groups:
                if row[f"in_{name}__{group}"]:
                    durations[name][group].append((row[end] - row[start]).total_seconds())
    return {name: {group: {p: _seconds(percentile_cont(values, p)) for p in percentiles}
                   for group, values in durations[name].items()}
            for name, (_start, _end, _groups, percentiles) in specs.items()}
