"""The session and the member's cached row in one Redis round trip (accounts.middleware.
_read_ahead): the session still decides who is signed in; the member it named last time is
only a guess, read with it."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from accounts import middleware
from tests.conftest import client_for, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def _home_user(client) -> str:
    response = client.get("/settings/")
    return getattr(response.wsgi_request.user, "username", "")


def test_a_members_second_request_reads_session_and_row_in_one_round_trip(monkeypatch):
    maria = make_user("maria")
    as_maria = client_for(maria)
    assert _home_user(as_maria) == "maria"  # no hint yet: the usual two reads, hint kept
    session_key = as_maria.cookies["sessionid"].value
    assert cache.get(middleware._session_user_key(session_key)) == maria.pk

    def not_needed(*args, **kwargs):
        raise AssertionError("read with the session already")

    monkeypatch.setattr(middleware.cache, "get_many", not_needed)
    assert _home_user(as_maria) == "maria"


def test_a_hint_naming_someone_else_is_not_used():
    maria, james = make_user("maria"), make_user("james")
    as_maria = client_for(maria)
    _home_user(as_maria)
    _home_user(client_for(james))  # james's row is in the cache
    session_key = as_maria.cookies["sessionid"].value
    cache.set(middleware._session_user_key(session_key), james.pk, 300)
    assert _home_user(as_maria) == "maria"
    assert cache.get(middleware._session_user_key(session_key)) == maria.pk  # put right


def test_a_signed_out_session_is_not_signed_in_by_its_hint():
    maria = make_user("maria")
    as_maria = client_for(maria)
    _home_user(as_maria)
    session_key = as_maria.cookies["sessionid"].value
    as_maria.post("/accounts/logout/")
    as_maria.cookies["sessionid"] = session_key  # the old cookie, replayed
    assert cache.get(middleware._session_user_key(session_key)) == maria.pk
    response = as_maria.get("/settings/")
    assert not response.wsgi_request.user.is_authenticated
