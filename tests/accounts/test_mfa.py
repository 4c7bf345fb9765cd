"""Staff, moderators and verified clinicians enrol in MFA before any privileged page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.middleware import is_privileged_path
from accounts.permissions import has_mfa, requires_mfa, role_of
from tests.conftest import client_for

from .conftest import enrol_mfa

PRIVILEGED = ["/moderation/", "/insights/", "/clinicians/queue/", "/clinicians/review/",
              "/admin/", "/api/v1/insights/"]
ENROL = "/accounts/2fa/totp/activate/"


def test_roles_come_from_accounts_permissions(maria, sam, drlee, admin, visitor):
    from django.contrib.auth.models import AnonymousUser

    assert role_of(maria) == "member"
    assert role_of(sam) == "moderator"
    assert role_of(drlee) == "clinician"
    assert role_of(admin) == "staff"
    assert role_of(AnonymousUser()) == "visitor"
    assert [requires_mfa(u) for u in (maria, sam, drlee, admin)] == [False, True, True, True]


@pytest.mark.parametrize("path", PRIVILEGED)
def test_a_moderator_without_mfa_is_sent_to_enrol(mfa_required, sam, path):
    response = client_for(sam).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    assert "next=" in response["Location"]


def test_a_moderator_with_mfa_passes(mfa_required, sam):
    enrol_mfa(sam)
    assert has_mfa(sam)
    response = client_for(sam).get("/moderation/")
    assert not response.get("Location", "").startswith(ENROL)
    response = client_for(sam).get("/clinicians/queue/")
    assert response.status_code == 404  # passed the gate; the queue is for clinicians


@pytest.mark.parametrize("who", ["drlee", "admin"])
def test_clinicians_and_staff_without_mfa_are_sent_to_enrol(mfa_required, request, who):
    user = request.getfixturevalue(who)
    path = "/clinicians/queue/" if who == "drlee" else "/admin/"
    response = client_for(user).get(path)
    assert response["Location"].startswith(ENROL)
    enrol_mfa(user)
    assert not client_for(user).get(path).get("Location", "").startswith(ENROL)


def test_a_member_is_not_asked_for_mfa_and_privileged_pages_stay_hidden(mfa_required, maria):
    response = client_for(maria).get("/clinicians/review/")
    assert response.status_code == 404


def test_the_enrolment_page_itself_is_reachable(mfa_required, sam):
    response = client_for(sam).get(ENROL)
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # allauth asks to re-enter the password first
        assert "/accounts/reauthenticate/" in response["Location"]


def test_the_demo_setting_relaxes_mfa_with_a_visible_warning(settings, drlee):
    settings.HEARTH_MFA_REQUIRED = False
    response = client_for(drlee).get("/clinicians/queue/", follow=False)
    assert response.status_code == 200
    assert "two-factor authentication is not enforced" in response.content.decode()


def test_ordinary_pages_cost_no_extra_query(mfa_required, sam, diabetes):
    client = client_for(sam)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "mfa_authenticator" not in sql


def test_privileged_prefixes():
    assert is_privileged_path("/moderation/audit/")
    assert is_privileged_path("/admin/accounts/user/")
    assert not is_privileged_path("/clinicians/apply/")
    assert not is_privileged_path("/settings/")


def test_the_api_gives_insights_to_a_session_only_after_mfa(mfa_required, admin):
    """The dashboard's figures through /api/v1/insights/ with a browser's session: the same
    gate as /insights/ (a token with the insights scope needs MFA to be made)."""
    client = client_for(admin)
    assert client.get("/api/v1/insights/")["Location"].startswith(ENROL)
    enrol_mfa(admin)
    response = client_for(admin).get("/api/v1/insights/")
    assert response.status_code == 200
    assert "figures" in response.json()
