"""The headline, outcomes, reach (with small cells suppressed) and the monthly report (page,
PDF, email), on the fixed data set of conftest.py, every figure worked out by hand."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import date
from html import unescape

from django.core import mail
from django.core.management import call_command
from PIL import Image, ImageStat

from insights import outcomes
from insights.models import ReportSubscription
from insights.periods import Month, Period
from notifications import services as outbox
from notifications.models import Outbox
from tests.conftest import client_for

from .conftest import QUERY

PERIOD = Period(date(2025, 3, 1), date(2025, 3, 7))


def test_the_headline_shows_five_figures_with_their_change_before_any_table(world):
    html = client_for(world.admin).get(f"/insights/?{QUERY}").content.decode()
    cards = re.findall(
        r'data-headline="(\w+)">.*?<span class="headline-value" data-value="cur">(.*?)</span>'
        r'\s*<span class="headline-change (\w+)">.*?</span>(.*?) <span class="headline-before">'
        r"\(before: (.*?)\)", html, re.S)
    got = {key: (value, direction, unescape(change).strip(), before)
           for key, value, direction, change, before in cards}
    assert got == {
        "active_period": ("10", "up", "+5", "5"),
        "questions_clinician": ("2", "same", "+0", "2"),
        "digest_returned": ("3", "up", "+2", "1"),
        "signups": ("5", "up", "+2", "3"),
        "members_helped": ("4", "up", "+2", "2"),
    }
    # The median time to a clinician's answer, and sign-ups by source, beside their figures.
    assert "median time to the answer: 2 h 15 min (before: 2 days 0 h)" in html
    assert re.search(r"X \(Twitter\) 1, Facebook 1, Email 1, Direct or unknown 1, Other links 1",
                     html)
    # Headline, then six months of trends, then the tables (folded).
    assert html.index('data-section="headline"') < html.index('data-section="trends"') \
        < html.index('<details class="insights-tables"') < html.index('data-figure="members_total"')
    assert html.count('<figure class="chart-card" data-trend=') == 5


def test_outcomes_count_votes_and_check_ins_with_their_response_rates(world):
    windows = {"cur": PERIOD, "prev": PERIOD.previous()}
    got = outcomes.outcome_figures(None, windows)
    assert {k: got[k] for k in (
        "answer_votes__cur", "answer_helped_yes__cur", "answer_voters__cur",
        "answer_readers__cur", "answer_response_pct__cur", "checkin_asked__cur",
        "checkin_answered__cur", "checkin_response_pct__cur", "checkin_helped_pct__cur",
        "members_helped__cur", "members_helped__prev")} == {
        "answer_votes__cur": 4, "answer_helped_yes__cur": 3, "answer_voters__cur": 3,
        "answer_readers__cur": 3, "answer_response_pct__cur": 100.0, "checkin_asked__cur": 4,
        "checkin_answered__cur": 3, "checkin_response_pct__cur": 75.0,
        "checkin_helped_pct__cur": 66.7, "members_helped__cur": 4, "members_helped__prev": 2}
    # For Diabetes only: votes on its answers (ana, eve×2), its members' check-ins.
    diabetes = outcomes.outcome_figures({world.D.pk}, windows)
    assert (diabetes["answer_votes__cur"], diabetes["checkin_asked__cur"]) == (3, 4)


EXACT_LANGUAGES = {
    # members, new, active, active %, said helped, helped %, askers
    "en": (10, 3, 8, 80.0, 4, 40.0, 3),  # all but gus hal; eve fay ivy; all but cat sam, gus hal
    "es": (2, 2, 2, 100.0, 0, 0.0, 2),  # gus hal
}
EXACT_COMMUNITIES = {
    "Diabetes": (9, 3, 6, 66.7, 3, 33.3),  # active: ana ben drkim eve drpat hal
    "Heart": (4, 1, 4, 100.0, 2, 50.0),  # ana dan fay drkim; helped: ana (check-in), dan
    "Mental": (3, 1, 2, 66.7, 0, 0.0),  # cat gus drpat; active gus drpat
}


def test_reach_by_language_and_community_is_exact_before_suppression(world):
    reach = outcomes.reach(None, PERIOD)
    assert {row["key"]: (row["members"], row["new"], row["active"], row["active_pct"],
                         row["helped"], row["helped_pct"], row["askers"])
            for row in reach["languages"]} == EXACT_LANGUAGES
    assert {row["label"]: (row["members"], row["new"], row["active"], row["active_pct"],
                           row["helped"], row["helped_pct"])
            for row in reach["communities"]} == EXACT_COMMUNITIES


def test_reach_suppresses_every_figure_of_fewer_than_five_members_percentages_included(world):
    html = client_for(world.admin).get(f"/insights/?{QUERY}").content.decode()
    rows = dict(re.findall(r'<tr data-row="(\w+)"><th scope="row">.*?</th>(.*?)</tr>', html))
    cells = {key: [unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
             for key, row in rows.items()}
    assert cells["en"] == ["10", "<5", "8", "80.0 %", "<5", "—"]
    assert cells["es"] == ["<5", "<5", "<5", "—", "<5", "—"]
    assert cells[str(world.D.pk)] == ["9", "<5", "6", "66.7 %", "<5", "—"]
    assert cells[str(world.H.pk)] == ["<5", "<5", "<5", "—", "<5", "—"]

    text = client_for(world.admin).get(f"/insights/export.csv?{QUERY}").content.decode()
    reach = [row for row in csv.reader(io.StringIO(text)) if row and row[0] == "reach"]
    assert reach[1:] == [
        ["reach", "language", "English", "10", "<5", "8", "80.0", "<5", ""],
        ["reach", "language", "Español", "<5", "<5", "<5", "", "<5", ""],
        ["reach", "community", "Diabetes", "9", "<5", "6", "66.7", "<5", ""],
        ["reach", "community", "Heart", "<5", "<5", "<5", "", "<5", ""],
        ["reach", "community", "Mental", "<5", "<5", "<5", "", "<5", ""],
    ]


def test_the_monthly_report_page_prints_the_headline_and_is_staff_only(world):
    response = client_for(world.admin).get("/insights/report/?month=2025-03")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Return on engagement: March 2025" in html
    assert "beside February 2025" in html
    assert 'href="/static/insights/report.css"' in html or "report.css" in html
    figures = response.context["figures"]
    assert figures.period == Month(date(2025, 3, 1), date(2025, 3, 31))
    assert figures.previous == Month(date(2025, 2, 1), date(2025, 2, 28))
    # March: eve fay gus hal ivy signed up; February: cat dan drpat.
    assert (figures.value("signups"), figures.value("signups", "prev")) == (5, 3)
    assert client_for(world.admin).get("/insights/report/?month=2025-13").status_code == 400
    assert client_for(world.ana).get("/insights/report/?month=2025-03").status_code == 404
    assert client_for(world.sam).get(
        f"/insights/report/?month=2025-03&community={world.H.pk}").status_code == 404


def test_the_command_writes_a_two_page_pdf_whose_pages_render_with_the_headline(
        world, tmp_path):
    pdf = tmp_path / "report.pdf"
    out = io.StringIO()
    call_command("insights_report", month="2025-03", pdf=str(pdf), stdout=out)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Wrote the report for 2025-03" in out.getvalue()
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Return on engagement: March 2025" in text
    for label in ("Active members", "Questions answered by a clinician",
                  "Came back through a digest", "New members", "Members helped"):
        assert label in text
    assert "Outcomes: what members say" in text and "Reach: by language and by community" in text
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 2
    for page in pages:
        with Image.open(page) as image:
            assert image.width < image.height  # A4 portrait
            assert ImageStat.Stat(image.convert("L")).stddev[0] > 5  # not a blank page
    first_page = " ".join(subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                                         capture_output=True, text=True, check=True).stdout.split())
    assert "Return on engagement: March 2025" in first_page and "Members helped" in first_page


def test_subscribed_staff_get_the_report_by_email_once_through_the_outbox(world):
    staff = client_for(world.admin)
    assert staff.post("/insights/report/subscription/", {"subscribe": "1"}).status_code == 302
    assert ReportSubscription.objects.filter(user=world.admin).exists()
    # A moderator may read the report but not subscribe to the all-communities email.
    assert client_for(world.sam).post("/insights/report/subscription/",
                                      {"subscribe": "1"}).status_code == 404
    out = io.StringIO()
    call_command("insights_report", month="2025-03", email=True, stdout=out)
    call_command("insights_report", month="2025-03", email=True, stdout=out)
    rows = list(Outbox.objects.filter(kind="report"))
    assert [(r.recipient.username, r.dedupe_key) for r in rows] == [
        ("admin", f"insights-report:{world.admin.pk}:2025-03")]
    outbox.outbox_send([rows[0].pk])
    [message] = mail.outbox
    assert message.subject == "Hearth monthly report: March 2025"
    assert "Members helped: 4 (+2; before: 2)" in message.body
    assert "/insights/report/?month=2025-03" in message.body
    staff.post("/insights/report/subscription/", {"subscribe": "0"})
    assert not ReportSubscription.objects.exists()
