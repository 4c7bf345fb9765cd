"""The leak canary: a unique string in a private community's posts and the identity of an
anonymous poster. Everything a non-member can reach contains neither, 0 times: every page,
search, both sockets, notifications, emails (sent and in the outbox), digests, the member's
data export, and the insights files of a moderator of another community.

Each check has a positive control (a member of the community does get the canary where they
should), so that the test cannot pass by looking at nothing.
"""

from __future__ import annotations

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from accounts.services import export_gather
from community import services as forum
from community.models import Membership, ThreadFollow
from notifications import digests
from notifications import services as notifications
from notifications.models import Notification, Outbox
from tests.conftest import join, make_user

from .test_headers import get_paths
from .world import ANON_DISPLAY, ANON_NAME, CANARY

NON_MEMBERS = ("visitor", "newbie", "member_b", "clinician", "banned", "deactivated")
SECRETS = (CANARY, ANON_NAME, ANON_DISPLAY)


def leaks(text: str, secrets=SECRETS) -> list[str]:
    return [secret for secret in secrets if secret.lower() in text.lower()]


@pytest.fixture
def canary_world(in_world, django_capture_on_commit_callbacks, monkeypatch, mailoutbox):
    """The world, plus what a real private reply causes: @-mentions of a non-member and of a
    member, a former member who followed the thread, and every side effect run (screening,
    notifications, emails) as after a real commit."""
    monkeypatch.setattr("hearth.health.check_celery", lambda: False)
    world = in_world
    u, a = world.users, world.communities["a"]
    reader = u["reader_a"] = make_user("reader_a")
    join(reader, a)
    leaver = u["leaver"] = make_user("leaver")
    join(leaver, a)
    ThreadFollow.objects.create(thread=world.threads["private"], user=leaver)
    forum.community_leave(user=leaver, community=a)
    # member_b moderates B: insights for B are theirs, A's are not
    Membership.objects.filter(user=u["member_b"], community=world.communities["b"]).update(
        role=Membership.Role.MODERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        forum.post_reply(author=u["member_a"], thread=world.threads["private"],
                         body=f"@member_b @leaver @reader_a look: {CANARY} again")
    with django_capture_on_commit_callbacks(execute=True):
        forum.post_reply(author=u["anon"], thread=world.threads["public"], anonymous=True,
                         body="@member_b @reader_a I feel the same, quietly.")
    notifications.outbox_send(notifications.outbox_due_ids())
    return world


def _echoes(client, path: str, secret: str) -> int:
    """How often a query string shows up on its own results page (the search box, the title):
    the same count for a term that matches nothing."""
    nonce = "zq" + "x" * (len(secret) - 2)
    return client.get(path.replace(secret, nonce)).content.decode().count(nonce)


def test_no_page_a_non_member_can_open_contains_the_canary(canary_world):
    world = canary_world
    paths = [*get_paths(world), "/search/?q=night+fears", "/notifications/",
             f"/u/{ANON_NAME}/", "/insights/", "/insights/export.csv", "/insights/data.json"]
    queries = [f"/search/?q={CANARY}", f"/search/?q={ANON_NAME}", f"/?q={CANARY}",
               f"/search/?q={CANARY}&community=alpha-private"]
    found = []
    for role in (*NON_MEMBERS, "leaver"):
        client = world.client(role)
        if role == "leaver":
            client.force_login(world.users["leaver"])
        for path in paths:
            response = client.get(path, follow=path.startswith("/notifications/"))
            secrets = (CANARY, ANON_DISPLAY) if path == f"/u/{ANON_NAME}/" else SECRETS
            body = response.content.decode(errors="replace")
            if path == f"/u/{ANON_NAME}/" and "Asked anonymously" in body:
                found.append(f"{path} as {role}: lists the anonymous thread")
            if leaks(body, secrets):
                found.append(f"{path} as {role} ({response.status_code}): {leaks(body, secrets)}")
        for path in queries:
            secret = CANARY if CANARY in path else ANON_NAME
            body = client.get(path).content.decode(errors="replace")
            if body.count(secret) != _echoes(client, path, secret):
                found.append(f"{path} as {role}: {secret} in the results")
    assert not found, "\n".join(found)
    # positive control: a member of A finds the canary by search
    member = world.client("member_a")
    path = f"/search/?q={CANARY}"
    assert member.get(path).content.decode().count(CANARY) > _echoes(member, path, CANARY)


def test_the_anonymous_posters_identity_stays_hidden_from_members_too(canary_world):
    world = canary_world
    found = []
    for role in ("member_a", "suspended", "reader_a"):
        client = world.client(role)
        if role == "reader_a":
            client.force_login(world.users["reader_a"])
        for path in (world.threads["anonymous"].get_absolute_url(),
                     world.threads["public"].get_absolute_url() + "?page=last",
                     "/search/?q=quietly", "/search/?q=anonymously", "/notifications/"):
            body = client.get(path).content.decode(errors="replace")
            if leaks(body, (ANON_NAME, ANON_DISPLAY)):
                found.append(f"{path} as {role}")
    assert not found, "\n".join(found)
    # positive control: a moderator of the community may know who it is
    staff = world.client("staff").get(world.threads["anonymous"].get_absolute_url())
    assert ANON_NAME in staff.content.decode()


def test_notifications_and_emails_carry_no_canary_to_a_non_member(canary_world, mailoutbox):
    world = canary_world
    u = world.users
    outsiders = [u["member_b"], u["leaver"], u["newbie"], u["clinician"]]
    for user in outsiders:
        for note in Notification.objects.filter(recipient=user):
            text = f"{note.thread_id and note.thread.title} {note.post_id and note.post.body}"
            assert not leaks(text, (CANARY,)), note
            assert note.thread_id != world.threads["private"].pk, f"{user} notified: {note}"
    rows = Outbox.objects.filter(recipient__in=outsiders)
    for row in rows:
        assert not leaks(json.dumps(row.__dict__, default=str)), row
    for message in mailoutbox:
        text = message.subject + message.body + "".join(
            str(content) for content, _type in getattr(message, "alternatives", []))
        if message.to[0] in {user.email for user in outsiders}:
            assert not leaks(text), message.to
        else:
            assert ANON_NAME not in text and ANON_DISPLAY not in text, message.to
    # positive control: the member of A who was mentioned got the canary in their email
    assert Notification.objects.filter(recipient=u["reader_a"],
                                       thread=world.threads["private"]).exists()


def test_digests_and_exports_of_a_non_member_carry_no_canary(canary_world, mailoutbox):
    world = canary_world
    u = world.users
    twins = [u["member_b"], u["leaver"], u["newbie"], u["reader_a"]]
    result = digests.build_batch([user.pk for user in twins], ignore_morning=True)
    notifications.outbox_send(result.outbox_ids)
    texts = {user.username: "" for user in twins}
    for message in mailoutbox:
        for user in twins:
            if message.to == [user.email]:
                texts[user.username] += message.subject + message.body + "".join(
                    str(c) for c, _t in getattr(message, "alternatives", []))
    for row in Outbox.objects.filter(recipient__in=twins, kind="digest"):
        texts[row.recipient.username] += json.dumps(row.__dict__, default=str)
    # positive control: the member of A has the private thread in their digest
    assert "Private question" in texts["reader_a"]
    for name in ("member_b", "leaver", "newbie"):
        assert "Private question" not in texts[name], name
        assert not leaks(texts[name]), name
    for user in (u["member_b"], u["leaver"], u["newbie"], u["clinician"]):
        exported = json.dumps(export_gather(user=user), cls=DjangoJSONEncoder)
        assert not leaks(exported), user


def test_the_private_communitys_landing_page_names_none_of_its_threads(canary_world):
    """A non-member opens community A on its landing page (how to join): no thread title,
    no canary; a member of A gets the threads (positive control)."""
    world = canary_world
    path = world.communities["a"].get_absolute_url()
    titles = [thread.title for key, thread in world.threads.items()
              if thread.community_id == world.communities["a"].pk]
    for role in (*NON_MEMBERS, "leaver"):
        client = world.client(role)
        if role == "leaver":
            client.force_login(world.users["leaver"])
        body = client.get(path).content.decode(errors="replace")
        assert not leaks(body), role
        assert not [title for title in titles if title in body], role
    assert "Private question" in world.client("member_a").get(path).content.decode()
