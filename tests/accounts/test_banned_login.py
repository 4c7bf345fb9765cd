"""A banned member cannot sign in again."""

import pytest
from django.test import Client

from accounts.services import user_ban

pytestmark = pytest.mark.django_db


def test_a_banned_member_cannot_sign_in_and_is_told_why(maria):
    user_ban(user=maria, reason="spam")
    client = Client()
    response = client.post("/accounts/login/", {"login": "maria", "password": "hearth-demo"})
    assert response.status_code == 403
    assert "This account can't sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_member_in_good_standing_still_signs_in(maria):
    response = Client().post("/accounts/login/", {"login": "maria", "password": "hearth-demo"})
    assert response.status_code == 302
