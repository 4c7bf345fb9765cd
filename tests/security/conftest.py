"""Fixtures of the security gates: one world per module (built once, rolled back at the end),
the browser fixtures of tests/browser and the SMTP server of tests/notifications."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.browser.conftest import browser, page  # noqa: F401 - fixtures
from tests.notifications.conftest import smtp_server  # noqa: F401 - a fixture

from .world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The forum of tests/security/world.py, built once for the module inside a transaction
    that is rolled back after its last test (each test runs in a savepoint within it)."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world(export_dir=media)
            built.extra["media_root"] = media
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def in_world(world, db, settings):
    """Use the world in a test (its own savepoint; exports served from the world's media)."""
    settings.MEDIA_ROOT = world.extra["media_root"]
    settings.HEARTH_POST_RATE_LIMITS = {"new": (10_000, 1), "member": (10_000, 1)}
    return world
