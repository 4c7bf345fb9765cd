"""Who sees insights: staff everything, a moderator their communities, a verified clinician
their own impact; everyone else a 404, the same as a page that does not exist."""

from __future__ import annotations

import pytest

from tests.conftest import client_for

PAGES = ("/insights/", "/insights/export.csv", "/insights/data.json")


@pytest.mark.parametrize("url", PAGES)
def test_a_member_gets_404(maria, url):
    assert client_for(maria).get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_a_visitor_gets_404(visitor, db, url):
    assert visitor.get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_a_clinician_who_moderates_nothing_gets_404(drlee, url):
    assert client_for(drlee).get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_staff_and_moderators_may_open_every_page(as_admin, as_sam, url):
    assert as_admin.get(url).status_code == 200
    assert as_sam.get(url).status_code == 200


def test_the_impact_page_is_only_for_a_verified_clinician(as_drlee, as_maria, as_admin):
    assert as_drlee.get("/insights/me/").status_code == 200
    assert as_maria.get("/insights/me/").status_code == 404
    assert as_admin.get("/insights/me/").status_code == 404


def test_the_nav_shows_insights_only_to_those_who_may_see_them(as_admin, as_sam, as_drlee,
                                                              as_maria):
    assert 'href="/insights/">Insights<' in as_admin.get("/").content.decode()
    assert 'href="/insights/">Insights<' in as_sam.get("/").content.decode()
    assert 'href="/insights/me/">Insights<' in as_drlee.get("/").content.decode()
    assert "Insights<" not in as_maria.get("/").content.decode()


def test_the_nav_decision_costs_at_most_one_query(maria, sam, admin,
                                                  django_assert_max_num_queries):
    from insights.permissions import insights_nav_target

    for user, expected in ((maria, None), (sam, "dashboard"), (admin, "dashboard")):
        with django_assert_max_num_queries(1):
            assert insights_nav_target(user) == expected
