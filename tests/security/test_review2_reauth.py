"""Review 2: deleting the account and exporting every message need a recent sign-in, so a stolen
(old) session cannot do either without the password."""

from __future__ import annotations

import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.test import Client

from accounts.models import DataExport, User
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def old_session(user: User) -> Client:
    """A client whose sign-in happened an hour ago (like a session cookie taken from a laptop)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time() - 3600}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def test_an_old_session_cannot_ask_for_an_export(maria, django_capture_on_commit_callbacks):
    client = old_session(maria)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/settings/data/export/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not DataExport.objects.filter(user=maria).exists()


def test_an_old_session_cannot_delete_the_account(maria):
    client = old_session(maria)
    assert client.get("/settings/delete/").status_code == 200  # the page itself may be read
    response = client.post("/settings/delete/", {"posts": "keep", "confirm": "maria"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    maria.refresh_from_db()
    assert maria.is_active and maria.username == "maria"


def test_after_the_password_the_suspended_export_goes_through(
        maria, django_capture_on_commit_callbacks):
    client = old_session(maria)
    response = client.post("/settings/data/export/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert DataExport.objects.filter(user=maria).count() == 1


def test_a_wrong_password_does_not_let_the_old_session_through(maria):
    client = old_session(maria)
    response = client.post("/settings/delete/", {"posts": "keep", "confirm": "maria"})
    response = client.post(response["Location"], {"password": "not-it"})
    assert response.status_code == 200
    maria.refresh_from_db()
    assert maria.is_active and maria.username == "maria"


def test_an_old_session_cannot_download_a_ready_export(maria, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(maria).post("/settings/data/export/")
    export = DataExport.objects.get(user=maria)
    assert export.status == DataExport.Status.READY
    response = old_session(maria).get(f"/settings/data/export/{export.pk}/download/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
