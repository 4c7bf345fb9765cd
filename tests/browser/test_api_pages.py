"""The API's pages in Chromium, as a person uses them: a member makes a token in Settings,
copies it once and a program reads Hearth with it; the API documentation (Swagger UI from the
sidecar wheel, served by Hearth) draws itself under Hearth's Content-Security-Policy."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, sign_in
from tests.conftest import join, make_community, make_user

pytestmark = pytest.mark.browser
PAUSE = 2000  # ms: a person reads before they act


def test_a_member_makes_a_token_in_settings_and_a_program_reads_with_it(page, asgi_server,
                                                                         axe_source):
    community = make_community("type-2-diabetes")
    join(make_user("maria"), community)
    sign_in(page, asgi_server, "maria")
    page.goto(f"{asgi_server}/settings/")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="Make a token")).to_be_visible()
    page.wait_for_timeout(PAUSE)
    page.get_by_label("Name").press_sequentially("My diary app", delay=50)
    page.get_by_label("Write").check()
    page.get_by_role("button", name="Make token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("hearth_pat_")
    assert axe_violations(page, axe_source) == []
    expect(page.get_by_role("cell", name="read, write")).to_be_visible()
    request = urllib.request.Request(f"{asgi_server}/api/v1/me/",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        assert json.load(response)["username"] == "maria"
    # shown once: a reload does not show it again
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    assert token not in page.content()


def test_the_api_documentation_draws_itself_under_the_csp(page, asgi_server):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{asgi_server}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Hearth API",
                                                                     timeout=20000)
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    page.locator(".opblock-summary-path", has_text="/api/v1/communities/").first.click()
    expect(page.get_by_role("button", name="Try it out").first).to_be_visible()
    assert not violations, violations
    assert not failed, failed  # every script, style and font came from Hearth, and loaded


def test_staff_add_a_webhook_endpoint_and_read_its_delivery_log(page, asgi_server, axe_source):
    from api.models import WebhookDelivery, WebhookEndpoint

    make_user("admin", staff=True)
    sign_in(page, asgi_server, "admin")
    page.goto(f"{asgi_server}/settings/api-tokens/")
    page.get_by_role("link", name="Webhooks: send events to other systems").click()
    page.wait_for_timeout(PAUSE)
    page.get_by_label("Address (https)").press_sequentially("https://10.0.0.7/hook", delay=40)
    page.get_by_label("A member joined a community").check()
    page.get_by_role("button", name="Add endpoint").click()
    expect(page.get_by_text("private or local network")).to_be_visible()  # refused
    assert axe_violations(page, axe_source) == []
    address = page.get_by_label("Address (https)")
    address.fill("")
    address.press_sequentially("https://8.8.8.8/hook", delay=40)
    page.get_by_label("A member joined a community").check()
    page.get_by_role("button", name="Add endpoint").click()
    expect(page.get_by_role("heading", name="https://8.8.8.8/hook")).to_be_visible()
    endpoint = WebhookEndpoint.objects.get()
    WebhookDelivery.objects.create(endpoint=endpoint, event="member.joined", dedupe_key="b",
                                   msg_id="msg_browser", payload={}, response_code=503,
                                   attempts=1)
    page.reload()
    expect(page.get_by_role("cell", name="member.joined")).to_be_visible()
    expect(page.get_by_role("button", name="Send again")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_text("Signing secret").click()
    expect(page.get_by_text(endpoint.secret)).to_be_visible()
