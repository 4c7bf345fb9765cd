"""Review of accounts/: what a signed-in member (or a script holding their session) can make
Hearth do over and over."""

from __future__ import annotations

import pytest

from accounts.models import DataExport
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_asking_for_an_export_again_and_again_builds_one_archive(
        maria, django_capture_on_commit_callbacks):
    # given maria's export was built and is ready
    client = client_for(maria)
    for _attempt in range(5):
        # when she (or a script with her session) asks again at once
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post("/settings/data/export/").status_code == 302
    # then the ready archive is the answer: no new row, no new build, no new file
    exports = DataExport.objects.filter(user=maria)
    assert exports.count() == 1
    assert exports.get().status == DataExport.Status.READY
