"""Helpers for the notifications tests: receivers run on commit, so tests that publish posts
execute the on-commit callbacks (as production does after the screening transaction)."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import Notification


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what was scheduled on commit, like a real commit."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture(autouse=True)
def _empty_mailbox():
    mail.outbox = []


def notes_for(user, **filters):
    return list(Notification.objects.filter(recipient=user, **filters).order_by("pk"))


class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepts."""

    def __init__(self, rcpt_delay: float = 0.0):
        import threading

        self.messages: list[tuple[list[str], bytes]] = []
        self.rcpt_delay = rcpt_delay
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.rcpt_delay:
            import asyncio

            await asyncio.sleep(self.rcpt_delay)  # a slow relay, before the message is taken
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def parsed(self):
        import email
        from email import policy

        with self._lock:
            return [email.message_from_bytes(raw, policy=policy.default)
                    for _rcpt, raw in self.messages]


@pytest.fixture
def smtp_server():
    """Yields (sink, port); the server stops after the test."""
    from aiosmtpd.controller import Controller

    from hearth.embedded import free_port

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()
