"""A newcomer signs up by email in Chromium, as on a fresh `make run`: emails are files (the
file backend), the verification link is read from the file, and every page they meet on the
way is Hearth's own, never an error page."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.services import users_seen_flush

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAUSE_MS = 2000
PASSWORD = "quiet-harbour-lanterns-7"
ERROR_WORDS = ("Server Error", "Traceback", "CSRF verification failed", "Page not found",
               "Forbidden", "Bad Request", "Too Many Requests")


def type_slowly(page, selector: str, text: str) -> None:
    field = page.locator(selector)
    field.click()
    field.press_sequentially(text, delay=90)
    page.wait_for_timeout(PAUSE_MS)


def read_mail(folder: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_string(chunk, policy=policy.default)
        for path in sorted(folder.glob("*.log"))
        for chunk in path.read_text().split("\n" + "-" * 79 + "\n")
        if chunk.strip()
    ]


def watch_for_error_pages(page) -> list[str]:
    """Every page (document) answered with 4xx/5xx, as it happens."""
    errors: list[str] = []

    def on_response(response):
        if response.request.resource_type == "document" and response.status >= 400:
            errors.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    return errors


def assert_no_error_page(page) -> None:
    text = page.locator("body").inner_text()
    assert not any(word in text for word in ERROR_WORDS), text[:500]


def test_a_newcomer_signs_up_confirms_from_the_email_file_and_signs_in(page, asgi_server,
                                                                       settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    errors = watch_for_error_pages(page)

    # The home page's "Join" button, then the form, typed field by field with pauses.
    page.goto(f"{asgi_server}/")
    page.get_by_role("link", name="Join").first.click()
    page.wait_for_url("**/accounts/signup/")
    type_slowly(page, "input[name=email]", "newcomer@example.org")
    page.locator("input[name=username]").fill("")
    type_slowly(page, "input[name=username]", "QuietOtter7")
    type_slowly(page, "input[name=password1]", PASSWORD)
    type_slowly(page, "input[name=password2]", PASSWORD)
    page.get_by_role("button", name="Join").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert_no_error_page(page)

    # The verification email is a file in the mail folder, in Hearth's name.
    [message] = [m for m in read_mail(tmp_path) if m["To"] == "newcomer@example.org"]
    assert str(message["Subject"]).startswith("[Hearth] ")
    text = message.get_body(("plain",)).get_content()
    assert "Hello from Hearth!" in text and "example.com" not in text
    html = message.get_body(("html",)).get_content()
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", text).group(0)
    assert link.startswith(asgi_server)  # the host the newcomer used
    assert f'href="{link}"' in html

    # They open the link, read the page, and confirm.
    page.wait_for_timeout(PAUSE_MS)
    page.goto(link)
    assert_no_error_page(page)
    page.wait_for_timeout(PAUSE_MS)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert_no_error_page(page)
    assert EmailAddress.objects.get(email="newcomer@example.org").verified

    # Confirming in the browser they signed up in signs them in; they sign out, and back in
    # by hand as they will next time.
    assert page.get_by_role("link", name="QuietOtter7").count() == 1
    page.wait_for_timeout(PAUSE_MS)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").first.wait_for()
    assert_no_error_page(page)
    page.get_by_role("link", name="Sign in").first.click()
    page.wait_for_url("**/accounts/login/**")
    type_slowly(page, "input[name=login]", "newcomer@example.org")
    type_slowly(page, "input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert_no_error_page(page)
    assert page.get_by_role("link", name="QuietOtter7").count() == 1  # the header names them
    users_seen_flush()  # beat's minute flush of last-seen times (no write on a page view)
    member = User.objects.get(username="QuietOtter7")
    assert member.last_seen_at is not None
    assert errors == []


def test_a_newcomer_gets_their_browsers_time_zone(browser, asgi_server):
    """Event times and the digest's morning are the new member's own from the first page: the
    sign-up form takes the time zone from the browser (a hidden field)."""
    context = browser.new_context(timezone_id="America/Chicago", locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{asgi_server}/accounts/signup/")
        type_slowly(page, "input[name=email]", "chicago@example.org")
        page.locator("input[name=username]").fill("")
        type_slowly(page, "input[name=username]", "PrairieWren4")
        type_slowly(page, "input[name=password1]", PASSWORD)
        type_slowly(page, "input[name=password2]", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url("**/accounts/confirm-email/")
    finally:
        context.close()
    assert User.objects.get(username="PrairieWren4").time_zone == "America/Chicago"
