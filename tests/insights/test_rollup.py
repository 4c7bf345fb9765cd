"""The nightly rollup and its backfill command: rows written, the same on every run."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from insights import tasks
from insights.models import DailyMetric
from insights.rollup import STORED
from tests.conftest import client_for

from .conftest import QUERY

DAYS = 7  # 1–7 March 2025


def backfill():
    out, err = io.StringIO(), io.StringIO()
    call_command("rollup_metrics", "--since", "2025-03-01", "--until", "2025-03-07",
                 stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored(world) -> dict:
    """The daily series' rows (the education section's newcomers rows aside)."""
    return {(m.community_id, m.date, m.name): m.value
            for m in DailyMetric.objects.filter(name__in=STORED)}


def test_backfill_writes_a_row_per_day_community_and_series_and_is_idempotent(world):
    out, err = backfill()
    assert "Rolled up 7 days" in out
    assert "Rolling up" in err  # the tqdm progress bar
    rows = stored(world)
    assert len(rows) == DAYS * (3 + 1) * len(STORED)  # three communities and "all"
    day = date(2025, 3, 2)
    # 2 March: T1 asked in Diabetes with two replies (ben, drkim), drkim's answer in Heart.
    assert rows[(world.D.pk, day, "threads")] == 1
    assert rows[(world.D.pk, day, "questions")] == 1
    assert rows[(world.D.pk, day, "replies")] == 2
    assert rows[(world.D.pk, day, "clinician_answers")] == 1
    assert rows[(world.H.pk, day, "clinician_answers")] == 1
    assert rows[(world.D.pk, day, "reactions")] == 2  # ana→drkim, ana→ben (dan's is Heart)
    assert rows[(world.D.pk, day, "moderation_items")] == 1
    assert rows[(world.H.pk, day, "digest_clicks")] == 2  # ana twice on T6
    assert rows[(world.D.pk, day, "digest_clicks")] == 1  # ben on T9
    assert rows[(world.D.pk, day, "members_new")] == 1  # eve
    # Active on 2 March: ana, ben, drkim in Diabetes; dan, drkim in Heart (ana only posted
    # there on 1 March); overall
    # ana, ben, dan, drkim.
    assert rows[(world.D.pk, day, "active")] == 3
    assert rows[(world.H.pk, day, "active")] == 2
    assert rows[(None, day, "active")] == 4
    assert rows[(None, day, "replies")] == 3
    assert rows[(None, day, "members_new")] == 1
    # again: the same rows, no duplicates
    backfill()
    assert stored(world) == rows


def test_the_charts_read_the_rollup(world):
    as_admin = client_for(world.admin)
    data = as_admin.get(f"/insights/data.json?{QUERY}").json()
    assert {point["value"] for point in data["series"]["threads"]} == {None}
    backfill()
    # the page's stored figures over those days are due: the beat counts them again
    tasks.snapshots_refresh.apply()
    data = as_admin.get(f"/insights/data.json?{QUERY}").json()
    assert [p["value"] for p in data["series"]["threads"]] == [1, 1, 1, 1, 1, 1, 0]
    assert [p["value"] for p in data["series"]["replies"]] == [1, 3, 1, 0, 1, 0, 1]
    assert [p["value"] for p in data["series"]["active"]] == ["<5"] * 7
    page = as_admin.get(f"/insights/?{QUERY}").content.decode()
    assert '<svg class="chart"' in page and "<title id=\"chart-threads-title\">" in page
    assert "style=" not in page.split('<main', 1)[1]  # CSP: no inline style


def test_the_beat_task_rolls_up_yesterday(world):
    written = tasks.rollup_metrics_yesterday.delay()
    assert written.get() == 2 * (3 + 1) * len(STORED)


def test_the_command_refuses_today_and_bad_dates(db):
    with pytest.raises(CommandError):
        call_command("rollup_metrics", "--since", "2999-01-01", "--until", "2999-01-02")
    with pytest.raises(CommandError):
        call_command("rollup_metrics", "--since", "March")


def test_by_week_sums_days_into_monday_weeks_and_averages_members():
    from insights.rollup import by_week

    # Wed 5 – Tue 18 March 2025: a partial first week, a whole one, a partial last one
    days = [(date(2025, 3, d), d) for d in range(5, 19)]
    days[2] = (date(2025, 3, 7), None)  # not stored yet
    assert by_week(days) == [(date(2025, 3, 5), 5 + 6 + 8 + 9),
                             (date(2025, 3, 10), sum(range(10, 17))),
                             (date(2025, 3, 17), 17 + 18)]
    assert by_week(days, average=True)[0] == (date(2025, 3, 5), round((5 + 6 + 8 + 9) / 4))
    assert by_week([(date(2025, 3, 5), None)]) == [(date(2025, 3, 5), None)]


def test_a_long_period_charts_weeks_on_the_page_and_keeps_days_in_the_files(world):
    as_admin = client_for(world.admin)
    query = "period=custom&start=2024-03-08&end=2025-03-07"  # 365 days
    page = as_admin.get(f"/insights/?{query}").content.decode()
    assert "Week by week" in page and "Day by day" not in page
    table = page.split('id="chart-threads-title"', 1)[1].split("</table>", 1)[0]
    assert table.count('<tr><th scope="row">') == 53  # 8 March 2024 is a Friday
    assert "53 weeks from 8 Mar 2024 to 3 Mar 2025" in page
    data = as_admin.get(f"/insights/data.json?{query}").json()
    assert len(data["series"]["threads"]) == 365
    short = as_admin.get(f"/insights/?{QUERY}").content.decode()
    assert "Day by day" in short and "Week by week" not in short


def test_a_days_first_rollup_writes_only_that_days_members_and_a_rerun_clears_first(world):
    """The nightly rollup's work follows the day's activity: no pass over every member's
    stored facts unless the day was rolled up before (then its bit is cleared first)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from insights.rollup import rollup_day

    def facts_updates():
        with CaptureQueriesContext(connection) as ctx:
            rollup_day(date(2025, 3, 2))
        # the pass that clears the day's bit in every stored row of the year: one UPDATE on
        # PostgreSQL; on SQLite (the portable path) the read of the rows that have the bit
        return [q["sql"] for q in ctx.captured_queries
                if q["sql"].startswith("UPDATE insights_memberactivity")
                or "instr(substr(active" in q["sql"]]

    assert facts_updates() == []
    assert len(facts_updates()) == 1
