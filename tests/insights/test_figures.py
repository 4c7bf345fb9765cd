"""Every figure of the dashboard, the CSV and the JSON equals its value worked out by hand from
the data set in conftest.py (this period 1–7 March 2025, previous 22–28 February)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from tests.conftest import client_for

from .conftest import QUERY

# (this period, previous period), worked out by hand; durations in seconds.
EXPECTED = {
    # 12 members; before 1 March: ana, ben, cat, dan, drkim, drpat, sam.
    "members_total": (12, 7),
    "members_new": (5, 3),  # eve fay gus hal ivy / cat dan drpat
    "active_daily": (2, 1),  # ana (seen 7 Mar 18:00), fay / cat (seen 28 Feb 23:30)
    "active_weekly": (10, 5),  # all but cat, sam / ben cat dan drkim sam
    "active_monthly": (12, 5),
    "active_period": (10, 5),
    "dau_mau": (16.7, 20.0),  # 2/12, 1/5
    "contributors_new": (6, 3),  # ana eve fay gus hal drpat / cat dan drkim
    "contributors_returning": (3, 1),  # ben dan drkim / ben
    "threads": (6, 3),  # T6 T1 T2 T3 T4 T5 / T7 T8 T10 (T11 hidden)
    "replies": (7, 2),  # T1×2, T10, T2, T3, T6, T8 / T7×2 (held reply and 8 Mar 00:00 out)
    "reactions": (5, 1),
    "questions_asked": (5, 2),  # T1..T5 / T7 T10
    "questions_answered_pct": (60.0, 100.0),
    "questions_clinician_pct": (40.0, 100.0),
    "questions_accepted_pct": (20.0, 50.0),
    "first_reply_median": (5400, 133200),  # 1800 5400 86400 / 7200 259200
    "first_reply_p90": (70200, 234000),  # 5400 + 0.8×81000 / 7200 + 0.9×252000
    "first_clinician_median": (8100, 172800),  # 1800 14400 / 86400 259200
    "first_clinician_p90": (13140, 241920),
    "questions_waiting": (2, 1),  # T4 T9 / T9
    "clinicians_active": (2, 1),
    "clinician_answers": (3, 1),  # T1 T10 T2 (T8 is a discussion) / T7
    "clinician_accepted": (1, 0),
    "clinician_helpful": (2, 1),
    "clinician_reached": (3, 1),  # ana eve dan / cat
    "moderation_items": (4, 1),
    "resolution_median": (7200, 3600),  # 3600 7200 86400 / 3600
    "crisis_items": (2, 0),
    "crisis_first_action_median": (1200, None),  # 600 1800
    "digests_sent": (4, 1),
    "digests_clicked": (3, 1),
    "digest_ctr": (75.0, 100.0),
    "digest_posted_after_click": (3, 0),  # ana ben eve / dan posted 3 days later
    "signups": (5, 3),
    "questions_clinician": (2, 2),  # T1 T2 / T7 T10
    "digest_returned": (3, 1),  # ana ben eve / dan
    "members_helped": (4, 2),  # ana eve dan (votes) ben (check-in); T1 T2 T10 / cat dan
    "answer_votes": (4, 1),  # ana eve×2 dan / cat
    "answer_helped_pct": (75.0, 100.0),
    "answer_readers": (3, 1),  # ana eve dan (ben read T1 before the answer) / cat
    "answer_response_pct": (100.0, 100.0),
    "checkin_asked": (4, 2),
    "checkin_answered": (3, 1),
    "checkin_response_pct": (75.0, 50.0),
    "checkin_yes": (1, 1),
    "checkin_somewhat": (1, 0),
    "checkin_no": (1, 0),
    "checkin_helped_pct": (66.7, 100.0),  # 2/3, 1/1
}
# How the page shows them.
DISPLAYED = {
    "members_total": ("12", "7"),
    "dau_mau": ("16.7 %", "20.0 %"),
    "questions_answered_pct": ("60.0 %", "100.0 %"),
    "first_reply_median": ("1 h 30 min", "37 h"),
    "first_reply_p90": ("19 h 30 min", "2 days 17 h"),
    "first_clinician_median": ("2 h 15 min", "2 days 0 h"),
    "first_clinician_p90": ("3 h 39 min", "2 days 19 h"),
    "resolution_median": ("2 h", "1 h"),
    "crisis_first_action_median": ("20 min", "—"),
    "crisis_items": ("2", "0"),
    "digest_ctr": ("75.0 %", "100.0 %"),
}
# In the CSV: counts of members below 5 read "<5"; durations are hours.
CSV_EXPECTED = {
    "members_total": ("12", "7"),
    "members_new": ("5", "<5"),
    "active_daily": ("<5", "<5"),
    "active_weekly": ("10", "5"),
    "active_monthly": ("12", "5"),
    "active_period": ("10", "5"),
    "dau_mau": ("16.7", "20.0"),
    "contributors_new": ("6", "<5"),
    "contributors_returning": ("<5", "<5"),
    "threads": ("6", "3"),  # not a count of members: exact
    "replies": ("7", "2"),
    "reactions": ("5", "1"),
    "questions_asked": ("5", "2"),
    "questions_answered_pct": ("60.0", "100.0"),
    "questions_clinician_pct": ("40.0", "100.0"),
    "questions_accepted_pct": ("20.0", "50.0"),
    "first_reply_median": ("1.50", "37.00"),
    "first_reply_p90": ("19.50", "65.00"),
    "first_clinician_median": ("2.25", "48.00"),
    "first_clinician_p90": ("3.65", "67.20"),
    "questions_waiting": ("2", "1"),
    "clinicians_active": ("<5", "<5"),
    "clinician_answers": ("3", "1"),
    "clinician_accepted": ("1", "0"),
    "clinician_helpful": ("2", "1"),
    "clinician_reached": ("<5", "<5"),
    "moderation_items": ("4", "1"),
    "resolution_median": ("2.00", "1.00"),
    "crisis_items": ("2", "0"),
    "crisis_first_action_median": ("0.33", ""),
    "digests_sent": ("4", "1"),
    "digests_clicked": ("3", "1"),
    "digest_ctr": ("75.0", "100.0"),
    "digest_posted_after_click": ("<5", "<5"),
    "signups": ("5", "<5"),
    "questions_clinician": ("2", "2"),
    "digest_returned": ("<5", "<5"),
    "members_helped": ("<5", "<5"),
    "answer_votes": ("<5", "<5"),
    "answer_helped_pct": ("", ""),  # a share of fewer than 5 members: left out, never "<5"
    "answer_readers": ("<5", "<5"),
    "answer_response_pct": ("", ""),
    "checkin_asked": ("<5", "<5"),
    "checkin_answered": ("<5", "<5"),
    "checkin_response_pct": ("", ""),
    "checkin_yes": ("<5", "<5"),
    "checkin_somewhat": ("<5", "<5"),
    "checkin_no": ("<5", "<5"),
    "checkin_helped_pct": ("", ""),
}
# Share of conversation (threads + replies) by community: D 6/13, H 5/13, M 2/13 / 3/5, 1/5, 1/5.
SHARE = {"Diabetes": (3, 3, 4, 46.2, 60.0), "Heart": (2, 3, 1, 38.5, 20.0),
         "Mental": (1, 1, 0, 15.4, 20.0)}
# Sign-ups and first posts by source: (sign-ups this, before, first posts this, before).
SOURCES = {
    "x": (1, 1, 2, 1),  # eve / dan; ana eve / dan
    "facebook": (1, 0, 1, 0),  # fay; fay
    "email": (1, 2, 2, 1),  # gus / cat drpat; gus drpat / cat
    "direct": (1, 0, 1, 1),  # hal; hal / drkim
    "other": (1, 0, 0, 0),  # ivy
}
MODERATION = {("Crisis", "Someone may be in crisis"): (2, 0), ("Held post", "Link"): (1, 0),
              ("Flagged post", "Spam or advertising"): (1, 1)}


def page_figures(html: str) -> dict[str, tuple[str, str]]:
    rows = re.findall(
        r'<tr data-figure="(\w+)">.*?<td data-value="cur">(.*?)</td>\s*'
        r'<td data-value="prev">(.*?)</td>', html, re.S)
    return {key: (unescape(cur), unescape(prev)) for key, cur, prev in rows}


@pytest.fixture
def as_staff(world):
    return client_for(world.admin)


def test_every_figure_on_the_dashboard_equals_its_hand_computed_value(world, as_staff):
    response = as_staff.get(f"/insights/?{QUERY}")
    assert response.status_code == 200
    figures = response.context["figures"]
    computed = {key: (v["cur"], v["prev"]) for key, v in figures.values.items()}
    assert computed == EXPECTED
    shown = page_figures(response.content.decode())
    assert set(shown) == set(EXPECTED)
    for key, expected in DISPLAYED.items():
        assert shown[key] == expected, key


def test_share_of_conversation_moderation_reasons_and_sources(world, as_staff):
    figures = as_staff.get(f"/insights/?{QUERY}").context["figures"]
    share = {row["community"]: (row["threads"]["cur"], row["replies"]["cur"],
                                row["reactions"]["cur"], row["share"]["cur"],
                                row["share"]["prev"]) for row in figures.conversation}
    assert share == SHARE
    sources = {row["source"]: (row["signups"]["cur"], row["signups"]["prev"],
                               row["first_posts"]["cur"], row["first_posts"]["prev"])
               for row in figures.sources}
    assert sources == SOURCES
    reasons = {(row["kind"], row["reason"]): (row["count"]["cur"], row["count"]["prev"])
               for row in figures.moderation}
    assert reasons == MODERATION


def test_every_cell_of_the_csv_equals_its_hand_computed_value(world, as_staff):
    response = as_staff.get(f"/insights/export.csv?{QUERY}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows.index(["section", "figure", "key", "unit", "this period", "previous period",
                         "note"])
    body = rows[header + 1:header + 1 + len(EXPECTED)]
    figures = {row[2]: (row[4], row[5]) for row in body}
    assert figures == CSV_EXPECTED
    for row in body:
        if row[3] == "%":  # a percentage is a number or empty, never "<5"
            assert "<5" not in row[4:6], row
            assert (row[6] == "suppressed: fewer than 5 members") == ("" in row[4:6]), row
    sources = {row[1]: tuple(row[2:]) for row in rows if row and row[0] == "sources"
               and row[1] != "source"}
    assert sources == {
        "X (Twitter)": ("<5", "<5", "<5", "<5"),
        "Facebook": ("<5", "<5", "<5", "<5"),
        "Email": ("<5", "<5", "<5", "<5"),
        "Direct or unknown": ("<5", "<5", "<5", "<5"),
        "Other links": ("<5", "<5", "<5", "<5"),
    }
    share = {row[1]: tuple(row[2:]) for row in rows
             if row and row[0] == "conversation by community" and row[1] != "community"}
    assert share == {
        "Diabetes": ("3", "1", "3", "2", "4", "1", "46.2", "60.0"),
        "Heart": ("2", "1", "3", "0", "1", "0", "38.5", "20.0"),
        "Mental": ("1", "1", "1", "0", "0", "0", "15.4", "20.0"),
    }


def test_the_json_endpoint_gives_the_same_figures_with_small_member_counts_hidden(
        world, as_staff):
    data = as_staff.get(f"/insights/data.json?{QUERY}").json()
    assert data["period"] == {"first_day": "2025-03-01", "last_day": "2025-03-07"}
    assert data["previous_period"] == {"first_day": "2025-02-22", "last_day": "2025-02-28"}
    got = {key: (v["current"], v["previous"]) for key, v in data["figures"].items()}
    assert got["members_total"] == (12, 7)
    assert got["members_new"] == (5, "<5")
    assert got["active_daily"] == ("<5", "<5")
    assert got["threads"] == (6, 3)
    assert got["first_reply_p90"] == (70200, 234000)
    assert got["crisis_first_action_median"] == (1200, None)
    assert got["digest_ctr"] == (75.0, 100.0)
    assert {row["source"]: row["signups"]["cur"]
            for row in data["sources"]} == dict.fromkeys(SOURCES, "<5")


def test_a_moderator_sees_only_their_community(world):
    as_sam = client_for(world.sam)
    response = as_sam.get(f"/insights/?{QUERY}")
    assert response.status_code == 200
    choices = [c for c, _label in response.context["form"].fields["community"].choices if c]
    assert [int(str(c)) for c in choices] == [world.D.pk]
    values = response.context["figures"].values
    # Diabetes: ana ben cat eve hal ivy drkim drpat sam / before March: ana ben cat drkim
    # drpat sam.
    assert (values["members_total"]["cur"], values["members_total"]["prev"]) == (9, 6)
    assert (values["threads"]["cur"], values["replies"]["cur"]) == (3, 3)  # T1 T2 T4
    assert values["questions_asked"]["cur"] == 3
    assert [row["community"] for row in response.context["figures"].conversation] == [
        "Diabetes"]
    # The same when asking for Diabetes by id, and a 404 for another community.
    assert as_sam.get(f"/insights/?{QUERY}&community={world.D.pk}").status_code == 200
    for url in ("/insights/", "/insights/export.csv", "/insights/data.json"):
        assert as_sam.get(f"{url}?{QUERY}&community={world.H.pk}").status_code == 404
        assert as_sam.get(f"{url}?{QUERY}&community=999999").status_code == 404


def test_staff_can_narrow_to_one_community(world, as_staff):
    values = as_staff.get(f"/insights/?{QUERY}&community={world.H.pk}").context[
        "figures"].values
    # Heart: ana dan fay drkim; before March ana dan drkim.
    assert (values["members_total"]["cur"], values["members_total"]["prev"]) == (4, 3)
    assert (values["threads"]["cur"], values["replies"]["cur"]) == (2, 3)
    assert (values["questions_asked"]["cur"], values["questions_asked"]["prev"]) == (1, 1)


def test_a_period_with_bad_dates_says_what_is_wrong(world, as_staff):
    response = as_staff.get("/insights/?period=custom&start=2025-03-09&end=2025-03-01")
    assert response.status_code == 400
    assert "The first day must be on or before the last day." in response.content.decode()
    response = as_staff.get("/insights/?period=custom&start=2025-03-01")
    assert "Give the last day of the period." in response.content.decode()
    response = as_staff.get("/insights/export.csv?period=custom&start=nonsense&end=2025-03-01")
    assert response.status_code == 400
