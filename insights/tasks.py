"""Thin Celery wrappers around insights.rollup (they take dates, and are idempotent)."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task

from . import rollup
from .periods import today


@shared_task(name="insights.tasks.rollup_metrics_yesterday", acks_late=True)
def rollup_metrics_yesterday() -> int:
    """Beat, shortly after midnight UTC: yesterday's figures, and the day before again in case
    the previous run was missed or late. On Mondays the window counts are counted again over
    every member (a change of account or membership reaches the counts that follow the day
    before only when the member enters or leaves a window: insights.windows.store)."""
    yesterday = today() - timedelta(days=1)
    return rollup.rollup_range(yesterday - timedelta(days=1), yesterday,
                               recount=today().weekday() == 0)


@shared_task(name="insights.tasks.rollup_metrics_day", acks_late=True)
def rollup_metrics_day(day: str) -> int:
    return rollup.rollup_day(date.fromisoformat(day))


@shared_task(name="insights.tasks.rollup_metrics_range", acks_late=True)
def rollup_metrics_range(since: str, until: str) -> int:
    """Days rolled up on the worker: the demo's six months, after `make run` has started
    serving (insights.demo_history), on the "reports" queue."""
    return rollup.rollup_range(date.fromisoformat(since), date.fromisoformat(until))


@shared_task(name="insights.tasks.report_monthly_email", acks_late=True)
def report_monthly_email() -> int:
    """Beat, on the first of the month: last month's report to the staff who subscribe (once:
    each email's dedupe key names the member and the month)."""
    from .periods import Month
    from .report import report_email_queue

    return len(report_email_queue(month=Month.last_finished()))


@shared_task(name="insights.tasks.snapshots_refresh", acks_late=True)
def snapshots_refresh() -> int:
    """Beat, every 5 minutes: queue the dashboard selections read lately whose stored figures
    are getting old, one task each (insights.snapshots), on the "reports" queue."""
    from . import snapshots

    due = snapshots.due()
    for selection in due:
        snapshot_compute.delay(*selection)
    return len(due)


@shared_task(name="insights.tasks.snapshot_compute", acks_late=True)
def snapshot_compute(scope: str, first_day: str, last_day: str, language: str,
                     read_at: str) -> None:
    """One dashboard selection's figures, counted and stored."""
    from datetime import datetime

    from . import snapshots

    snapshots.compute_and_store(scope, date.fromisoformat(first_day),
                                date.fromisoformat(last_day), language,
                                datetime.fromisoformat(read_at))
