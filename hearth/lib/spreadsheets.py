"""CSV files that staff open in a spreadsheet."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """A cell written by a member or a moderator, kept as text: a spreadsheet must not run it
    as a formula (OWASP's CSV injection), so a leading =, +, -, @, tab or return is quoted."""
    value = str(value)
    return "'" + value if value[:1] in FORMULA_STARTS else value
