"""A block in the forum, in Chromium: maria blocks james from his profile; he replies to her
discussion and mentions her and rosa. His reply is published as any other (he sees no
difference), rosa's bell rings live, and maria's stays silent."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from messaging.models import Block
from notifications.models import Notification
from tests.browser.conftest import sign_in
from tests.conftest import join, make_community, make_user, publish_thread

pytestmark = pytest.mark.browser
TYPE = 40  # ms between keys


def _person(browser, base, name, path):
    page = browser.new_context().new_page()
    sign_in(page, base, name)
    page.goto(base + path)
    return page


def test_a_blocked_members_reply_and_mention_never_reach_the_blocker(browser, asgi_server):
    diabetes = make_community("type-2-diabetes")
    maria, james, rosa = make_user("maria"), make_user("james"), make_user("rosa")
    for user in (maria, james, rosa):
        join(user, diabetes)
    thread = publish_thread(maria, diabetes, title="Walking after dinner?", kind="discussion")

    # maria blocks james from his profile, with the keyboard
    maria_page = _person(browser, asgi_server, "maria", "/u/james/")
    block = maria_page.get_by_role("button", name="Block", exact=True)
    block.focus()
    maria_page.keyboard.press("Enter")
    expect(maria_page.get_by_role("button", name="Unblock")).to_be_visible()
    assert Block.objects.filter(blocker=maria, blocked=james).exists()
    maria_page.goto(f"{asgi_server}/t/{thread.pk}/")
    maria_bell = maria_page.locator("[data-notifications-unread]")
    expect(maria_bell).to_be_hidden()

    rosa_page = _person(browser, asgi_server, "rosa", "/")
    rosa_bell = rosa_page.locator("[data-notifications-unread]")
    expect(rosa_bell).to_be_hidden()

    # james replies to her discussion and mentions both
    james_page = _person(browser, asgi_server, "james", f"/t/{thread.pk}/")
    box = james_page.get_by_label("Your reply")
    box.press_sequentially("Same for me, twenty minutes helps. What do you think @maria "
                           "and @rosa?", delay=TYPE)
    james_page.wait_for_timeout(1000)  # a person reads it over before posting
    james_page.get_by_role("button", name="Post reply").click()

    # his reply is published like any other: he sees it, and so does everyone reading
    expect(james_page.locator("main")).to_contain_text("twenty minutes helps")
    expect(maria_page.locator("main")).to_contain_text("twenty minutes helps")  # live
    # rosa hears of the mention live; maria hears nothing
    expect(rosa_bell).to_have_text("1 unread")
    maria_page.wait_for_timeout(1500)
    expect(maria_bell).to_be_hidden()
    maria_page.reload()
    expect(maria_page.locator("[data-notifications-unread]")).to_be_hidden()
    assert not Notification.objects.filter(recipient=maria).exists()
    assert Notification.objects.filter(recipient=rosa, kind="mention").exists()
