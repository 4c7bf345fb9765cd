"""WCAG 2.1 AA in Chromium: axe-core on every main page as each demo person, in English and in
Spanish; no horizontal scrolling at 360 px or at 200% zoom; the thread page stays light."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.browser.conftest import axe_violations, demo_world, sign_in

pytestmark = pytest.mark.browser


def pages_for(world: dict) -> dict[str, list[str]]:
    thread = world["thread"]
    slug = world["diabetes"].slug
    application = world["james"].clinician.pk
    answer = thread.posts.get(position=3).pk
    common = ["/", f"/c/{slug}/", f"/t/{thread.pk}/{thread.slug}/", "/search/?q=glucose"]
    return {
        "visitor": [*common, "/u/maria/", "/accounts/login/", "/accounts/signup/",
                    "/accounts/password/reset/"],
        "maria": [*common, f"/c/{slug}/new/", "/u/james/", "/settings/",
                  "/settings/notifications/", "/settings/security/", "/settings/data/",
                  "/notifications/", "/clinicians/apply/", f"/p/{answer}/flag/"],
        "james": [f"/t/{thread.pk}/", "/notifications/", "/clinicians/apply/", "/bookmarks/",
                  "/c/mental-health/"],
        "drlee": [f"/t/{thread.pk}/", "/clinicians/queue/", "/insights/me/"],
        "sam": ["/moderation/", "/moderation/audit/", f"/t/{thread.pk}/",
                "/moderation/members/james/", "/c/mental-health/requests/",
                "/moderation/words/"],
        "admin": ["/insights/", "/insights/report/", "/moderation/audit/", "/clinicians/review/",
                  f"/clinicians/review/{application}/", "/moderation/words/",
                  "/accounts/2fa/"],
    }


def audit(browser, base_url: str, axe_source: str, plan: dict[str, list[str]], *,
          language: str = "en") -> dict:
    found = {}
    for person, paths in plan.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      locale="es-ES" if language == "es" else "en-US")
        page = context.new_page()
        if person != "visitor":
            sign_in(page, base_url, person)
        for path in paths:
            response = page.goto(f"{base_url}{path}")
            assert response.status == 200, (person, path, response.status)
            assert page.evaluate("document.documentElement.lang") == language, (person, path)
            violations = axe_violations(page, axe_source)
            if violations:
                found[f"{person} {path}"] = violations
        context.close()
    return found


def test_every_main_page_has_no_wcag_21_aa_violation_for_each_person(browser, asgi_server,
                                                                      axe_source):
    world = demo_world()
    found = audit(browser, asgi_server, axe_source, pages_for(world))
    assert found == {}


def test_spanish_pages_have_no_wcag_21_aa_violation(browser, asgi_server, axe_source):
    world = demo_world()
    thread = world["thread"]
    plan = {
        "visitor": ["/", f"/t/{thread.pk}/", "/accounts/login/", "/accounts/signup/"],
        "maria": [f"/t/{thread.pk}/", f"/c/{world['diabetes'].slug}/new/", "/settings/",
                  "/notifications/", "/search/?q=glucose"],
        "sam": ["/moderation/"],
    }
    found = audit(browser, asgi_server, axe_source, plan, language="es")
    assert found == {}


@pytest.mark.parametrize("viewport", [
    pytest.param({"width": 360, "height": 740, "scale": 3}, id="360px phone"),
    pytest.param({"width": 640, "height": 450, "scale": 2}, id="1280px at 200% zoom"),
])
def test_main_pages_reflow_without_horizontal_scrolling(browser, asgi_server, viewport):
    world = demo_world()
    thread = world["thread"]
    context = browser.new_context(
        viewport={"width": viewport["width"], "height": viewport["height"]},
        device_scale_factor=viewport["scale"],
    )
    page = context.new_page()
    wide = {}
    for person, paths in {
        "visitor": ["/", "/accounts/login/", "/accounts/signup/"],
        "maria": ["/", f"/c/{world['diabetes'].slug}/", f"/t/{thread.pk}/", "/search/?q=glucose",
                  f"/c/{world['diabetes'].slug}/new/", "/settings/", "/notifications/",
                  "/u/maria/"],
        "sam": ["/moderation/", "/moderation/audit/"],
        "admin": ["/insights/", "/insights/report/"],
    }.items():
        page.context.clear_cookies()
        if person != "visitor":
            sign_in(page, asgi_server, person)
        for path in paths:
            page.goto(f"{asgi_server}{path}")
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if width[0] > width[1]:
                wide[f"{person} {path}"] = width
    context.close()
    assert wide == {}


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


@pytest.mark.django_db
def test_the_thread_page_with_its_scripts_and_styles_is_under_100_kb_compressed(maria,
                                                                                 diabetes):
    """What a member's browser downloads for a thread before any reply: the page and every
    script and stylesheet it references, each gzipped as WhiteNoise serves it."""
    from tests.conftest import client_for, publish_thread

    thread = publish_thread(maria, diabetes, title="Why is my fasting glucose high?")
    sizes = {}
    for who, client in (("visitor", Client()), ("maria", client_for(maria))):
        html = client.get(thread.get_absolute_url()).content
        total = gzip_size(html)
        assets = re.findall(rb'<(?:script[^>]+src|link[^>]+href)="/static/([^"?]+)"', html)
        assert any(a.endswith(b".js") for a in assets) and any(a.endswith(b".css") for a in assets)
        for asset in assets:
            path = finders.find(asset.decode())
            assert path, asset
            with open(path, "rb") as handle:
                total += gzip_size(handle.read())
        sizes[who] = total
    print("thread page, compressed:", {who: f"{n / 1024:.1f} KB" for who, n in sizes.items()})
    assert max(sizes.values()) < 100 * 1024, sizes
