"""Every CSV staff download writes what members and moderators typed as text, never as a
spreadsheet formula (hearth.lib.spreadsheets.text_cell)."""

from __future__ import annotations

import csv
import io

import pytest

from hearth.lib.spreadsheets import text_cell


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                   "\t=1", "\r=1"])
def test_a_formula_is_written_as_text(typed):
    assert text_cell(typed) == "'" + typed


@pytest.mark.parametrize("typed", ["Heart Health", "2 + 2", "", "café"])
def test_plain_text_is_unchanged(typed):
    assert text_cell(typed) == typed


def test_the_insights_csv_writes_a_community_name_as_text(as_admin):
    from tests.conftest import make_community

    community = make_community("formula")
    community.name = "=cmd|' /C calc'!A0"
    community.save(update_fields=["name"])
    response = as_admin.get(f"/insights/export.csv?community={community.pk}")
    assert response.status_code == 200
    first = next(csv.reader(io.StringIO(response.content.decode())))
    assert first == ["Hearth insights", "'=cmd|' /C calc'!A0"]
