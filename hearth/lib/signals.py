"""Sending an app's signal after commit: the one way Hearth code announces "something
happened" to the apps that react (README, "How one app reacts to another").

A service calls `send_on_commit(signals.post_published, sender=Post, post=post)` inside its
transaction; the signal goes out only if the transaction commits, after it (so a listener
never writes inside a transaction another app owns, and never sees a row that is rolled
back), and a listener that fails is logged without breaking the write that caused it or the
other callbacks. Outside a transaction it is sent at once.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal


def send_on_commit(signal: Signal, *, sender: Any, **kwargs: Any) -> None:
    """Send ``signal`` with ``sender`` and ``kwargs`` once the current transaction commits."""
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs), robust=True)
