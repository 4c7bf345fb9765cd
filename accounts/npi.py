"""The US National Provider Identifier check digit (CMS): Luhn over the number prefixed 80840."""

from __future__ import annotations

import re


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def npi_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit of 80840 followed by the first nine."""
    return bool(re.fullmatch(r"\d{10}", npi or "")) and luhn_valid("80840" + npi)
