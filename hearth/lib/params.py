"""Numbers read from a request's query string or form, one way everywhere.

`str.isdigit()` accepts "⁰⁴⁵" and "₀₁₂" (and `int()` accepts Arabic-Indic and other decimal
digits, and "1_000", and " 12 "), so checking with one and converting with the other answered
500. A parameter is a number here only when it is 1 to `max_digits` ASCII digits; anything else
is treated as absent, never an error.
"""

from __future__ import annotations

import re

from django.http import QueryDict

_ASCII_NUMBER = re.compile(r"[0-9]{1,18}")


def parse_int(value: object, *, max_digits: int = 18) -> int | None:
    """`value` as a non-negative int if it is 1 to `max_digits` ASCII digits, else None."""
    if not isinstance(value, str) or not _ASCII_NUMBER.fullmatch(value):
        return None
    if len(value) > max_digits:
        return None
    return int(value)


def int_param(params: QueryDict, name: str, *, max_digits: int = 18) -> int | None:
    """The parameter `name` of `request.GET` or `request.POST` as an int, or None."""
    return parse_int(params.get(name), max_digits=max_digits)


def int_list_param(params: QueryDict, name: str, *, max_digits: int = 18) -> list[int]:
    """Every well-formed number among the values of `name` (bad ones are left out)."""
    numbers = (parse_int(value, max_digits=max_digits) for value in params.getlist(name))
    return [number for number in numbers if number is not None]
