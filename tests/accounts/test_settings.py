"""/settings/: profile and privacy, notifications and digests, sign-in and security."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import Client

from accounts.models import User
from accounts.permissions import profile_field_visible
from tests.conftest import client_for


def test_settings_pages_need_a_signed_in_member(db):
    for url in ("/settings/", "/settings/security/",
                "/settings/data/", "/settings/delete/", "/clinicians/apply/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_every_settings_page_renders(maria):
    client = client_for(maria)
    for url in ("/settings/", "/settings/security/",
                "/settings/data/", "/settings/delete/", "/clinicians/apply/"):
        assert client.get(url).status_code == 200, url
    assert "Sign out everywhere" in client.get("/settings/security/").content.decode()


def test_a_member_edits_their_profile_and_chooses_who_sees_each_field(maria):
    response = client_for(maria).post("/settings/", {
        "display_name": "Maria R", "bio": "Type 2 since 2019", "bio_visibility": "everyone",
        "conditions": "type 2 diabetes", "conditions_visibility": "nobody",
        "is_caregiver": "on", "caregiver_visibility": "members", "language": "es",
        "time_zone": "America/Chicago",
    })
    assert response.status_code == 302
    maria.refresh_from_db()
    assert (maria.display_name, maria.bio, maria.bio_visibility) == (
        "Maria R", "Type 2 since 2019", "everyone")
    assert maria.conditions_visibility == "nobody" and maria.is_caregiver
    assert maria.time_zone == "America/Chicago" and maria.language == "es"
    assert "Type 2 since 2019" in Client().get("/u/maria/").content.decode()


def test_profile_field_visibility(maria, james):
    assert profile_field_visible(AnonymousUser(), maria, User.Visibility.EVERYONE)
    assert not profile_field_visible(AnonymousUser(), maria, User.Visibility.MEMBERS)
    assert profile_field_visible(james, maria, User.Visibility.MEMBERS)
    assert not profile_field_visible(james, maria, User.Visibility.NOBODY)
    assert profile_field_visible(maria, maria, User.Visibility.NOBODY)


def test_a_bad_time_zone_or_a_title_in_the_display_name_is_refused(maria):
    client = client_for(maria)
    response = client.post("/settings/", {"display_name": "x", "bio_visibility": "members",
                                          "conditions_visibility": "members",
                                          "caregiver_visibility": "members",
                                          "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    response = client.post("/settings/", {"display_name": "Dr Maria",
                                          "bio_visibility": "members",
                                          "conditions_visibility": "members",
                                          "caregiver_visibility": "members",
                                          "time_zone": "UTC"})
    assert response.status_code == 400
    maria.refresh_from_db()
    assert maria.display_name == ""


def test_settings_forms_need_the_csrf_token(maria):
    client = Client(enforce_csrf_checks=True)
    client.force_login(maria)
    assert client.post("/settings/", {"bio": "x"}).status_code == 403
    assert client.post("/settings/security/sign-out-everywhere/").status_code == 403
    assert client.post("/settings/delete/", {"posts": "keep", "confirm": "maria"}).status_code \
        == 403
