"""The shared member thread page (issue 17) in Chromium: every member of a reader class gets the
same cached page, and the browser keeps each one's own controls and state (static/js/hearth.js,
community/fragments_page.py)."""

import pytest
from playwright.sync_api import expect

from community import services as forum
from community.models import Membership, Post
from tests.browser.conftest import sign_in
from tests.conftest import join, make_community, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.browser


def person(browser, base: str, username: str):
    page = browser.new_context().new_page()
    sign_in(page, base, username)
    return page


def post_of(page, post: Post):
    return page.locator(f"#post-{post.pk}")


def test_each_member_sees_their_own_controls_on_the_shared_page(browser, asgi_server):
    diabetes = make_community("type-2-diabetes")
    maria, james, sam = make_user("maria"), make_user("james"), make_user("sam")
    make_user("outsider")
    join(maria, diabetes)
    join(james, diabetes)
    join(sam, diabetes, role=Membership.Role.MODERATOR)
    thread = publish_thread(maria, diabetes, title="Walking after dinner?")
    opening = thread.posts.get(position=1)
    reply = publish_reply(james, thread, "A walk helps me.")
    own = publish_reply(maria, thread, "Answering myself: after lunch too.")
    forum.reaction_toggle(user=maria, post=Post.objects.get(pk=reply.pk), kind="support")
    url = f"{asgi_server}/t/{thread.pk}/"

    # james: edit and delete on his reply only, no reaction of his pressed; types a draft.
    james_page = person(browser, asgi_server, "james")
    james_page.goto(url)
    expect(james_page.locator("#thread[data-shared=true]")).to_have_count(1)
    mine, theirs = post_of(james_page, reply), post_of(james_page, opening)
    expect(mine.get_by_role("link", name="Edit")).to_be_visible()
    expect(mine.get_by_role("button", name="Delete")).to_be_visible()
    expect(theirs.get_by_role("link", name="Edit")).to_have_count(0)
    expect(theirs.get_by_role("button", name="Delete")).to_have_count(0)
    expect(theirs.get_by_role("link", name="Report")).to_be_visible()
    expect(mine.get_by_role("button", name="Support")).to_have_attribute("aria-pressed", "false")
    expect(james_page.locator(".mod-tools")).to_have_count(0)
    box = james_page.get_by_label("Your reply")
    box.click()
    box.press_sequentially("Also, drink water", delay=60)
    expect(james_page.get_by_text("Draft saved.")).to_be_visible(timeout=10000)

    # maria (the same class of reader but the asker: may accept) gets the shared page too:
    # her reaction pressed, edit/delete on her own post, accept on james's reply.
    maria_page = person(browser, asgi_server, "maria")
    maria_page.goto(url)
    expect(maria_page.locator("#thread[data-shared=true]")).to_have_count(1)
    expect(post_of(maria_page, reply).get_by_role("button", name="Support")).to_have_attribute(
        "aria-pressed", "true")
    expect(post_of(maria_page, opening).get_by_role("link", name="Edit")).to_be_visible()
    expect(post_of(maria_page, reply).get_by_role("link", name="Edit")).to_have_count(0)
    expect(post_of(maria_page, reply).get_by_role("button", name="Accept this answer")
           ).to_be_visible()
    expect(post_of(maria_page, own).get_by_role("button", name="Accept this answer")
           ).to_have_count(0)  # never her own reply
    expect(maria_page.get_by_label("Your reply")).to_have_value("")  # not james's draft

    # james comes back: his draft is in his box.
    james_page.goto(url)
    expect(james_page.get_by_label("Your reply")).to_have_value("Also, drink water")
    expect(james_page.get_by_role("button", name="Discard draft")).to_be_visible()

    # A keyboard reaches the reaction and it toggles.
    support = post_of(james_page, opening).get_by_role("button", name="Support")
    support.focus()
    james_page.keyboard.press("Enter")
    expect(post_of(james_page, opening).get_by_role("button", name="Support")
           ).to_have_attribute("aria-pressed", "true")

    # sam, a moderator, gets the page rendered for him, with the moderator's tools.
    sam_page = person(browser, asgi_server, "sam")
    sam_page.goto(url)
    expect(sam_page.locator("#thread[data-shared=true]")).to_have_count(0)
    expect(post_of(sam_page, reply).get_by_role("button", name="Hide")).to_be_visible()
    expect(sam_page.get_by_role("button", name="Lock")).to_be_visible()

    # A signed-in non-member: no composer, no controls that need membership to work.
    outsider = person(browser, asgi_server, "outsider")
    outsider.goto(url)
    expect(outsider.locator("#reply-form")).to_have_count(0)
    expect(outsider.get_by_text("Join this community to reply.")).to_be_visible()
    expect(post_of(outsider, reply).get_by_role("link", name="Edit")).to_have_count(0)
