"""The dashboard's figures as stored rows (issue 24, insights.snapshots): a page view reads the
selection's snapshot while it is fresh, the beat computes again what people read, and a
stored snapshot renders exactly what a counted one did."""

from __future__ import annotations

import json
import re
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from insights import snapshots, tasks
from insights.models import DashboardSnapshot
from insights.periods import Period, today
from tests.conftest import client_for
from tests.factories import make_user

from .conftest import QUERY

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


def _html(response) -> str:
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


def _members_total(client, query="period=7") -> int:
    data = client.get(f"/insights/data.json?{query}").json()
    return data["figures"]["members_total"]["current"]


def _age(seconds: int) -> None:
    """Every snapshot computed `seconds` ago (as if time had passed)."""
    DashboardSnapshot.objects.update(
        computed_at=timezone.now() - timedelta(seconds=seconds))


def test_a_stored_snapshot_renders_the_same_page_as_the_counted_figures(world):
    client = client_for(world.admin)
    for url in (f"/insights/?{QUERY}", f"/insights/?{QUERY}&community={world.D.pk}",
                "/insights/?period=90", f"/insights/export.csv?{QUERY}",
                f"/insights/data.json?{QUERY}"):
        DashboardSnapshot.objects.all().delete()
        counted = _html(client.get(url))
        assert DashboardSnapshot.objects.count() == 1
        stored = _html(client.get(url))
        assert stored == counted, url


def test_the_round_trip_keeps_every_figure_and_its_type(world):
    period = Period.last_days(30)
    counted = snapshots.compute({world.D.pk, world.H.pk}, period)
    back = snapshots._decode(json.loads(json.dumps(snapshots._encode_dashboard(counted))),
                            counted.computed_at)
    assert back.figures == counted.figures
    assert (back.series, back.trends, back.reach) == (counted.series, counted.trends,
                                                      counted.reach)
    assert back.stored and not counted.stored


def test_a_page_view_reads_the_fresh_snapshot_in_few_queries(world, django_assert_max_num_queries):
    client = client_for(world.admin)
    client.get(f"/insights/?{QUERY}")  # counted and stored
    with django_assert_max_num_queries(12):  # session, user, nav, the snapshot's one row
        assert client.get(f"/insights/?{QUERY}").status_code == 200


def test_figures_follow_the_data_once_the_beat_has_computed_them_again(world, settings):
    client = client_for(world.admin)
    before = _members_total(client)
    make_user("newcomer", days=0)
    # fresh: the page shows the stored figures, and says when they were counted
    assert _members_total(client) == before
    page = client.get("/insights/?period=7").content.decode()
    assert "Figures as of" in page
    # the beat: nothing is due while the snapshot is young
    assert snapshots.due() == []
    _age(settings.INSIGHTS_SNAPSHOT_SECONDS // 2 + 5)
    due = snapshots.due()
    assert [(scope, first, last) for scope, first, last, _lang, _read in due] == [
        ("all", str(Period.last_days(7).first_day), str(today()))]
    tasks.snapshots_refresh.apply()  # queues one compute per due selection (eager here)
    assert _members_total(client) == before + 1
    assert snapshots.due() == []


def test_a_stale_snapshot_is_counted_again_on_the_page(world, settings):
    client = client_for(world.admin)
    before = _members_total(client)
    make_user("newcomer", days=0)
    _age(settings.INSIGHTS_SNAPSHOT_SECONDS + 1)
    assert _members_total(client) == before + 1


def test_last_n_days_move_to_the_new_day_and_unread_selections_are_forgotten(world):
    client = client_for(world.admin)
    client.get("/insights/?period=30")
    yesterday = today() - timedelta(days=1)
    DashboardSnapshot.objects.update(first_day=Period.last_days(30, until=yesterday).first_day,
                                     last_day=yesterday)
    [(scope, first, last, language, _read)] = snapshots.due()
    assert (scope, first, last) == ("all", str(Period.last_days(30).first_day), str(today()))
    # nobody read it for a week: gone, and nothing is due
    DashboardSnapshot.objects.update(read_at=timezone.now() - timedelta(days=8))
    assert snapshots.due() == []
    assert not DashboardSnapshot.objects.exists()


def test_each_language_and_each_set_of_communities_has_its_own_snapshot(world):
    admin = client_for(world.admin)
    admin.get(f"/insights/?{QUERY}")
    admin.get(f"/insights/?{QUERY}", HTTP_ACCEPT_LANGUAGE="es")
    spanish = admin.get(f"/insights/?{QUERY}", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Cifras de las" in spanish
    moderator = client_for(world.sam)  # moderates diabetes only
    moderator.get(f"/insights/?{QUERY}")
    scopes = set(DashboardSnapshot.objects.values_list("scope", "language"))
    assert ("all", "en") in scopes and ("all", "es") in scopes
    assert (str(world.D.pk), "en") in scopes


@pytest.mark.parametrize("who", ["member", "visitor", "other_moderator"])
def test_a_stored_snapshot_is_never_shown_to_someone_who_may_not_see_it(world, client, who):
    client_for(world.admin).get(f"/insights/?{QUERY}&community={world.M.pk}")
    assert DashboardSnapshot.objects.filter(scope=str(world.M.pk)).exists()
    if who == "member":
        client = client_for(world.ana)
    elif who == "other_moderator":
        client = client_for(world.sam)  # moderates diabetes, not "mental"
    for url in (f"/insights/?{QUERY}&community={world.M.pk}",
                f"/insights/data.json?{QUERY}&community={world.M.pk}"):
        assert client.get(url).status_code == 404


def test_the_time_of_the_figures_is_written_in_utc_whatever_the_viewers_zone(world):
    world.admin.time_zone = "America/New_York"
    world.admin.save(update_fields=["time_zone"])
    page = client_for(world.admin).get("/insights/?period=7").content.decode()
    computed = DashboardSnapshot.objects.get().computed_at.astimezone(UTC)
    assert f"Figures as of {computed:%H:%M} UTC" in page
