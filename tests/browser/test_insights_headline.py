"""Staff on a phone: the insights headline and the trends come first and fit the screen; the
tables are folded and open from the keyboard; each chart has its table; the monthly report
prints (the browser's "Save as PDF") on two pages without the site's menus."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta

import pytest

from tests.browser.conftest import demo_world, sign_in

pytestmark = pytest.mark.browser


def test_staff_read_the_headline_and_six_months_of_trends_on_a_phone_and_print_the_report(
        browser, asgi_server, tmp_path):
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

    # The monthly report, printed by the browser ("Save as PDF"): two clean pages.
    page.locator("a", has_text="Monthly report (print or PDF)").click()
    page.wait_for_url("**/insights/report/")
    assert page.locator("h1").inner_text().startswith("Return on engagement:")
    pdf = tmp_path / "printed.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M), info
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Return on engagement:" in text and "Members helped" in text
    assert "Skip to main content" not in text and "Email me this report" not in text
    context.close()
