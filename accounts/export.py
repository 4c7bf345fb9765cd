"""Registries that let other apps add to a member's data export and to account erasure
without accounts importing them (accounts stands at the bottom of the import graph).

An app registers in its AppConfig.ready():

    from accounts.export import register_eraser, register_exporter
    register_exporter("posts", export_posts)          # fn(user) -> JSON-serialisable data
    register_eraser("community", erase_member_posts)   # fn(user, *, keep_posts: bool) -> None

Exporters must return the member's own data only. Erasers run inside the deletion's
transaction, before the user row is deleted, and must remove or anonymise what the app holds
about the member (rows that cascade from the user need no eraser).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[..., None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


def register_exporter(name: str, fn: Exporter) -> None:
    _exporters[name] = fn


def register_eraser(name: str, fn: Eraser) -> None:
    _erasers[name] = fn


def exporters() -> dict[str, Exporter]:
    return dict(_exporters)


def erasers() -> dict[str, Eraser]:
    return dict(_erasers)
