"""Browser tests: Playwright for Python driving Debian's Chromium against Hearth served by
uvicorn (ASGI, so WebSockets work) in a thread of the test process."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import service_missing

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        service_missing(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, base_url: str, username: str, password: str = "hearth-demo") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


# --- Accessibility: axe-core, and a small world of the demo people ---------------------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's axe.min.js: from the axe-playwright-python wheel (a dev dependency, so `make
    test` needs only Python), or from node_modules/axe-core if someone ran `npm install`."""
    from pathlib import Path

    candidates = [Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"]
    try:
        import axe_playwright_python

        candidates.insert(0, Path(axe_playwright_python.__file__).parent / "axe.min.js")
    except ImportError:
        pass
    for path in candidates:
        if path.exists():
            return path.read_text(encoding="utf-8")
    service_missing("axe-core not found (pip install -e '.[dev]' brings axe-playwright-python)")


def axe_violations(page, axe_source: str) -> list[dict]:
    """Runs axe-core in the page (through the DevTools protocol, so the CSP does not stop it)
    at WCAG 2.1 A and AA; returns its violations, each with the nodes it found."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [node["target"] for node in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def valid_npi(first_nine: str) -> str:
    from accounts.npi import npi_valid

    return next(first_nine + str(d) for d in range(10) if npi_valid(first_nine + str(d)))


def demo_world() -> dict:
    """The demo people and communities with enough in them for every main page to show its
    parts: a thread with a clinician's answer, reactions, an anonymous thread, a post held for
    review, notifications, an audit row and a clinician application."""
    from accounts import services as accounts
    from accounts.models import ClinicianProfile
    from community import services as forum
    from community.models import Membership
    from moderation import services as moderation
    from tests.conftest import join, make_community, make_user, publish_reply, publish_thread

    diabetes = make_community("type-2-diabetes")
    heart = make_community("heart-health")
    mental = make_community("mental-health", private=True, anonymous=True)
    maria, james, drlee = make_user("maria"), make_user("james"), make_user("drlee")
    sam, admin = make_user("sam"), make_user("admin", staff=True)
    ClinicianProfile.objects.create(
        user=drlee, credentials="MD", specialty="Endocrinology", organisation="Hearth General",
        npi=valid_npi("123456789"), status=ClinicianProfile.Status.VERIFIED,
    )
    for community in (diabetes, heart, mental):
        join(maria, community)
        join(sam, community, role=Membership.Role.MODERATOR)
    for community in (diabetes, heart):
        join(james, community)
        join(drlee, community)
    thread = publish_thread(maria, diabetes, title="Why is my fasting glucose high?",
                            body="My morning glucose is higher than at bedtime. What helped you?")
    publish_reply(james, thread, "Same for me. A short walk after dinner helps my glucose.")
    publish_reply(drlee, thread, "This is often the **dawn phenomenon**. Keep a log for a week "
                                 "and bring it to your care team.")
    forum.reaction_toggle(user=james, post=thread.posts.get(position=1), kind="support")
    forum.reaction_toggle(user=maria, post=thread.posts.get(position=3), kind="helpful")
    forum.thread_follow_toggle(user=james, thread=thread)
    held = forum.post_reply(author=james, thread=thread, body="Text me at 201-555-3344 anytime.")
    publish_thread(maria, mental, title="Hard week", body="Some days are heavy.", anonymous=True)
    publish_thread(james, heart, title="Blood pressure in the morning", kind="discussion",
                   body="Does anyone measure twice?")
    moderation.thread_pin(user=sam, thread=thread, pinned=True)
    accounts.clinician_apply(user=james, credentials="RN", specialty="Cardiology",
                             organisation="Hearth General", npi=valid_npi("987654321"))
    return {"thread": thread, "held": held, "diabetes": diabetes, "maria": maria,
            "james": james, "drlee": drlee, "sam": sam, "admin": admin}
