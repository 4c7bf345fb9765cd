"""The leak canary through the API and the webhooks: the private community's text and the
anonymous poster's identity are in no API response a non-member gets (and the anonymous
identity in none a member gets), and in no webhook body at all. Positive controls: a member
of A reads the canary through the API; staff see who wrote anonymously."""

from __future__ import annotations

import pytest

from api.models import WebhookEndpoint
from community import services as forum
from tests.api.conftest import Receiver

from .world import ANON_DISPLAY, ANON_NAME, CANARY

NON_MEMBERS = ("visitor", "newbie", "member_b", "clinician", "banned", "deactivated")
SECRETS = (CANARY, ANON_NAME, ANON_DISPLAY)


def leaks(text: str, secrets=SECRETS) -> list[str]:
    return [secret for secret in secrets if secret.lower() in text.lower()]


def api_paths(world) -> list[str]:
    paths = ["/api/v1/communities/", "/api/v1/threads/", "/api/v1/posts/", "/api/v1/me/",
             "/api/v1/me/notifications/", "/api/v1/insights/",
             f"/api/v1/search/?q={CANARY}", f"/api/v1/search/?q={ANON_NAME}",
             "/api/v1/search/?q=question", "/api/v1/threads/?community=alpha-private",
             "/api/v1/posts/?community=alpha-private"]
    paths += [f"/api/v1/communities/{slug}/"
              for slug in ("open-commons", "alpha-private", "beta-private")]
    for thread in world.threads.values():
        paths += [f"/api/v1/threads/{thread.pk}/", f"/api/v1/threads/{thread.pk}/posts/"]
    for post in world.posts.values():
        paths.append(f"/api/v1/posts/{post.pk}/")
    return paths


def test_no_api_response_to_a_non_member_contains_the_canary(in_world):
    world = in_world
    found = []
    for role in NON_MEMBERS:
        client = world.client(role)
        for path in api_paths(world):
            response = client.get(path)
            assert response.status_code < 500, (path, role)
            if leaks(response.content.decode()):
                found.append(f"{path} as {role} ({response.status_code}): "
                             f"{leaks(response.content.decode())}")
    # the anonymous poster's identity: hidden from members of its community too
    for role in ("member_a", "suspended"):
        client = world.client(role)
        found += [f"{path} as {role}: the anonymous poster" for path in api_paths(world)
                  if leaks(client.get(path).content.decode(), (ANON_NAME, ANON_DISPLAY))]
    assert not found, "\n".join(found)
    # positive controls
    private = world.threads["private"]
    member = world.client("member_a").get(f"/api/v1/threads/{private.pk}/posts/")
    assert CANARY in member.content.decode()
    anonymous = world.threads["anonymous"]
    staff = world.client("staff").get(f"/api/v1/threads/{anonymous.pk}/posts/")
    assert ANON_NAME in staff.content.decode()


@pytest.fixture
def loopback_receiver(settings):
    settings.HEARTH_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.HEARTH_WEBHOOK_REQUIRE_HTTPS = False
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_no_webhook_body_contains_the_canary(in_world, loopback_receiver,
                                             django_capture_on_commit_callbacks):
    world, receiver = in_world, loopback_receiver
    WebhookEndpoint.objects.create(url=receiver.url, secret="whsec_" + "QUFB" * 11,
                                   events=list(WebhookEndpoint.Event.values))
    with django_capture_on_commit_callbacks(execute=True):
        forum.post_reply(author=world.users["member_a"], thread=world.threads["private"],
                         body=f"Again {CANARY}")
    with django_capture_on_commit_callbacks(execute=True):
        forum.post_reply(author=world.users["anon"], thread=world.threads["public"],
                         anonymous=True, body="Quietly me.")
    types = sorted(b["type"] for b in receiver.bodies())
    assert types == ["post.published", "post.published"]  # positive control: both announced
    for request in receiver.requests:
        assert not leaks(request["body"]), request["body"]
