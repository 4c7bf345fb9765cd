"""Keyboard only, in Chromium: Tab, Shift+Tab, Enter and Space, no mouse. A member signs in,
opens a thread, replies, reacts and follows; a moderator approves a held post. The focus is
always visible, and an htmx swap never drops it on the page body."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from community import services as forum
from community.models import Membership, Post, ThreadFollow
from tests.conftest import join, make_community, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.browser

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return {tag: "BODY"}; }
  const style = getComputedStyle(el);
  return {tag: el.tagName, id: el.id, name: el.getAttribute("name"),
          text: (el.innerText || el.value || "").trim().slice(0, 60),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth) || 0,
          visible: el.matches(":focus-visible")};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUS)


def assert_focus_visible(page) -> dict:
    focus = focused(page)
    assert focus["tag"] != "BODY", "the focus was lost"
    assert focus["outline"] != "none" and focus["width"] >= 2, focus
    return focus


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 120) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`, checking at
    every stop that the focus can be seen."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return assert_focus_visible(page)
        if focused(page)["tag"] != "BODY":
            assert_focus_visible(page)
    raise AssertionError(f"{selector} not reached with {key}")


STYLED = """() => [...document.styleSheets].some(
  sheet => (sheet.href || "").includes("hearth.css") && sheet.cssRules.length > 0)"""


def keyboard_sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    page.wait_for_function(STYLED)  # the focus style is Hearth's own
    tab_to(page, ".skip-link")  # the first stop: skip to main content
    tab_to(page, 'a[href="/accounts/login/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login/**")
    tab_to(page, "input[name=login]")
    page.keyboard.type(username)
    tab_to(page, "input[name=password]")
    page.keyboard.type("hearth-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def test_a_member_signs_in_replies_reacts_and_follows_with_the_keyboard_only(browser,
                                                                            asgi_server):
    diabetes = make_community("type-2-diabetes")
    maria, james, drlee = make_user("maria"), make_user("james"), make_user("drlee")
    for member in (maria, james, drlee):
        join(member, diabetes)
    thread = publish_thread(maria, diabetes, title="Why is my fasting glucose high?",
                            body="My morning numbers are higher than at bedtime.")
    answer = publish_reply(drlee, thread, "Often the dawn phenomenon. Keep a log.")

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    keyboard_sign_in(page, asgi_server, "james")

    # open the community, then the thread
    tab_to(page, f'main a[href="{diabetes.get_absolute_url()}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{diabetes.get_absolute_url()}")
    tab_to(page, f'main a[href="{thread.get_absolute_url()}"]')
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Why is my fasting glucose high?")

    # follow it (a plain form: the page reloads with the button pressed)
    tab_to(page, "form[action$='/follow/'] button")
    page.keyboard.press("Enter")
    expect(page.locator("form[action$='/follow/'] button")).to_have_attribute("aria-pressed",
                                                                             "true")
    assert ThreadFollow.objects.filter(user=james, thread=thread).exists()

    # reply: in place (htmx); the focus stays on the button and the reply is announced
    tab_to(page, "#reply-form textarea")
    page.keyboard.type("A walk after dinner helps me.")
    tab_to(page, "#reply-submit")
    page.keyboard.press("Enter")
    expect(page.locator("#posts article", has_text="A walk after dinner")).to_have_count(1)
    expect(page.locator("#reply-form textarea")).to_have_value("")
    expect(page.locator("#live-status")).to_have_text("Your reply was posted.")
    focus = assert_focus_visible(page)
    assert focus["id"] == "reply-submit", focus
    assert Post.objects.filter(thread=thread, author=james).exists()

    # react to the clinician's answer with Space: the pressed button keeps the focus
    button = f"#react-{answer.pk}-helpful"
    tab_to(page, button, backwards=True)
    page.keyboard.press("Space")
    expect(page.locator(button)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"{button} [data-count=helpful]")).to_have_text("1")
    focus = assert_focus_visible(page)
    assert focus["id"] == button[1:], focus

    page.context.close()


def test_a_moderator_approves_a_held_post_with_the_keyboard_only(browser, asgi_server):
    diabetes = make_community("type-2-diabetes")
    maria, james, sam = make_user("maria"), make_user("james"), make_user("sam")
    join(maria, diabetes)
    join(james, diabetes)
    join(sam, diabetes, role=Membership.Role.MODERATOR)
    thread = publish_thread(maria, diabetes, title="Night-time lows?", body="Anyone else?")
    held = forum.post_reply(author=james, thread=thread, body="Text me at 201-555-3344.")
    held.refresh_from_db()
    assert held.status == Post.Status.HELD

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    keyboard_sign_in(page, asgi_server, "sam")
    tab_to(page, 'header a[href="/moderation/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/moderation/")
    expect(page.locator(".queue-item")).to_have_count(1)
    tab_to(page, ".queue-item form[action$='/approve/'] button")
    page.keyboard.press("Enter")
    expect(page.locator(".queue-item")).to_have_count(0)
    held.refresh_from_db()
    assert held.status == Post.Status.PUBLISHED
    page.context.close()


def test_live_updates_are_announced_politely_and_never_take_the_focus(browser, asgi_server):
    diabetes = make_community("type-2-diabetes")
    maria, james = make_user("maria"), make_user("james")
    join(maria, diabetes)
    join(james, diabetes)
    thread = publish_thread(maria, diabetes, title="Night-time lows?", body="Anyone else?")

    page = browser.new_context().new_page()
    keyboard_sign_in(page, asgi_server, "maria")
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    for region in ("#live-status", "#typing"):
        assert page.locator(region).get_attribute("aria-live") == "polite"
    tab_to(page, "#reply-form textarea")
    page.keyboard.type("Typing while")
    expect(page.locator("#connection")).to_be_hidden()

    # james replies from elsewhere (another thread: this one runs Playwright's event loop)
    replies = []
    elsewhere = threading.Thread(target=lambda: (
        replies.append(publish_reply(james, thread, "Yes, a snack before bed helps me.")),
        connection.close(),
    ))
    elsewhere.start()
    elsewhere.join()
    forum_reply = replies[0]
    expect(page.locator(f"#post-{forum_reply.pk}")).to_be_visible()
    expect(page.locator("#live-status")).to_have_text("New reply")
    focus = focused(page)
    assert focus["tag"] == "TEXTAREA", focus
    assert page.locator("#reply-form textarea").input_value() == "Typing while"
    page.context.close()


def test_reduced_motion_turns_transitions_off(browser, asgi_server):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{asgi_server}/")
    durations = page.evaluate("""() => [...document.querySelectorAll('a, button')]
        .map(el => getComputedStyle(el).transitionDuration)""")
    assert durations and set(durations) <= {"0s"}, set(durations)
    context.close()
