"""Staff on a phone: the insights headline and the trends come first and fit the screen; the
tables are folded and open from the keyboard; each chart has its table."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.conftest import demo_world, sign_in

pytestmark = pytest.mark.browser


def test_staff_read_the_headline_and_six_months_of_trends_on_a_phone(browser, asgi_server):
    from insights.demo_history import seed_history

    demo_world()
    seed_history(days=70, until=date.today() - timedelta(days=1))
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    sign_in(page, asgi_server, "admin")
    page.goto(f"{asgi_server}/insights/")

    cards = page.locator(".headline-card")
    assert cards.count() == 5
    labels = [cards.nth(i).locator(".headline-label").inner_text() for i in range(5)]
    assert labels == ["Active members", "Questions answered by a clinician",
                      "Came back through a digest", "New members", "Members helped"]
    for i in range(5):
        box = cards.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, labels[i]
        assert cards.nth(i).locator(".headline-value").inner_text().strip()
        assert "before:" in cards.nth(i).locator(".headline-change").inner_text()
    # Sparklines drawn for the figures with daily values, and named for screen readers.
    sparklines = page.locator(".headline-card svg.sparkline")
    assert sparklines.count() >= 3
    assert "day by day" in sparklines.first.get_attribute("aria-label")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Trends before the tables, which are folded.
    trends = page.locator("[data-trend]")
    assert trends.count() == 5
    tables_heading = page.locator("#tables-title").bounding_box()
    assert trends.last.bounding_box()["y"] < tables_heading["y"]
    for i in range(5):
        card, chart = trends.nth(i).bounding_box(), trends.nth(i).locator("svg").bounding_box()
        assert chart["x"] >= card["x"] and chart["x"] + chart["width"] <= card["x"] + card["width"]
    members_row = page.locator('tr[data-figure="members_total"]')
    assert not members_row.is_visible()

    # A chart's table, then every figure, opened from the keyboard.
    trends.first.locator("summary").focus()
    page.keyboard.press("Enter")
    weeks = trends.first.locator("tbody tr")
    weeks.first.wait_for(state="visible")
    assert weeks.count() == 26
    page.locator("details.insights-tables > summary").focus()
    page.keyboard.press("Enter")
    members_row.wait_for(state="visible")
    assert page.locator('tr[data-figure="members_helped"]').is_visible()
    context.close()
