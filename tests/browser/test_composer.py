"""The composer, written in as a person writes: a few words at a time, with pauses of about two
seconds (longer than the before-posting check waits), in Chromium on a desktop and a phone.

The check only adds or removes its notice; a refused post says why beside the form and keeps
every word (with and without JavaScript); an unfinished reply or thread comes back after
leaving the page or reloading it, until it is posted or discarded; replying follows the
discussion unless the member turned that off."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from community.models import Draft, Post, Thread, ThreadFollow
from tests.browser.conftest import sign_in
from tests.conftest import join, make_community, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.browser

PAUSE_MS = 2000  # a person stops to think; the check runs after 1.2 s of quiet
KEY_DELAY_MS = 40
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def write(page, locator, pieces: list[str]) -> str:
    """Type each piece character by character, pausing after each one as a person does."""
    written = ""
    for piece in pieces:
        locator.press_sequentially(piece, delay=KEY_DELAY_MS)
        written += piece
        page.wait_for_timeout(PAUSE_MS)
    return written


def person(browser, base_url: str, username: str, *, viewport: str = "desktop",
           javascript: bool = True):
    context = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=javascript,
                                  is_mobile=viewport == "phone", has_touch=viewport == "phone")
    page = context.new_page()
    sign_in(page, base_url, username)
    return page


@pytest.fixture
def forum_world(transactional_db):
    diabetes = make_community("type-2-diabetes")
    maria, james = make_user("maria"), make_user("james")
    join(maria, diabetes)
    join(james, diabetes)
    thread = publish_thread(maria, diabetes, title="Morning highs", body="What helped you?")
    return {"diabetes": diabetes, "maria": maria, "james": james, "thread": thread}


def assert_box_intact(page, box, text: str) -> None:
    """The words, the caret at their end, the focus and the button: all as the writer left."""
    expect(box).to_have_value(text)
    expect(box).to_be_focused()
    caret = box.evaluate("el => [el.selectionStart, el.selectionEnd, el.value.length]")
    assert caret == [len(text)] * 3, caret


# --- 1. The check never touches the text -------------------------------------------------------


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_reply_box_keeps_text_caret_and_button_while_the_check_runs(
        browser, asgi_server, forum_world, viewport):
    thread = forum_world["thread"]
    page = person(browser, asgi_server, "james", viewport=viewport)
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    box = page.get_by_label("Your reply")
    box.click()

    with page.expect_response("**/moderation/check/") as checked:
        text = write(page, box, ["Mine are high ", "too, around 180. "])
    assert checked.value.ok
    assert_box_intact(page, box, text)
    expect(page.get_by_role("button", name="Post reply")).to_be_visible()

    # a phone number: the check adds its notice beside the form, and the words stay
    with page.expect_response("**/moderation/check/"):
        text += write(page, box, ["Call me on ", "201-555-3344"])
    expect(page.locator("#reply-check")).not_to_be_empty()
    assert_box_intact(page, box, text)

    # taking it out again: the notice goes, the rest is as typed
    for _ in range(len("201-555-3344")):
        box.press("Backspace", delay=KEY_DELAY_MS)
    text = text[: -len("201-555-3344")]
    with page.expect_response("**/moderation/check/"):
        text += write(page, box, ["after lunch."])
    expect(page.locator("#reply-check")).to_be_empty()
    assert_box_intact(page, box, text)
    expect(page.get_by_role("button", name="Post reply")).to_be_visible()
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("article.post", has_text="around 180")).to_be_visible()
    page.context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_new_thread_form_keeps_title_and_text_while_the_check_runs(
        browser, asgi_server, forum_world, viewport):
    diabetes = forum_world["diabetes"]
    page = person(browser, asgi_server, "james", viewport=viewport)
    page.goto(f"{asgi_server}/c/{diabetes.slug}/new/")
    title = page.get_by_label("Title")
    title.click()
    typed_title = write(page, title, ["Dawn ", "phenomenon?"])
    expect(title).to_have_value(typed_title)
    box = page.get_by_label("Your post")
    box.click()
    with page.expect_response("**/moderation/check/"):
        text = write(page, box, ["My numbers rise ", "before breakfast. ", "Email me at "
                                 "james.b@example.com"])
    expect(page.locator("#check")).not_to_be_empty()
    assert_box_intact(page, box, text)
    expect(title).to_have_value(typed_title)
    expect(page.get_by_role("button", name="Post", exact=True)).to_be_visible()
    page.context.close()


# --- 2. A refusal says why and keeps the words -------------------------------------------------


def reason_shown(page, text: str) -> None:
    alert = page.locator("#reply-form [role=alert]", has_text=text)
    expect(alert).to_be_visible()


def test_a_duplicate_reply_is_refused_with_its_reason_and_the_text_kept(
        browser, asgi_server, forum_world):
    thread, james = forum_world["thread"], forum_world["james"]
    publish_reply(james, thread, "A walk after dinner helps me.")
    page = person(browser, asgi_server, "james")
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    box = page.get_by_label("Your reply")
    box.click()
    text = write(page, box, ["A walk after ", "dinner helps me."])
    page.get_by_role("button", name="Post reply").click()
    reason_shown(page, "You already posted this text")
    expect(page.get_by_label("Your reply")).to_have_value(text)
    expect(page.get_by_label("Your reply")).to_be_focused()
    # the writer adds something new and it goes through
    page.get_by_label("Your reply").press_sequentially(" And water.", delay=KEY_DELAY_MS)
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("article.post", has_text="And water.")).to_be_visible()
    expect(page.locator("#reply-form [role=alert]")).to_have_count(0)
    page.context.close()


def test_replying_too_fast_is_refused_with_its_reason_and_the_text_kept(
        browser, asgi_server, forum_world, settings):
    settings.HEARTH_POST_RATE_LIMITS = {"new": (0, 300), "member": (0, 60)}
    thread = forum_world["thread"]
    page = person(browser, asgi_server, "james")
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    box = page.get_by_label("Your reply")
    box.click()
    text = write(page, box, ["Slow down, ", "says the server."])
    page.get_by_role("button", name="Post reply").click()
    reason_shown(page, "You're posting quickly")
    expect(page.get_by_label("Your reply")).to_have_value(text)
    assert not Post.objects.filter(thread=thread, body__contains="Slow down").exists()
    page.context.close()


def test_a_reply_to_a_thread_locked_meanwhile_is_refused_with_its_reason_and_the_text_kept(
        browser, asgi_server, forum_world):
    thread = forum_world["thread"]
    page = person(browser, asgi_server, "james")
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    box = page.get_by_label("Your reply")
    box.click()
    text = write(page, box, ["I wanted to say ", "one more thing."])
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)  # no live event: a lost hint
    page.get_by_role("button", name="Post reply").click()
    reason_shown(page, "This discussion is locked")
    expect(page.get_by_label("Your reply")).to_have_value(text)
    page.context.close()


def test_without_javascript_a_refusal_shows_its_reason_and_keeps_the_text(
        browser, asgi_server, forum_world):
    thread, james = forum_world["thread"], forum_world["james"]
    publish_reply(james, thread, "Same here, every morning.")
    page = person(browser, asgi_server, "james", javascript=False)
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    box = page.get_by_label("Your reply")
    box.click()
    text = write(page, box, ["Same here, ", "every morning."])
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Post reply").click()
    assert navigation.value.status == 400
    expect(page.get_by_role("heading", name="Your reply wasn't posted")).to_be_visible()
    expect(page.locator("#reply-form [role=alert]")).to_contain_text(
        "You already posted this text")
    expect(page.get_by_label("Your reply")).to_have_value(text)
    page.context.close()


# --- 3. Drafts survive leaving the page ---------------------------------------------------------


def no_browser_storage(page) -> None:
    assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0


def test_an_unfinished_reply_comes_back_after_leaving_and_reloading_until_discarded(
        browser, asgi_server, forum_world):
    thread, james, diabetes = forum_world["thread"], forum_world["james"], forum_world["diabetes"]
    page = person(browser, asgi_server, "james")
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    box = page.get_by_label("Your reply")
    box.click()
    text = write(page, box, ["I tried eating ", "later and it "])

    # away to the community page (a link), then back: the words are there
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link").click()
    page.wait_for_url(f"**/c/{diabetes.slug}/")
    page.get_by_role("link", name="Morning highs").click()
    box = page.get_by_label("Your reply")
    expect(box).to_have_value(text)
    expect(page.get_by_role("button", name="Discard draft")).to_be_visible()
    no_browser_storage(page)

    # more words, then a reload: still there
    box.click()
    box.press("End")
    text += write(page, box, ["helped a bit."])
    page.reload()
    expect(page.get_by_label("Your reply")).to_have_value(text)
    assert Draft.objects.get(user=james, thread=thread).body == text
    no_browser_storage(page)

    # discarded: gone here and after a reload
    page.get_by_role("button", name="Discard draft").click()
    expect(page.get_by_label("Your reply")).to_have_value("")
    expect(page.get_by_role("button", name="Discard draft")).to_be_hidden()
    page.reload()
    expect(page.get_by_label("Your reply")).to_have_value("")
    assert not Draft.objects.filter(user=james).exists()
    page.context.close()


def test_a_posted_reply_leaves_no_draft_behind(browser, asgi_server, forum_world):
    thread, james = forum_world["thread"], forum_world["james"]
    page = person(browser, asgi_server, "james")
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    box = page.get_by_label("Your reply")
    box.click()
    write(page, box, ["Checking before ", "bed helps me."])
    assert Draft.objects.filter(user=james, thread=thread).exists()
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("article.post", has_text="bed helps me")).to_be_visible()
    page.wait_for_timeout(PAUSE_MS)  # a save that was on its way has arrived by now
    page.reload()
    expect(page.get_by_label("Your reply")).to_have_value("")
    assert not Draft.objects.filter(user=james).exists()
    page.context.close()


def test_an_unfinished_thread_comes_back_after_a_reload_and_goes_once_posted(
        browser, asgi_server, forum_world):
    diabetes, james = forum_world["diabetes"], forum_world["james"]
    page = person(browser, asgi_server, "james")
    page.goto(f"{asgi_server}/c/{diabetes.slug}/new/")
    title = page.get_by_label("Title")
    title.click()
    typed_title = write(page, title, ["Snacks at ", "night"])
    box = page.get_by_label("Your post")
    box.click()
    text = write(page, box, ["Does a small snack ", "help anyone?"])
    page.goto(f"{asgi_server}/")
    page.goto(f"{asgi_server}/c/{diabetes.slug}/new/")
    expect(page.get_by_label("Title")).to_have_value(typed_title)
    expect(page.get_by_label("Your post")).to_have_value(text)
    no_browser_storage(page)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("heading", name="Snacks at night")).to_be_visible()
    assert not Draft.objects.filter(user=james).exists()
    page.goto(f"{asgi_server}/c/{diabetes.slug}/new/")
    expect(page.get_by_label("Your post")).to_have_value("")
    page.context.close()


# --- 4. Replying follows, unless the member said no --------------------------------------------


def test_replying_follows_the_discussion_unless_the_member_turned_it_off(
        browser, asgi_server, forum_world):
    thread, maria, james = forum_world["thread"], forum_world["maria"], forum_world["james"]
    other = publish_thread(james, forum_world["diabetes"], title="Evening walks",
                           body="Who walks after dinner?")

    # james keeps the default: his reply follows the discussion, and the button says so
    page = person(browser, asgi_server, "james")
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    follow = page.locator("#follow-form button")
    expect(follow).to_have_text("Follow")
    box = page.get_by_label("Your reply")
    box.click()
    write(page, box, ["Following along, ", "same issue."])
    page.get_by_role("button", name="Post reply").click()
    expect(follow).to_have_text("Following")
    expect(follow).to_have_attribute("aria-pressed", "true")
    assert ThreadFollow.objects.filter(user=james, thread=thread).exists()
    page.context.close()

    # maria turns it off in her settings, then replies to james's discussion
    cache.clear()
    page = person(browser, asgi_server, "maria")
    page.goto(f"{asgi_server}/settings/notifications/")
    setting = page.get_by_label("Follow discussions I reply to")
    expect(setting).to_be_checked()
    setting.click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Follow discussions I reply to")).not_to_be_checked()
    page.goto(f"{asgi_server}{other.get_absolute_url()}")
    box = page.get_by_label("Your reply")
    box.click()
    write(page, box, ["I walk most ", "evenings."])
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("article.post", has_text="evenings")).to_be_visible()
    page.reload()
    expect(page.locator("#follow-form button")).to_have_text("Follow")
    assert not ThreadFollow.objects.filter(user=maria, thread=other).exists()
    page.context.close()
