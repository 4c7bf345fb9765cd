"""A fresh demo has six months of history: growth, a slow August, a campaign spike, and every
trend on the dashboard drawn from stored days (none missing)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command

from accounts.models import User
from community.models import AnswerVote, Thread
from insights import demo_history, rollup
from insights.models import DailyMetric
from insights.periods import today
from notifications.models import CheckIn, DigestClick
from tests.conftest import client_for

# each test seeds the demo and rolls up its 180 days: 40-80 s on a loaded 2-core machine
pytestmark = pytest.mark.timeout(400)


def test_a_fresh_demo_shows_six_months_of_trends_with_growth_a_slow_august_and_a_campaign(
        db, redis_client):
    call_command("seed_demo", verbosity=0)
    yesterday = today() - timedelta(days=1)  # the UTC day, as the history
    first = yesterday - timedelta(days=demo_history.DAYS - 1)

    # Every day rolled up, for all communities.
    stored = set(DailyMetric.objects.filter(community__isnull=True, name="threads")
                 .values_list("date", flat=True))
    assert stored >= {first + timedelta(days=i) for i in range(demo_history.DAYS)}

    # Growth: more discussions in the last month than in the first.
    threads = Counter(Thread.objects.filter(status="published", created_at__date__gte=first)
                      .values_list("created_at__date", flat=True))
    first_month = sum(n for day, n in threads.items() if day < first + timedelta(days=30))
    last_month = sum(n for day, n in threads.items() if day > yesterday - timedelta(days=30))
    assert last_month > 1.5 * first_month
    # A slow August (when the half year includes it): well under September.
    august = [n for day, n in threads.items() if day.month == 8]
    september = [n for day, n in threads.items() if day.month == 9]
    if len(august) > 10 and len(september) > 10:
        assert sum(august) < 0.6 * sum(september)
    # The campaign week: sign-ups several times an ordinary week's, most from Facebook and X.
    start = yesterday - timedelta(days=45)
    campaign = User.objects.filter(username__startswith="hx-", date_joined__date__gte=start,
                                   date_joined__date__lte=start + timedelta(days=6))
    before = User.objects.filter(username__startswith="hx-",
                                 date_joined__date__gte=start - timedelta(days=7),
                                 date_joined__date__lt=start)
    assert campaign.count() > 3 * max(before.count(), 1)
    assert campaign.filter(signup_source__in=("facebook", "x")).count() > campaign.count() / 2
    # Outcomes exist to show: votes, check-ins asked and answered, digest clicks.
    assert AnswerVote.objects.count() > 30
    assert CheckIn.objects.exclude(answer="").count() > 50
    assert DigestClick.objects.count() > 50
    # History members are never emailed: none has a verified address.
    assert not User.objects.filter(username__startswith="hx-",
                                   emailaddress__verified=True).exists()

    # Staff see the headline and 26 weeks of every trend, no week missing.
    admin = User.objects.get(username="admin")
    response = client_for(admin).get("/insights/")
    assert response.status_code == 200
    trends = {chart["name"]: chart["points"] for chart in response.context["trends"]}
    assert set(trends) == set(rollup.TRENDS)
    for name, points in trends.items():
        assert len(points) == rollup.TREND_WEEKS
        assert all(value is not None for _week, value in points), name
    assert sum(v for _w, v in trends["members_new"][-8:]) > 0
    assert "days have no stored figures yet" not in response.content.decode()

    # A second seed adds nothing.
    counts = (User.objects.count(), Thread.objects.count(), DailyMetric.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (User.objects.count(), Thread.objects.count(), DailyMetric.objects.count()) == counts


def test_make_run_leaves_the_historys_rollup_to_the_worker(
        db, redis_client, monkeypatch, django_capture_on_commit_callbacks):
    """`make run` seeds with --rollup-later: the history's days are queued for the worker (on
    the reports queue) instead of rolled up before the server starts."""
    from hearth.celery import app
    from insights import tasks

    queued = []
    monkeypatch.setattr(tasks.rollup_metrics_range, "delay", lambda *days: queued.append(days))
    with django_capture_on_commit_callbacks(execute=True):  # queued once the history commits
        call_command("seed_demo", "--rollup-later", verbosity=0)
    yesterday = today() - timedelta(days=1)  # the UTC day, as the history
    first = yesterday - timedelta(days=demo_history.DAYS - 1)
    assert queued == [(str(first), str(yesterday))]
    assert not DailyMetric.objects.exists()
    route = app.amqp.router.route({}, "insights.tasks.rollup_metrics_range")
    assert route["queue"].name == "reports"
    tasks.rollup_metrics_range(*queued[0])  # what the worker then does
    stored = set(DailyMetric.objects.filter(community__isnull=True, name="threads")
                 .values_list("date", flat=True))
    assert stored >= {first + timedelta(days=i) for i in range(demo_history.DAYS)}
    with django_capture_on_commit_callbacks(execute=True):  # again: nothing more queued
        call_command("seed_demo", "--rollup-later", verbosity=0)
    assert len(queued) == 1
