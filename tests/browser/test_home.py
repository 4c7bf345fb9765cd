"""The home page in a real browser."""

from community.models import Community

pytestmark = __import__("pytest").mark.browser


def test_home_page_lists_communities_and_loads_nothing_from_other_hosts(page, asgi_server,
                                                                        diabetes, mental):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(asgi_server + "/")

    assert page.locator("h1").inner_text() == "Communities"
    assert page.get_by_role("heading", name="Type 2 Diabetes").is_visible()
    assert page.get_by_role("heading", name="Mental Health").is_visible()
    assert page.evaluate("typeof htmx") == "object"
    assert requests and all(url.startswith(asgi_server) for url in requests), requests
    assert errors == []
    assert Community.objects.count() == 2


def test_the_skip_link_is_the_first_stop_for_keyboard_users_and_is_visible(page, asgi_server,
                                                                           diabetes):
    page.goto(asgi_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0


def test_home_page_fits_a_360px_phone_without_horizontal_scrolling(browser, asgi_server,
                                                                   diabetes, mental):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(asgi_server + "/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
