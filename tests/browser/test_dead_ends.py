"""No dead ends (issue 15), in Chromium, as the demo people would: a private community opens
on a page that says how to join, the demo shows Hearth's own pages over plain http, every role
finds its work in the menu, bookmarks have a page, the accepted answer is marked, notifications
group, and the header's Join button reads as a button."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connections
from playwright.sync_api import expect

from accounts.models import ClinicianProfile, User
from community import services as forum
from community.models import Membership, Thread
from moderation.models import WatchedWord
from tests.browser.conftest import axe_violations, sign_in
from tests.conftest import join, make_community, make_user, publish_reply, publish_thread
from tests.test_demo import demo_server  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser
PAUSE = 2000  # ms: a person reads before they act


def person(browser, base_url: str, username: str | None = None):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    if username:
        sign_in(page, base_url, username)
    return page


def world():
    diabetes = make_community("type-2-diabetes")
    mental = make_community("mental-health", private=True, anonymous=True)
    maria, james, sam = make_user("maria"), make_user("james"), make_user("sam")
    drlee = make_user("drlee")
    ClinicianProfile.objects.create(user=drlee, credentials="MD", specialty="Endocrinology",
                                    organisation="Hearth General", npi="1234567893",
                                    status=ClinicianProfile.Status.VERIFIED)
    for user in (maria, james, drlee):
        join(user, diabetes)
    join(maria, mental)
    for community in (diabetes, mental):
        join(sam, community, role=Membership.Role.MODERATOR)
    make_user("admin", staff=True)
    return {"diabetes": diabetes, "mental": mental, "maria": maria, "james": james,
            "sam": sam, "drlee": drlee}


def test_a_private_community_opens_on_a_page_with_a_way_in(browser, asgi_server):
    w = world()
    secret = publish_thread(w["maria"], w["mental"], title="Hard week")
    held = publish_thread(w["maria"], w["diabetes"], title="Waiting for review")
    Thread.objects.filter(pk=held.pk).update(status=Thread.Status.HELD)

    page = person(browser, asgi_server, "james")
    page.get_by_role("link", name="Communities").first.click()
    page.wait_for_timeout(PAUSE)
    page.get_by_role("link", name="Mental Health").click()
    expect(page.get_by_role("heading", name="Mental Health", level=1)).to_be_visible()
    expect(page.get_by_text("About mental-health")).to_be_visible()
    expect(page.get_by_text("Hard week")).to_have_count(0)
    page.wait_for_timeout(PAUSE)
    page.get_by_role("button", name="Request to join").click()
    expect(page.get_by_text("Request sent")).to_be_visible()
    assert Membership.objects.get(user=w["james"], community=w["mental"]).status == "pending"

    # its threads and a held thread stay a friendly 404, with a way back
    for url in (secret.get_absolute_url(), held.get_absolute_url()):
        response = page.goto(f"{asgi_server}{url}")
        assert response.status == 404
        expect(page.get_by_role("heading", name="We couldn't find that page")).to_be_visible()
        page.get_by_role("link", name="Go to the communities").click()
        expect(page.get_by_role("heading", name="Communities", level=1)).to_be_visible()

    visitor = person(browser, asgi_server)
    visitor.goto(f"{asgi_server}/")
    visitor.get_by_role("link", name="Mental Health").click()
    visitor.get_by_role("link", name="Sign in to request to join").click()
    expect(visitor).to_have_url(f"{asgi_server}/accounts/login/?next=/c/mental-health/")


def test_the_demo_shows_hearths_own_pages_and_signs_in_over_plain_http(browser, demo_server):  # noqa: F811
    base = f"http://127.0.0.1:{demo_server}"
    w = world()
    held = publish_thread(w["maria"], w["diabetes"], title="Waiting for review")
    Thread.objects.filter(pk=held.pk).update(status=Thread.Status.HELD)
    # the demo process checks passwords with production's hasher (the tests use a fast one)
    User.objects.filter(username="james").update(
        password=PBKDF2PasswordHasher().encode("hearth-demo", "demo-salt-1234", iterations=1000))
    page = person(browser, base)
    response = page.goto(f"{base}/no/such/page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="We couldn't find that page")).to_be_visible()
    expect(page.get_by_text("The people, posts and communities here are made up.")).to_be_visible()
    assert "Using the URLconf" not in page.content()

    # signing in works over http (cookies without Secure, no redirect to https)
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").press_sequentially("james", delay=60)
    page.locator("input[name=password]").press_sequentially("hearth-demo", delay=60)
    page.wait_for_timeout(PAUSE)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    assert page.url.startswith("http://")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    response = page.goto(f"{base}{held.get_absolute_url()}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="We couldn't find that page")).to_be_visible()


def test_every_role_finds_its_work_in_the_menu(browser, asgi_server):
    w = world()
    publish_thread(w["maria"], w["diabetes"], title="Is this dose right?")

    clinician = person(browser, asgi_server, "drlee")
    menu = clinician.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Questions waiting 1 waiting for a clinician")
           ).to_be_visible()
    clinician.wait_for_timeout(PAUSE)
    menu.get_by_role("link", name="Questions waiting").click()
    expect(clinician.get_by_text("Is this dose right?")).to_be_visible()

    moderator = person(browser, asgi_server, "sam")
    menu = moderator.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Review queue")).to_be_visible()
    menu.get_by_role("link", name="Watched words").click()
    moderator.get_by_label("Word or pattern").press_sequentially("miracle pills", delay=80)
    moderator.wait_for_timeout(PAUSE)
    moderator.get_by_label("What to do").select_option("hold")
    moderator.locator("#id_add-community").select_option("type-2-diabetes")
    moderator.get_by_role("button", name="Save").click()
    expect(moderator.get_by_text("Saved.")).to_be_visible()
    expect(moderator.locator("ul.words li", has_text="miracle pills")).to_contain_text(
        "Type 2 Diabetes")
    assert WatchedWord.objects.get().community == w["diabetes"]

    staff = person(browser, asgi_server, "admin")
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()
    expect(staff).to_have_url(f"{asgi_server}/insights/")


def test_a_bookmark_shows_its_state_and_is_found_on_the_bookmarks_page(browser, asgi_server):
    w = world()
    thread = publish_thread(w["maria"], w["diabetes"], title="Walking after meals")
    reply = publish_reply(w["james"], thread, "Ten minutes after dinner is enough for me.")

    page = person(browser, asgi_server, "maria")
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    post = page.locator(f"#post-{reply.pk}")
    button = post.get_by_role("button", name="Bookmark")
    expect(button).to_have_attribute("aria-pressed", "false")
    page.wait_for_timeout(PAUSE)
    button.click()
    post = page.locator(f"#post-{reply.pk}")
    expect(post.get_by_role("button", name="Bookmarked")).to_have_attribute("aria-pressed",
                                                                           "true")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Bookmarks").click()
    expect(page.get_by_role("heading", name="Bookmarks", level=1)).to_be_visible()
    expect(page.get_by_text("Ten minutes after dinner is enough for me.")).to_be_visible()
    page.wait_for_timeout(PAUSE)
    page.get_by_role("link", name="Walking after meals").click()
    expect(page.locator(f"#post-{reply.pk}")).to_be_visible()


def test_the_accepted_answer_is_marked_and_the_asker_cannot_accept_their_own(browser,
                                                                             asgi_server):
    w = world()
    thread = publish_thread(w["maria"], w["diabetes"], title="Why is my glucose high?")
    own = publish_reply(w["maria"], thread, "Adding: it happens after pasta.")
    answer = publish_reply(w["drlee"], thread, "Often the dawn phenomenon. Keep a log.")

    page = person(browser, asgi_server, "maria")
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    expect(page.locator(f"#post-{own.pk}").get_by_role("button", name="Accept this answer")
           ).to_have_count(0)
    page.wait_for_timeout(PAUSE)
    page.locator(f"#post-{answer.pk}").get_by_role("button", name="Accept this answer").click()
    expect(page.locator(f"#post-{answer.pk} .accepted-mark")).to_have_text("✓ Accepted answer")
    expect(page.locator(".accepted-mark")).to_have_count(1)

    james = person(browser, asgi_server, "james")
    james.goto(f"{asgi_server}/c/type-2-diabetes/")
    row = james.locator(".thread-row", has_text="Why is my glucose high?")
    expect(row.get_by_text("Solved")).to_be_visible()


def test_notifications_group_in_the_list_and_the_bell(browser, asgi_server):
    w = world()
    rosa = make_user("rosa")
    join(rosa, w["diabetes"])
    thread = publish_thread(w["maria"], w["diabetes"], title="Walking after meals")
    other = publish_thread(w["maria"], w["diabetes"], title="Night sweats")

    page = person(browser, asgi_server, "maria")
    badge = page.locator("[data-notifications-unread]")
    expect(badge).to_be_hidden()

    def replies():
        # In another thread: Playwright's event loop runs in this one, and publishing to the
        # channel layer from a thread with a running loop is refused.
        try:
            for author, body in ((w["james"], "Ten minutes helps me."),
                                 (w["sam"], "Same here."), (rosa, "I walk the dog.")):
                forum.post_reply(author=author, thread=thread, body=body)
            forum.post_reply(author=w["james"], thread=other, body="Ask your doctor about it.")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(replies).result()
    expect(badge).to_have_text("2 unread")  # two lines, live through /ws/me/
    page.wait_for_timeout(PAUSE)
    page.reload()
    expect(page.locator("[data-notifications-unread]")).to_have_text("2 unread")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    expect(page.get_by_text("rosa and 2 others replied to your discussion “Walking after meals”."
                            )).to_be_visible()
    page.wait_for_timeout(PAUSE)
    line = page.get_by_role("link", name="rosa and 2 others replied")
    line.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Ten minutes helps me.")).to_be_visible()
    expect(page.locator("[data-notifications-unread]")).to_have_text("1 unread")


def contrast(rgb_a: str, rgb_b: str) -> float:
    def luminance(rgb: str) -> float:
        values = [int(v) / 255 for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
        linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_header_join_button_reads_as_a_button(browser, asgi_server, axe_source):
    world()
    page = person(browser, asgi_server)
    page.goto(f"{asgi_server}/")
    join_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Join")
    expect(join_link).to_be_visible()
    colours = join_link.evaluate("""el => ({
        text: getComputedStyle(el).color,
        button: getComputedStyle(el).backgroundColor,
        header: getComputedStyle(el.closest('header')).backgroundColor})""")
    assert contrast(colours["text"], colours["button"]) >= 4.5, colours
    assert contrast(colours["button"], colours["header"]) >= 3, colours  # a visible shape
    join_link.hover()
    hovered = join_link.evaluate("el => [getComputedStyle(el).color, "
                                 "getComputedStyle(el).backgroundColor]")
    assert contrast(*hovered) >= 4.5, hovered
    assert not [v for v in axe_violations(page, axe_source) if v["id"] == "color-contrast"]
    page.wait_for_timeout(PAUSE)
    join_link.click()
    expect(page).to_have_url(f"{asgi_server}/accounts/signup/")
