"""Private messages and "ask the hospital" in Chromium, as people use them: james writes to
maria from her profile and she reads it live; she blocks him and his next message never
reaches her; she reports one and sam finds it in his review queue with the conversation
around it; maria writes to the hospital and pat, on the patient-experience team, answers live
and by email, and maria rates the answer."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from messaging.models import AskRequest, Message
from messaging.permissions import PATIENT_EXPERIENCE_GROUP
from moderation.models import ModerationItem
from tests.browser.conftest import axe_violations, sign_in
from tests.conftest import join, make_community, make_user

pytestmark = pytest.mark.browser
TYPE = 40  # ms between keys


def _people():
    diabetes = make_community("type-2-diabetes")
    maria, james, sam = make_user("maria"), make_user("james"), make_user("sam")
    for user in (maria, james):
        join(user, diabetes)
    join(sam, diabetes, role="moderator")
    return maria, james, sam


def _open(browser, base, name, path):
    page = browser.new_context().new_page()
    sign_in(page, base, name)
    page.goto(base + path)
    return page


def test_james_messages_maria_she_blocks_him_and_reports_him_to_sam(browser, asgi_server,
                                                                   axe_source):
    maria, james, sam = _people()
    maria_page = _open(browser, asgi_server, "maria", "/messages/")
    james_page = _open(browser, asgi_server, "james", "/u/maria/")

    # james writes from maria's profile
    james_page.get_by_role("link", name="Message", exact=True).click()
    james_page.get_by_label("Message", exact=True).press_sequentially(
        "Hi Maria, your walking tips helped me a lot.", delay=TYPE)
    james_page.get_by_role("button", name="Send").click()
    james_page.wait_for_url("**/messages/*/")
    expect(james_page.locator(".messages-thread")).to_contain_text("walking tips helped")

    # maria's Messages count goes up and the conversation appears in her open list, without a
    # reload; she opens it with the keyboard
    badge = maria_page.locator("[data-messages-unread]")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("1")
    link = maria_page.locator("[data-messages-live]").get_by_role("link", name="james")
    expect(link).to_be_visible()
    expect(maria_page.locator(".conversations li.unread")).to_have_count(1)
    link.focus()
    maria_page.keyboard.press("Enter")
    expect(maria_page.locator(".messages-thread")).to_contain_text("walking tips helped")

    # james's next message appears on her open page, live
    james_page.get_by_label("Your message").press_sequentially("Could we talk more?",
                                                              delay=TYPE)
    james_page.wait_for_timeout(2000)  # a person pauses before sending
    james_page.get_by_role("button", name="Send").click()
    expect(maria_page.locator(".messages-thread")).to_contain_text("Could we talk more?")
    assert axe_violations(maria_page, axe_source) == []

    # she reports it: it goes to sam's queue, with the conversation around it
    reported = Message.objects.get(body="Could we talk more?")
    maria_page.locator(f"#message-{reported.pk}").get_by_role("link", name="Report").click()
    maria_page.get_by_label("Harassment or unwanted contact").check()
    maria_page.get_by_label("Anything a moderator should know (optional)").press_sequentially(
        "He keeps writing", delay=TYPE)
    maria_page.get_by_role("button", name="Send report").click()
    expect(maria_page.locator(".messages")).to_contain_text("A moderator will look")
    sam_page = _open(browser, asgi_server, "sam", "/moderation/")
    card = sam_page.locator(".queue-item", has_text="Could we talk more?")
    expect(card).to_be_visible()
    expect(card).to_contain_text("walking tips helped")  # the context
    assert ModerationItem.objects.filter(target_type="message", target_id=reported.pk).exists()

    # she blocks him; he is not told, and nothing of his reaches her any more
    maria_page.get_by_text("Block a member of this conversation").click()
    maria_page.get_by_role("button", name="Block james").click()
    expect(maria_page.locator(".messages")).to_contain_text("won't see messages from james")
    expect(maria_page.locator(".conversations li")).to_have_count(0)
    james_page.get_by_label("Your message").press_sequentially("Why no answer?", delay=TYPE)
    james_page.get_by_role("button", name="Send").click()
    expect(james_page.locator(".messages-thread")).to_contain_text("Why no answer?")
    maria_page.wait_for_timeout(2000)
    expect(maria_page.locator("[data-messages-unread]")).to_be_hidden()
    # a new conversation from him goes nowhere either
    james_page.goto(asgi_server + "/messages/new/?to=maria")
    james_page.get_by_label("Message", exact=True).press_sequentially("Please reply",
                                                                      delay=TYPE)
    james_page.get_by_role("button", name="Send").click()
    james_page.wait_for_url("**/messages/*/")
    expect(james_page.locator(".messages-thread")).to_contain_text("Please reply")
    maria_page.reload()
    expect(maria_page.locator("main")).not_to_contain_text("james")
    expect(maria_page.locator("[data-messages-unread]")).to_be_hidden()


def test_a_request_to_the_hospital_answered_live_by_email_and_rated(browser, asgi_server,
                                                                    mailoutbox, axe_source):
    make_user("maria")
    pat = make_user("pat")
    pat.groups.add(Group.objects.get_or_create(name=PATIENT_EXPERIENCE_GROUP)[0])
    pat_page = _open(browser, asgi_server, "pat", "/ask/inbox/")
    maria_page = _open(browser, asgi_server, "maria", "/ask/")
    expect(maria_page.locator("main")).to_contain_text("not for medical emergencies")

    maria_page.get_by_label("Topic").select_option("billing")
    maria_page.get_by_label("Subject").press_sequentially("Charged twice", delay=TYPE)
    maria_page.get_by_label("Your message").press_sequentially(
        "My March bill shows the same visit twice.", delay=TYPE)
    maria_page.get_by_role("button", name="Send to the team").click()
    maria_page.wait_for_url("**/ask/*/")

    # the request appears in pat's open inbox without a reload
    expect(pat_page.get_by_role("link", name="Charged twice")).to_be_visible()
    pat_page.get_by_role("link", name="Charged twice").click()
    pat_page.get_by_role("button", name="Claim").click()
    pat_page.get_by_label("Internal note (only the team sees it)").press_sequentially(
        "Billing confirms a duplicate.", delay=TYPE)
    pat_page.get_by_role("button", name="Add note").click()
    pat_page.get_by_label("Reply to the member (they see it and get an email)"
                          ).press_sequentially("We refunded the second charge.", delay=TYPE)
    pat_page.get_by_role("button", name="Send reply").click()

    # maria sees the reply on her open page, live, and not the internal note
    expect(maria_page.locator(".ask-entries")).to_contain_text("We refunded the second charge.")
    assert axe_violations(maria_page, axe_source) == []
    expect(maria_page.locator("main")).not_to_contain_text("Billing confirms")
    # and by email (through the outbox): a link, not the words
    request = AskRequest.objects.get()
    assert any(m.to == ["maria@example.org"] and f"/ask/{request.pk}/" in m.body
               and "refunded" not in m.body for m in mailoutbox)

    maria_page.get_by_label("5").check()
    maria_page.get_by_role("button", name="Rate the answer").click()
    expect(maria_page.locator(".messages")).to_contain_text("Thank you for rating")
    pat_page.get_by_role("button", name="Resolve").click()
    expect(pat_page.locator("main")).to_contain_text("rated 5 of 5")
    request.refresh_from_db()
    assert request.rating == 5 and request.status == "resolved"
