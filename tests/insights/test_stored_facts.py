"""Issue 24: the dashboard counts stored per-member facts, and they mean what the old live scan
meant. The old scan (tests/insights/scan_reference.py) is the reference: on the seeded world,
for several periods and scopes, the stored path (after the rollup) and the live path (days
not rolled up) both give its figures exactly."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from insights import metrics, outcomes, rollup
from insights.models import DailyMetric, MemberActivity
from insights.periods import Period

from .scan_reference import scan_contributors_and_sources, scan_members

PERIODS = [
    Period(date(2025, 3, 1), date(2025, 3, 7)),  # the hand-computed week
    Period(date(2025, 3, 2), date(2025, 3, 2)),  # one day
    Period(date(2025, 2, 6), date(2025, 3, 7)),  # 30 days
    Period(date(2024, 12, 8), date(2025, 3, 7)),  # 90 days over new year: two years' rows
    Period(date(2024, 3, 8), date(2025, 3, 7)),  # 365 days
]
MEMBER_KEYS = ["members_total", "members_new", "active_daily", "active_weekly",
               "active_monthly", "active_period", "contributors_new", "contributors_returning",
               "signups"]


def scopes(world):
    return [None, {world.D.pk}, {world.H.pk}, {world.D.pk, world.M.pk}]


def scanned(community_ids, period) -> dict:
    windows = {"cur": period, "prev": period.previous()}
    values = scan_members(community_ids, windows)
    totals, sources = scan_contributors_and_sources(community_ids, windows)
    values.update(totals)
    return {"values": {key: {p: values[f"{key}__{p}"] for p in windows} for key in MEMBER_KEYS},
            "sources": sources}


def stored(community_ids, period) -> dict:
    figures = metrics.figures(community_ids=community_ids, period=period)
    values = dict(figures.values)
    windows = {"cur": figures.period, "prev": figures.previous}
    values["signups"] = {p: sum(row["signups"][p] for row in figures.sources) for p in windows}
    return {"values": {key: values[key] for key in MEMBER_KEYS}, "sources": figures.sources}


def reach_active(community_ids, period):
    reach = outcomes.reach(community_ids, period)
    return ([(row["key"], row["active"]) for row in reach["languages"]],
            [(row["key"], row["active"]) for row in reach["communities"]])


def everything(community_ids, period):
    figures = metrics.figures(community_ids=community_ids, period=period)
    return figures.values, figures.conversation, figures.sources


# two years of rollups (each day's facts, daily rows and window counts) for 365 days
LONG = [*PERIODS[:4], pytest.param(PERIODS[4], marks=pytest.mark.timeout(600))]


@pytest.mark.parametrize("period", LONG, ids=lambda p: f"{p.days}d")
def test_stored_facts_give_the_old_scans_figures(world, period):
    expected = {i: scanned(scope, period) for i, scope in enumerate(scopes(world))}
    live = {i: stored(scope, period) for i, scope in enumerate(scopes(world))}
    every_live = {i: everything(scope, period) for i, scope in enumerate(scopes(world))}
    reach_live = {i: reach_active(scope, period) for i, scope in enumerate(scopes(world))}
    assert not MemberActivity.objects.exists()  # nothing rolled up: read live, bounded

    first = period.previous().first_day - timedelta(days=30)
    rollup.rollup_range(first, date(2025, 3, 10))
    assert MemberActivity.objects.exists()
    for i, scope in enumerate(scopes(world)):
        assert live[i] == expected[i], (scope, "live")
        assert stored(scope, period) == expected[i], (scope, "stored")
        assert reach_active(scope, period) == reach_live[i], scope
        # every figure of the dashboard (conversation and clinicians from the daily rows)
        assert everything(scope, period) == every_live[i], scope
    # the week's headline figures were worked out by hand (test_figures): a spot check
    if period == PERIODS[0]:
        assert expected[0]["values"]["active_period"]["cur"] > 0


def test_the_rollup_is_idempotent_and_follows_a_change(world):
    day = date(2025, 3, 2)
    rollup.rollup_day(day)
    before = sorted(MemberActivity.objects.values_list("user_id", "scope", "active", "posted",
                                                       "first_post_at"))
    rollup.rollup_day(day)
    assert sorted(MemberActivity.objects.values_list(
        "user_id", "scope", "active", "posted", "first_post_at")) == before
    # ben's reply on 2 March is hidden: rolled up again, he was not active in diabetes (he
    # reacted there on the 3rd, not the 2nd; his read of T1 on the 2nd keeps him active)
    world.T1_ben.status = "hidden"
    world.T1_ben.save(update_fields=["status"])
    rollup.rollup_day(day)
    row = MemberActivity.objects.get(user=world.ben, scope=world.D.pk, year=2025)
    index = day.timetuple().tm_yday - 1
    assert row.active[index] == "1"  # the read
    assert row.posted[index] == "0"


def test_the_daily_active_series_counts_the_same_facts(world):
    """The chart's "active" per day and the headline's "active on the last day" agree."""
    period = Period(date(2025, 3, 1), date(2025, 3, 7))
    rollup.rollup_range(period.first_day, period.last_day)
    for scope in scopes(world):
        figures = metrics.figures(community_ids=scope, period=period)
        series = dict(rollup.series(community_ids=scope, period=period)["active"])
        if scope is None or len(scope) == 1:
            assert series[period.last_day] == figures.value("active_daily")
    assert DailyMetric.objects.filter(date=period.last_day, name="active",
                                      community__isnull=True).get().value == 2  # ana, fay


@pytest.mark.parametrize("period", [PERIODS[0], PERIODS[3]], ids=lambda p: f"{p.days}d")
def test_stored_days_and_live_days_together_give_the_old_scans_figures(world, period):
    """Rolled up until 4 March: the days after it are read live and joined to the stored
    facts (a member active on both sides counts once)."""
    expected = {i: scanned(scope, period) for i, scope in enumerate(scopes(world))}
    every_live = {i: everything(scope, period) for i, scope in enumerate(scopes(world))}
    rollup.rollup_range(period.previous().first_day - timedelta(days=30), date(2025, 3, 4))
    for i, scope in enumerate(scopes(world)):
        assert stored(scope, period) == expected[i], scope
        assert everything(scope, period) == every_live[i], scope


@pytest.mark.parametrize("period", [PERIODS[0], PERIODS[2], PERIODS[3], PERIODS[4]],
                         ids=lambda p: f"{p.days}d")
def test_stored_window_counts_plus_today_give_the_old_scans_figures(world, period,
                                                                     monkeypatch):
    """Issue 24: with the rollup up to yesterday (6 March) and today 7 March, a period of a
    stored length reads the window counts ending yesterday (and, for the previous period,
    on its last day) and adds today's members: the old scan's figures, for all communities
    and for one; several communities still count the facts."""
    from insights import facts, periods, windows

    for module in (periods, windows, outcomes):
        monkeypatch.setattr(module, "today", lambda: date(2025, 3, 7))
    expected = {i: scanned(scope, period) for i, scope in enumerate(scopes(world))}
    reach_before = {i: reach_active(scope, period) for i, scope in enumerate(scopes(world))}
    for day in sorted({period.previous().last_day, date(2025, 2, 5)}):
        rollup.rollup_day(day)  # the previous periods' last days
    rollup.rollup_range(date(2025, 2, 15), date(2025, 3, 6))  # every day with activity
    cur = {"cur_weekly": Period(date(2025, 3, 1), date(2025, 3, 7)), "cur_period": period}
    for i, scope in enumerate(scopes(world)):
        if scope is None or len(scope) == 1:  # the dashboard reads the stored counts
            assert windows.counts(metrics.facts.scopes(scope), cur, {"cur": period}), scope
        assert stored(scope, period) == expected[i], scope
        assert reach_active(scope, period) == reach_before[i], scope
    with monkeypatch.context() as patched:  # reach for all communities: no per-member count
        for name in ("active_user_ids", "active_membership_ids"):
            patched.setattr(facts, name, lambda *args, **kwargs: 1 / 0)
        assert reach_active(None, period) == reach_before[0]
