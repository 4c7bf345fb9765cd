"""Live threads in two browsers at once."""

import pytest
from playwright.sync_api import expect

from community.models import Post
from tests.browser.conftest import sign_in
from tests.conftest import join, make_community, make_user, publish_thread

pytestmark = pytest.mark.browser


def test_a_reply_appears_live_typing_shows_and_a_hidden_reply_disappears(browser, asgi_server):
    diabetes = make_community("type-2-diabetes")
    maria, james, sam = make_user("maria"), make_user("james"), make_user("sam")
    join(maria, diabetes)
    join(james, diabetes)
    join(sam, diabetes, role="moderator")
    thread = publish_thread(maria, diabetes, title="Night-time lows?", body="Anyone else?")
    url = f"{asgi_server}/t/{thread.pk}/"

    pages = {}
    for name in ("maria", "james", "sam"):
        page = browser.new_context().new_page()
        sign_in(page, asgi_server, name)
        page.goto(url)
        pages[name] = page
    maria_page, james_page, sam_page = pages["maria"], pages["james"], pages["sam"]
    expect(maria_page.locator("#presence")).to_have_text("3 reading now")

    # james types: maria sees it, without a reload
    james_page.get_by_label("Your reply").press_sequentially("Yes, a snack")
    expect(maria_page.locator("#typing")).to_have_text("james is replying…")

    # james replies: it appears on maria's page without a reload
    james_page.get_by_label("Your reply").fill("Yes, a snack before bed helps me.")
    james_page.get_by_role("button", name="Post reply").click()
    reply = maria_page.locator("article.post", has_text="a snack before bed")
    expect(reply).to_be_visible()
    expect(maria_page.locator("#live-status")).to_have_text("New reply")
    post = Post.objects.get(thread=thread, position=2)

    # sam hides it: it disappears from maria's and james's pages
    sam_page.reload()
    sam_post = sam_page.locator(f"#post-{post.pk}")
    sam_post.get_by_label("Hide with reason").fill("Off topic")
    sam_post.get_by_role("button", name="Hide", exact=True).click()
    expect(maria_page.locator(f"#post-{post.pk}")).to_have_count(0)
    expect(james_page.locator(f"#post-{post.pk}")).to_have_count(0)
    post.refresh_from_db()
    assert post.status == Post.Status.HIDDEN


def test_locking_and_accepting_show_at_once(browser, asgi_server):
    from community import services

    diabetes = make_community("heart")
    maria = make_user("maria")
    join(maria, diabetes)
    thread = publish_thread(maria, diabetes, title="Question", body="Anyone?")
    from tests.conftest import publish_reply

    answer = publish_reply(maria, thread, "An answer from me")
    page = browser.new_context().new_page()
    sign_in(page, asgi_server, "maria")
    page.goto(f"{asgi_server}/t/{thread.pk}/")
    page.wait_for_function("document.querySelector('#presence') !== null")
    page.wait_for_timeout(300)

    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections, transaction

    def accept_and_lock():
        # In another thread: Playwright's event loop runs in this one, and publishing to the
        # channel layer from a thread with a running loop is refused.
        try:
            with transaction.atomic():
                thread.refresh_from_db()
                thread.accepted_post = answer
                thread.save(update_fields=["accepted_post"])
                services.thread_set_flags(thread=thread, locked=True)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(accept_and_lock).result()
    expect(page.locator("#accepted-note")).to_be_visible()
    expect(page.locator("[data-state=locked]")).to_be_visible()
    expect(page.locator("#reply-form")).to_have_count(0)
    expect(page.locator("#thread p.notice")).to_have_text(
        "This discussion is locked: new replies are closed.")
