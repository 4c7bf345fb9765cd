"""The education section's newcomers (welcomed or not, posted within 7 days) read from the
rollup's stored rows equal the old scan of every membership (issue 24)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from insights import education
from insights.models import DailyMetric
from insights.periods import Period
from mentors.models import Welcome

from .conftest import at
from .scan_reference import scan_newcomers


def _welcome(member, community, when, status="sent"):
    Welcome.objects.create(member=member, community=community, body="Welcome",
                           body_html="<p>Welcome</p>", status=status, created_at=when)


@pytest.fixture
def welcomed(world):
    _welcome(world.eve, world.D, at(3, 2, 12))  # eve joined D on 2 March and posted on 3 March
    _welcome(world.hal, world.D, at(3, 5, 13))  # hal posted on the day he joined
    _welcome(world.gus, world.M, at(3, 4, 9), status="held")  # held: not a welcome yet
    _welcome(world.fay, world.H, at(3, 20))  # fay joined on 3 March, welcomed 17 days later
    return world


PERIODS = [Period(date(2025, 3, 1), date(2025, 3, 7)), Period(date(2025, 2, 1), date(2025, 3, 31)),
           Period(date(2025, 3, 3), date(2025, 3, 3)), Period(date(2024, 3, 31), date(2025, 3, 30))]


def _check(world):
    for period in PERIODS:
        for scope in (None, {world.D.pk}, {world.H.pk, world.M.pk}):
            got = education.counts(community_ids=scope, period=period)
            want = scan_newcomers(scope, period)
            assert {key: got[key] for key in want} == want, (period, scope)


def test_newcomers_from_the_stored_rows_equal_the_scan(welcomed):
    call_command("rollup_metrics", "--since", "2025-02-20", "--until", "2025-03-31",
                 verbosity=0)
    assert DailyMetric.objects.filter(name__in=education.NEWCOMERS).exists()
    _check(welcomed)
    # the three welcomed members are counted, fay from the row rewritten on 20 March
    assert education.counts(community_ids=None, period=PERIODS[0])["welcomed_posted"] == (3, 3)


def test_without_a_rollup_every_day_is_read_live_and_equal(welcomed):
    _check(welcomed)


def test_the_rollup_rewrites_only_the_days_that_can_change(welcomed):
    """Rolling up 20 March rewrites the newcomers of 12–20 March and of 3 March (fay's
    welcome), nothing else."""
    days, rows = education.stored_rows(date(2025, 3, 20))
    assert days == {date(2025, 3, d) for d in range(12, 21)} | {date(2025, 3, 3)}
    assert {(row.date, row.name, row.value) for row in rows if row.community_id == welcomed.H.pk} \
        == {(date(2025, 3, 3), "edu_welcomed", 1), (date(2025, 3, 3), "edu_welcomed_posted", 1)}
