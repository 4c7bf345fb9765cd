"""Notifications group (issue 15): several replies in one discussion are one line, "maria and
2 others replied to your discussion …", in the list and in the bell's count; opening the line
starts at the first of them and marks them all read."""

from __future__ import annotations

import html

import pytest

from hearth.lib.live import user_group
from notifications import selectors, services
from notifications.models import Notification
from tests.conftest import client_for, join, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


def _page(client) -> str:
    return html.unescape(client.get("/notifications/").content.decode())


def test_replies_in_one_discussion_are_one_line_in_the_list_and_the_bell(
        maria, james, sam, diabetes, committed):
    rosa = make_user("rosa")
    join(rosa, diabetes)
    thread = publish_thread(maria, diabetes, title="Walking after meals")
    other = publish_thread(maria, diabetes, title="Night sweats")
    with committed():
        first = publish_reply(james, thread, "Ten minutes helps me.")
    with committed():
        publish_reply(sam, thread, "Same here.")
    with committed():
        publish_reply(james, thread, "And after lunch too.")
    with committed():
        publish_reply(rosa, thread, "I walk the dog.")
    with committed():
        publish_reply(james, other, "Talk to your doctor about it.")
    assert Notification.objects.filter(recipient=maria, read_at=None).count() == 5

    as_maria = client_for(maria)
    page = _page(as_maria)
    assert "rosa and 2 others replied to your discussion “Walking after meals”." in page
    assert "james replied to your discussion “Night sweats”." in page
    assert page.count("replied to your discussion") == 2
    assert "data-notifications-unread> 2" in as_maria.get("/").content.decode()
    assert selectors.unread_count(user=maria) == 2

    # the line opens at the first of its replies, and all of them are read
    line = page[page.index("rosa and 2 others") - 300:page.index("rosa and 2 others")]
    opened = Notification.objects.get(recipient=maria, post=first)
    assert f'href="/notifications/{opened.pk}/"' in line
    response = as_maria.get(f"/notifications/{opened.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/p/{first.pk}/"
    assert Notification.objects.filter(recipient=maria, thread=thread, read_at=None).count() == 0
    assert selectors.unread_count(user=maria) == 1
    assert "data-notifications-unread> 1" in as_maria.get("/").content.decode()


def test_two_people_make_one_other_and_one_person_is_not_grouped(maria, james, sam, diabetes,
                                                                 committed):
    thread = publish_thread(maria, diabetes, title="Socks")
    with committed():
        publish_reply(james, thread, "Seamless ones.")
    with committed():
        publish_reply(james, thread, "And loose at the top.")
    page = _page(client_for(maria))
    assert "james replied to your discussion “Socks”." in page and "other" not in page
    with committed():
        publish_reply(sam, thread, "Wool in winter.")
    page = _page(client_for(maria))
    assert "sam and 1 other replied to your discussion “Socks”." in page


def test_an_anonymous_reply_in_a_group_names_nobody(maria, james, sam, mental, committed):
    join(james, mental)
    thread = publish_thread(maria, mental, title="Hard week")
    with committed():
        publish_reply(sam, thread, "I hear you.")
    with committed():
        publish_reply(james, thread, "Me too, some weeks.", anonymous=True)
    page = _page(client_for(maria))
    assert "Someone and 1 other replied to your discussion “Hard week”." in page
    assert "james" not in page.split("<main", 1)[1]


def test_the_live_bell_count_is_the_number_of_lines(maria, james, sam, diabetes, committed,
                                                    monkeypatch):
    sent = []
    monkeypatch.setattr(services, "publish_many_on_commit", lambda events: sent.extend(events))
    thread = publish_thread(maria, diabetes)
    with committed():
        publish_reply(james, thread, "One")
    with committed():
        publish_reply(sam, thread, "Two")
    counts = [event["unread"] for group, event in sent
              if group == user_group(maria.pk) and event.get("type") == "notifications"]
    assert counts and counts[-1] == 1
