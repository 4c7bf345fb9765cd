"""The forum as the demo people use it, in Chromium."""

import pytest
from playwright.sync_api import expect

from accounts.models import ClinicianProfile
from community.models import Membership, Thread
from tests.browser.conftest import sign_in
from tests.conftest import join, make_community, make_user

pytestmark = pytest.mark.browser


def test_maria_asks_james_replies_drlee_answers_and_maria_accepts(browser, asgi_server):
    diabetes = make_community("type-2-diabetes")
    maria, james, drlee = make_user("maria"), make_user("james"), make_user("drlee")
    join(james, diabetes)
    join(drlee, diabetes)
    ClinicianProfile.objects.create(user=drlee, credentials="MD", specialty="Endocrinology",
                                    organisation="Hearth General", npi="1234567893",
                                    status=ClinicianProfile.Status.VERIFIED)

    def person(username):
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, asgi_server, username)
        return page

    # maria joins and asks
    page = person("maria")
    page.goto(f"{asgi_server}/c/type-2-diabetes/")
    page.get_by_role("button", name="Join this community").click()
    expect(page.get_by_text("Welcome to Type 2 Diabetes.")).to_be_visible()
    assert Membership.objects.filter(user=maria, community=diabetes).exists()
    page.get_by_role("link", name="Start a discussion or ask a question").click()
    page.get_by_label("Title").fill("Why is my fasting glucose high?")
    page.get_by_label("Your post").fill("My morning numbers are higher than at bedtime.")
    page.get_by_label("Question").check()
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("h1")).to_have_text("Why is my fasting glucose high?")
    thread = Thread.objects.get()
    assert thread.kind == Thread.Kind.QUESTION and thread.status == Thread.Status.PUBLISHED
    url = f"{asgi_server}/t/{thread.pk}/"

    # james replies
    james_page = person("james")
    james_page.goto(url)
    james_page.get_by_label("Your reply").fill("Same for me. A walk after dinner helps.")
    james_page.get_by_role("button", name="Post reply").click()
    expect(james_page.get_by_text("A walk after dinner helps.")).to_be_visible()

    # drlee answers
    lee_page = person("drlee")
    lee_page.goto(url)
    lee_page.get_by_label("Your reply").fill("This is the dawn phenomenon. Keep a log.")
    lee_page.get_by_role("button", name="Post reply").click()
    expect(lee_page.get_by_text("Keep a log.")).to_be_visible()
    answer = thread.posts.get(position=3)
    assert answer.is_clinician_answer

    # maria sees both and accepts drlee's answer
    page.goto(url)
    expect(page.get_by_text("A walk after dinner helps.")).to_be_visible()
    answer_box = page.locator(f"#post-{answer.pk}")
    expect(answer_box.get_by_text("Verified clinician · MD · Endocrinology")).to_be_visible()
    expect(answer_box.get_by_text("not medical advice for you")).to_be_visible()
    answer_box.get_by_role("button", name="Accept this answer").click()
    expect(page.get_by_role("link", name="See the accepted answer")).to_be_visible()
    thread.refresh_from_db()
    assert thread.accepted_post_id == answer.pk

    # the community page shows the question as answered, to a visitor too
    visitor = browser.new_context().new_page()
    visitor.goto(f"{asgi_server}/c/type-2-diabetes/?tab=questions")
    row = visitor.locator(".thread-row", has_text="Why is my fasting glucose high?")
    expect(row.get_by_text("Solved")).to_be_visible()


def test_mention_autocomplete_by_keyboard(browser, asgi_server):
    diabetes = make_community("type-2-diabetes")
    maria, james = make_user("maria"), make_user("james")
    join(maria, diabetes)
    join(james, diabetes)
    from tests.conftest import publish_thread

    thread = publish_thread(maria, diabetes)
    page = browser.new_context().new_page()
    sign_in(page, asgi_server, "maria")
    page.goto(f"{asgi_server}/t/{thread.pk}/")
    box = page.get_by_label("Your reply")
    box.press_sequentially("Thanks @ja")
    expect(page.get_by_role("option", name="@james")).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("Thanks @james ")
