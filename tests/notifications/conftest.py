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
