"""The leak canary for private messages and requests to the hospital: a unique string in a
conversation of member_a and reader_a, and in member_a's request to the hospital. Nobody
outside the conversation (staff and moderators included, unless a report shows it to them)
and nobody off the patient-experience team meets it: pages, search, notifications, emails,
exports and insights (the member socket: test_leak_canary_messages_live.py). Every page of
the authorization matrix is walked by test_leak_canary.py; here the pages where a message or
a request could show. Each check has its positive control.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.core.serializers.json import DjangoJSONEncoder

from accounts.services import export_gather
from messaging import services as messaging
from messaging.models import Message
from messaging.permissions import PATIENT_EXPERIENCE_GROUP
from notifications import digests
from notifications import services as notifications
from notifications.models import Notification, Outbox
from tests.conftest import client_for, join, make_user

from .world import ROLES

SECRET = "zxmsgcanary41b7"
ASK_SECRET = "zxaskcanary93d2"
OUTSIDERS = tuple(r for r in ROLES if r not in ("member_a",))
TEAM = ("pex",)  # the world's patient-experience team member reads requests, not messages


@pytest.fixture
def message_world(in_world, django_capture_on_commit_callbacks, monkeypatch, mailoutbox):
    monkeypatch.setattr("hearth.health.check_celery", lambda: False)
    world = in_world
    u = world.users
    reader = u["reader_a"] = make_user("reader_a")
    join(reader, world.communities["a"])
    pat = u["pat"] = make_user("pat")
    pat.groups.add(Group.objects.get_or_create(name=PATIENT_EXPERIENCE_GROUP)[0])
    with django_capture_on_commit_callbacks(execute=True):
        conversation = messaging.conversation_start(
            sender=u["member_a"], recipients=[reader], subject="Just us",
            body=f"Between us: {SECRET} and nothing more")
        messaging.message_send(sender=reader, conversation=conversation,
                               body=f"Got it, {SECRET}")
        request = messaging.ask_create(member=u["member_a"], topic="complaint",
                                       subject="The parking", body=f"About {ASK_SECRET}")
        messaging.ask_reply(user=pat, request_id=request.pk, body="We are on it.")
    notifications.outbox_send(notifications.outbox_due_ids())
    world.extra["secret_conversation"] = conversation
    world.extra["secret_request"] = request
    return world


def _pages(world) -> list[str]:
    conversation = world.extra["secret_conversation"]
    request = world.extra["secret_request"]
    message = Message.objects.filter(conversation=conversation).first()
    return ["/", "/messages/", f"/messages/{conversation.pk}/",
            f"/messages/{conversation.pk}/after/0/", f"/messages/m/{message.pk}/report/",
            f"/search/?q={SECRET}", f"/search/?q={ASK_SECRET}", "/notifications/",
            "/insights/", "/insights/export.csv", "/insights/data.json", "/moderation/",
            "/ask/", f"/ask/{request.pk}/", "/ask/inbox/", f"/ask/inbox/{request.pk}/"]


def test_no_page_outside_the_conversation_shows_the_message(message_world):
    world = message_world
    found = []
    for role in OUTSIDERS:
        client = world.client(role)
        for path in _pages(world):
            response = client.get(path)
            body = response.content.decode(errors="replace")
            if SECRET in body and SECRET not in path:
                found.append(f"{path} as {role} ({response.status_code})")
            if ASK_SECRET in body and ASK_SECRET not in path and role not in TEAM:
                found.append(f"{path} as {role} ({response.status_code}): the request")
    assert not found, "\n".join(found)
    # positive controls: the two members read it, the team reads the request
    conversation = world.extra["secret_conversation"]
    for name in ("member_a", "reader_a"):
        assert SECRET in client_for(world.users[name]).get(
            f"/messages/{conversation.pk}/").content.decode()
    request = world.extra["secret_request"]
    for member in (world.users["pat"], world.users["pex"]):
        assert ASK_SECRET in client_for(member).get(
            f"/ask/inbox/{request.pk}/").content.decode()
    assert ASK_SECRET in world.client("member_a").get(f"/ask/{request.pk}/").content.decode()


def test_notifications_emails_and_exports_carry_no_message(message_world, mailoutbox):
    world = message_world
    u = world.users
    for note in Notification.objects.all():
        assert SECRET not in json.dumps(note.__dict__, default=str)
    for row in Outbox.objects.all():
        text = json.dumps(row.__dict__, default=str)
        assert SECRET not in text and ASK_SECRET not in text, row
    for message in mailoutbox:
        text = message.subject + message.body + "".join(
            str(c) for c, _t in getattr(message, "alternatives", []))
        assert SECRET not in text and ASK_SECRET not in text, message.to
    # positive control: the member was emailed about the team's reply (a link)
    assert any(m.to == [u["member_a"].email] for m in mailoutbox)
    for name in OUTSIDERS:
        if name in ("visitor",):
            continue
        exported = json.dumps(export_gather(user=u[name]), cls=DjangoJSONEncoder)
        assert SECRET not in exported and ASK_SECRET not in exported, name
    exported = json.dumps(export_gather(user=u["reader_a"]), cls=DjangoJSONEncoder)
    assert SECRET in exported and ASK_SECRET not in exported
    assert ASK_SECRET in json.dumps(export_gather(user=u["member_a"]), cls=DjangoJSONEncoder)


def test_no_digest_carries_a_message_or_a_request(message_world, mailoutbox):
    """Digests are built for everyone, the conversation's members and the team included: none
    holds a word of a message or a request (positive control: reader_a's digest is built,
    with community A's private thread in it)."""
    world = message_world
    users = [user for name, user in world.users.items() if name != "visitor"]
    result = digests.build_batch([user.pk for user in users], ignore_morning=True)
    notifications.outbox_send(result.outbox_ids)
    texts = ""
    for row in Outbox.objects.filter(kind="digest"):
        texts += json.dumps(row.__dict__, default=str)
    for message in mailoutbox:
        texts += message.subject + message.body + "".join(
            str(c) for c, _t in getattr(message, "alternatives", []))
    assert SECRET not in texts and ASK_SECRET not in texts
    assert Outbox.objects.filter(kind="digest", recipient=world.users["reader_a"]).exists()
    assert "Private question" in texts


def test_a_report_shows_the_message_to_moderators_from_the_report_only(message_world):
    world = message_world
    u = world.users
    conversation = world.extra["secret_conversation"]
    mine = Message.objects.filter(conversation=conversation, sender=u["member_a"]).first()
    assert SECRET not in world.client("mod_a").get("/moderation/").content.decode()
    messaging.message_report(user=u["reader_a"], message=mine, reason="harassment")
    queue = world.client("mod_a").get("/moderation/").content.decode()
    assert SECRET in queue
    # still not in the conversation itself, nor for a moderator of another community
    assert world.client("mod_a").get(f"/messages/{conversation.pk}/").status_code == 404
    assert SECRET not in world.client("member_b").get("/moderation/").content.decode()
