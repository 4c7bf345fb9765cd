"""A reply that arrives over the socket is the same as one that was there when the page loaded:
the same controls for this reader (decided in the page from data attributes, since the event is
rendered once for everyone), and every one of them works without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from community.models import Bookmark, Membership, Post, Reaction, Thread
from moderation.models import Flag
from tests.browser.conftest import sign_in
from tests.conftest import join, make_community, make_user, publish_thread

pytestmark = pytest.mark.browser

PAUSE_MS = 2000
KEY_DELAY_MS = 40


def reader(browser, base_url: str, username: str, url: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base_url, username)
    page.goto(url)
    return page


def reply_slowly(page, pieces: list[str]) -> str:
    box = page.get_by_label("Your reply")
    box.click()
    for piece in pieces:
        box.press_sequentially(piece, delay=KEY_DELAY_MS)
        page.wait_for_timeout(PAUSE_MS)
    page.get_by_role("button", name="Post reply").click()
    return "".join(pieces)


def arrives(page, text: str):
    """The post appears without a reload; returns its locator."""
    post = page.locator("#posts article.post", has_text=text)
    expect(post).to_be_visible(timeout=15000)
    return post


def no_error_page(page) -> None:
    body = page.locator("body")
    expect(body).not_to_contain_text("CSRF verification failed")
    expect(body).not_to_contain_text("Forbidden")
    expect(body).not_to_contain_text("Server Error")


@pytest.fixture
def world(transactional_db):
    diabetes = make_community("type-2-diabetes")
    maria, james, sam = make_user("maria"), make_user("james"), make_user("sam")
    join(maria, diabetes)
    join(james, diabetes)
    join(sam, diabetes, role=Membership.Role.MODERATOR)
    thread = publish_thread(maria, diabetes, title="Does walking lower glucose?",
                            body="After dinner my numbers stay high. What works for you?")
    return {"thread": thread, "maria": maria, "james": james, "sam": sam}


def test_a_live_reply_has_every_control_and_each_works_without_a_reload(
        browser, asgi_server, world):
    thread, maria = world["thread"], world["maria"]
    url = f"{asgi_server}{thread.get_absolute_url()}"
    maria_page = reader(browser, asgi_server, "maria", url)
    james_page = reader(browser, asgi_server, "james", url)
    sam_page = reader(browser, asgi_server, "sam", url)
    expect(maria_page.locator("#presence")).to_have_text("3 reading now")

    # james replies; maria (who asked), sam (moderator) and james himself see it arrive
    reply_slowly(james_page, ["A short walk ", "after dinner works for me."])
    live = arrives(maria_page, "A short walk after dinner")
    first = Post.objects.get(thread=thread, position=2)

    # maria sees the same controls as on a post loaded with the page
    for name in ("Helpful", "Support", "Thanks", "Accept this answer", "Bookmark"):
        expect(live.get_by_role("button", name=name)).to_be_visible()
    for name in ("Quote", "Report"):
        expect(live.get_by_role("link", name=name)).to_be_visible()
    expect(live.get_by_role("link", name="Edit")).to_have_count(0)
    expect(live.get_by_role("button", name="Delete")).to_have_count(0)
    expect(live.get_by_label("Hide with reason")).to_have_count(0)

    # the moderator gets the moderator's tools on it, the author his own controls
    sam_live = arrives(sam_page, "A short walk after dinner")
    expect(sam_live.get_by_label("Hide with reason")).to_be_visible()
    expect(sam_live.get_by_role("link", name="Edit")).to_be_visible()
    expect(sam_live.get_by_role("button", name="Accept this answer")).to_be_visible()
    james_own = arrives(james_page, "A short walk after dinner")
    expect(james_own.get_by_role("link", name="Edit")).to_be_visible()
    expect(james_own.get_by_role("button", name="Delete")).to_be_visible()
    expect(james_own.get_by_role("link", name="Report")).to_have_count(0)
    expect(james_own.get_by_role("button", name="Accept this answer")).to_have_count(0)

    # maria reacts: in place, counted, pressed, no error page
    helpful = live.get_by_role("button", name="Helpful")
    helpful.click()
    expect(live.get_by_role("button", name="Helpful")).to_have_attribute("aria-pressed", "true")
    expect(live.get_by_role("button", name="Helpful")).to_contain_text("1")
    no_error_page(maria_page)
    assert Reaction.objects.filter(user=maria, post=first, kind="helpful").exists()
    # ... and the others see the count move
    expect(sam_live.locator("[data-count=helpful]")).to_have_text("1")

    # she bookmarks it
    live.get_by_role("button", name="Bookmark").click()
    maria_page.wait_for_load_state()
    no_error_page(maria_page)
    assert Bookmark.objects.filter(user=maria, post=first).exists()

    # james writes again; maria quotes the new reply as it arrives
    maria_page.goto(url)
    reply_slowly(james_page, ["Also drinking ", "water helps."])
    quoted = arrives(maria_page, "Also drinking water helps.")
    quoted.get_by_role("link", name="Quote").click()
    expect(maria_page.get_by_label("Your reply")).to_have_value(
        "james wrote:\n> Also drinking water helps.\n\n")
    no_error_page(maria_page)

    # and again; maria reports that one
    reply_slowly(james_page, ["Buy my supplement ", "at example.com!"])
    reported = arrives(maria_page, "Buy my supplement")
    reported.get_by_role("link", name="Report").click()
    maria_page.get_by_label("Spam or advertising").check()
    maria_page.get_by_role("button", name="Send report").click()
    expect(maria_page.locator(".messages")).to_contain_text("A moderator will look at this post")
    no_error_page(maria_page)
    spam = Post.objects.get(thread=thread, body__startswith="Buy my supplement")
    assert Flag.objects.filter(user=maria, post=spam).exists()

    # and a last one, which maria accepts as the answer to her question
    maria_page.goto(url)
    reply_slowly(james_page, ["Twenty minutes ", "is enough for me."])
    answer = arrives(maria_page, "Twenty minutes is enough")
    answer.get_by_role("button", name="Accept this answer").click()
    maria_page.wait_for_load_state()
    no_error_page(maria_page)
    assert Thread.objects.get(pk=thread.pk).accepted_post.body.startswith("Twenty minutes")

    # sam hides the spam from his page, where it arrived live: without a reload
    sam_spam = arrives(sam_page, "Buy my supplement")
    sam_spam.get_by_label("Hide with reason").fill("Advertising")
    sam_spam.get_by_role("button", name="Hide", exact=True).click()
    no_error_page(sam_page)
    spam.refresh_from_db()
    assert spam.status == Post.Status.HIDDEN
    for page in (maria_page, james_page, sam_page):
        page.context.close()


def test_a_visitor_sees_a_live_reply_with_counts_and_no_member_controls(
        browser, asgi_server, world):
    thread = world["thread"]
    url = f"{asgi_server}{thread.get_absolute_url()}"
    visitor = browser.new_context().new_page()
    visitor.goto(url)
    james_page = reader(browser, asgi_server, "james", url)
    expect(visitor.locator("#presence")).to_have_text("2 reading now")
    reply_slowly(james_page, ["Walking with ", "a friend helps."])
    live = arrives(visitor, "Walking with a friend helps.")
    expect(live.locator(".reaction-counts")).to_be_visible()
    expect(live.get_by_role("button")).to_have_count(0)
    expect(live.get_by_role("link", name="Report")).to_have_count(0)
    expect(live.get_by_role("link", name="Quote")).to_have_count(0)
    for page in (visitor, james_page):
        page.context.close()
