"""Review-queue items about something other than a forum post (a private message, a request
to the hospital). The app that owns the thing registers, in its AppConfig.ready(), how the
moderator's card shows it and what "reject" does to it, so moderation imports no such app:

    register_target("message", render=fn(item) -> safe HTML, prefetch=fn(items) -> None,
                    approve=fn(item, user) -> None, reject=fn(item, user, reason) -> obj)

`prefetch` loads, once for a page of the queue, what `render` shows of each of its items (so
the page asks the same number of queries however many such items it holds); `approve` lets a
held thing through; `reject` returns the object it acted on (for the audit row), or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    render: Callable[[Any], str]
    reject: Callable[..., Any] | None = None
    approve: Callable[..., Any] | None = None
    prefetch: Callable[[list], None] | None = None


_targets: dict[str, Target] = {}


def register_target(name: str, *, render: Callable[[Any], str],
                    reject: Callable[..., Any] | None = None,
                    approve: Callable[..., Any] | None = None,
                    prefetch: Callable[[list], None] | None = None) -> None:
    _targets[name] = Target(render=render, reject=reject, approve=approve, prefetch=prefetch)


def prefetch(items) -> None:
    """Before a page of the queue renders: each app loads its items' cards at once."""
    by_type: dict[str, list] = {}
    for item in items:
        if item.target_type:
            by_type.setdefault(item.target_type, []).append(item)
    for name, group in by_type.items():
        target = _targets.get(name)
        if target is not None and target.prefetch is not None:
            target.prefetch(group)


def render(item) -> str:
    target = _targets.get(item.target_type)
    return target.render(item) if target is not None else ""


def reject(item, *, user, reason: str):
    target = _targets.get(item.target_type)
    if target is None or target.reject is None:
        return None
    return target.reject(item, user=user, reason=reason)


def approve(item, *, user) -> None:
    target = _targets.get(item.target_type)
    if target is not None and target.approve is not None:
        target.approve(item, user=user)
