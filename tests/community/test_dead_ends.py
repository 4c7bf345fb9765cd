"""No dead ends (issue 15), through the HTTP client: a private community opens on a page that
says how to join, the accepted answer is marked where it is, bookmarks have a page of their
own, and a held thread stays a friendly 404 for those who may not see it."""

from __future__ import annotations

import html

import pytest

from community.models import Membership, Thread
from tests.conftest import publish_thread

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- 1. A private community in the directory ---------------------------------------------


def test_a_private_community_opens_on_its_landing_page_for_a_non_member(
        visitor, as_james, maria, mental):
    thread = publish_thread(maria, mental, title="Hard week", body="Some days are heavy.")
    directory = text(as_james.get("/"))
    assert f'href="{mental.get_absolute_url()}"' in directory  # the card is a link now

    page = as_james.get(mental.get_absolute_url())
    assert page.status_code == 200
    body = text(page)
    assert mental.description in body and "Request to join" in body
    assert "Hard week" not in body and "Some days are heavy" not in body
    assert as_james.get(thread.get_absolute_url()).status_code == 404

    anonymous = text(visitor.get(mental.get_absolute_url()))
    assert "Sign in to request to join" in anonymous and "Hard week" not in anonymous
    assert f"next=/c/{mental.slug}/" in anonymous


def test_requesting_to_join_comes_back_to_the_landing_page_marked_sent(as_james, james,
                                                                       mental):
    response = as_james.post(f"/c/{mental.slug}/join/")
    assert response.status_code == 302 and response["Location"] == mental.get_absolute_url()
    assert Membership.objects.get(user=james, community=mental).status == "pending"
    body = text(as_james.get(mental.get_absolute_url()))
    assert "Request sent" in body and "Request to join</button>" not in body


def test_a_member_of_the_private_community_still_gets_its_threads(as_maria, maria, mental):
    publish_thread(maria, mental, title="Hard week")
    body = text(as_maria.get(mental.get_absolute_url()))
    assert "Hard week" in body and "Request to join" not in body


def test_a_held_thread_is_a_friendly_404_for_those_who_may_not_see_it(
        visitor, as_james, maria, diabetes):
    held = publish_thread(maria, diabetes, title="Waiting for a moderator")
    Thread.objects.filter(pk=held.pk).update(status=Thread.Status.HELD)
    for client in (visitor, as_james):
        response = client.get(held.get_absolute_url())
        assert response.status_code == 404
        body = text(response)
        assert "We couldn't find that page" in body and "Waiting for a moderator" not in body
        assert 'href="/"' in body
