"""Issue 23 in Chromium: no page makes the browser ask anyone but Hearth for anything (the
share actions are plain links and Hearth's own script), "Copy link" copies a tagged link that
names no one, and staff make a campaign link that counts the visit it brings."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import axe_violations, demo_world, sign_in

pytestmark = pytest.mark.browser


def test_no_request_leaves_hearth_from_any_page_and_sharing_works(browser, asgi_server,
                                                                  axe_source):
    from accounts.models import User
    from community.sharing import parse_share_id
    from insights.campaign_models import CampaignVisit
    from learn.models import Article

    world = demo_world()
    User.objects.filter(username="maria").update(allow_share_previews=True)
    article = Article.objects.create(
        author=world["drlee"], community=world["diabetes"], title="Foot care basics",
        summary="Check your feet every day.", body="Look.", body_html="<p>Look.</p>",
        status=Article.Status.PUBLISHED)
    from tests.community.test_share_cards import _event

    event = _event(world["diabetes"], "Ask about insulin")
    origin = urlparse(asgi_server)
    requests: list[str] = []

    def watch(context):
        context.on("request", lambda request: requests.append(request.url))
        context.on("page", lambda page: page.on(
            "websocket", lambda socket: requests.append(socket.url)))

    visitor = browser.new_context(viewport={"width": 1280, "height": 900})
    visitor.grant_permissions(["clipboard-read", "clipboard-write"], origin=asgi_server)
    watch(visitor)
    page = visitor.new_page()
    page.on("websocket", lambda socket: requests.append(socket.url))
    thread = world["thread"]
    for path in ("/", "/c/type-2-diabetes/", thread.get_absolute_url(), "/c/mental-health/",
                 article.get_absolute_url(), "/c/type-2-diabetes/learn/",
                 event.get_absolute_url(), "/c/type-2-diabetes/events/",
                 "/search/?q=glucose", "/u/maria/", "/accounts/signup/", "/accounts/login/"):
        page.goto(f"{asgi_server}{path}")
        page.wait_for_load_state("networkidle")

    # A visitor copies a discussion's link from the keyboard.
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    assert page.locator('meta[property="og:title"]').get_attribute("content") == thread.title
    copy = page.get_by_role("button", name="Copy link")
    copy.focus()
    page.keyboard.press("Enter")
    page.locator("[data-share-status]").filter(has_text="Link copied.").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    query = parse_qs(urlparse(copied).query)
    assert query["utm_medium"] == ["share"] and query["utm_campaign"] == ["member-share"]
    assert parse_share_id(query["hs"][0]) == ("t", thread.pk)
    assert page.get_by_role("link", name="Share on X").get_attribute("href").startswith(
        "https://x.com/intent/post?")
    visitor.close()

    # Staff make a campaign link, typing like a person; the page passes axe.
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    watch(staff)
    page = staff.new_page()
    page.on("websocket", lambda socket: requests.append(socket.url))
    sign_in(page, asgi_server, "admin")
    for path in ("/settings/", "/notifications/", "/messages/", "/moderation/",
                 "/insights/", "/bookmarks/"):
        page.goto(f"{asgi_server}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{asgi_server}/insights/campaigns/")
    page.get_by_label("Campaign name").press_sequentially("foot-week", delay=40)
    page.get_by_label("Page to link to").press_sequentially("/c/type-2-diabetes/", delay=40)
    page.get_by_label("Where you will post it").select_option("facebook")
    page.get_by_role("button", name="Make the link").click()
    link = page.locator("code.campaign-link").first
    link.wait_for()
    campaign_link = link.inner_text()
    assert "utm_campaign=foot-week" in campaign_link and "utm_source=facebook" in campaign_link
    assert axe_violations(page, axe_source) == []
    staff.close()

    # The same in Spanish: the campaigns page (axe) and the share actions.
    spanish = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-ES")
    watch(spanish)
    page = spanish.new_page()
    sign_in(page, asgi_server, "admin")
    page.goto(f"{asgi_server}/insights/campaigns/")
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Enlaces de campaña"
    assert page.locator("code.campaign-link").count() == 1
    assert axe_violations(page, axe_source) == []
    page.goto(f"{asgi_server}{thread.get_absolute_url()}")
    page.get_by_role("link", name="Compartir en X").wait_for()
    page.get_by_role("button", name="Copiar enlace").wait_for()
    assert axe_violations(page, axe_source) == []
    spanish.close()

    # Someone follows it: one visit.
    stranger = browser.new_context()
    watch(stranger)
    page = stranger.new_page()
    parts = urlparse(campaign_link)
    page.goto(f"{asgi_server}{parts.path}?{parts.query}")
    page.wait_for_load_state("networkidle")
    page.reload()
    stranger.close()
    assert CampaignVisit.objects.filter(campaign__slug="foot-week").count() == 1

    outside = [url for url in requests if not url.startswith(("data:", "blob:"))
               and (urlparse(url).hostname, urlparse(url).port) != (origin.hostname,
                                                                    origin.port)]
    assert len(requests) > 30
    assert outside == []
