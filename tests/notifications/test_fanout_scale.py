"""Fan-out at scale (issue 24): one reply to a thread followed by many members makes their
notifications and emails with a fixed number of queries, and each email is still the
member's own (their name, their unsubscribe link)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from community.models import Membership, ThreadFollow
from notifications import outbox, services, tokens
from notifications.models import Notification, Outbox
from tests.conftest import join, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


def followers(thread, count: int, prefix: str) -> list[User]:
    joined = timezone.now() - timedelta(days=60)
    users = User.objects.bulk_create([
        User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.org", password="!",
             date_joined=joined, display_name=f"Reader {prefix} {i}")
        for i in range(count)
    ])
    EmailAddress.objects.bulk_create([
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users])
    Membership.objects.bulk_create([
        Membership(user=u, community=thread.community) for u in users])
    ThreadFollow.objects.bulk_create([ThreadFollow(thread=thread, user=u) for u in users])
    return users


def fan_out(post) -> Counter:
    """The fan-out's statements by kind. SQLite splits a bulk INSERT into batches of about
    80 rows (999 parameters); PostgreSQL makes one of up to 1,000 rows: inserts are counted
    apart on SQLite."""
    with CaptureQueriesContext(connection) as ctx:
        services.notifications_for_post(post_id=post.pk)
    kinds = Counter(q["sql"].split()[0].upper() for q in ctx.captured_queries)
    if connection.vendor != "postgresql":
        for kind in ("INSERT", "SAVEPOINT", "RELEASE"):
            kinds.pop(kind, None)
    return kinds


def test_fan_out_queries_do_not_grow_with_followers(maria, james, diabetes):
    small = publish_thread(maria, diabetes, title="Few readers")
    big = publish_thread(maria, diabetes, title="Many readers")
    followers(small, 10, "few")
    many = followers(big, 500, "many")

    few_queries = fan_out(publish_reply(james, small, "A reply for ten"))
    reply = publish_reply(james, big, "A reply for five hundred")
    many_queries = fan_out(reply)

    assert few_queries == many_queries, (few_queries, many_queries)
    assert sum(many_queries.values()) <= 25
    assert Notification.objects.filter(post=reply).count() == 501  # and maria, the author
    rows = {row.recipient_id: row for row in Outbox.objects.filter(
        dedupe_key__startswith=f"thread:{big.pk}:")}
    assert len(rows) == 501
    # The fan-out writes small rows: each email is rendered when it is sent.
    assert all(row.text == "" and row.notification_id for row in rows.values())
    picked = [rows[many[0].pk], rows[many[499].pk]]
    assert outbox.send([row.pk for row in picked])["sent"] == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    for user in (many[0], many[499]):
        message = by_address[user.email]
        html = message.alternatives[0][0]
        assert f"Reader many {user.username[4:]}," in message.body
        assert f"Reader many {user.username[4:]}," in html
        assert "Many readers" in message.subject
        token = message.body.split("/unsubscribe/")[1].split("/")[0]
        unsubscribe = tokens.read_unsubscribe_token(token)
        assert (unsubscribe.user_id, unsubscribe.list) == (user.pk, "replies")
        assert token in message.extra_headers["List-Unsubscribe"]
        row = Outbox.objects.get(recipient=user, kind=Outbox.Kind.REPLY)
        assert row.status == Outbox.Status.SENT and row.text == message.body  # kept as sent


def test_sending_a_batch_of_fanned_out_emails_queries_do_not_grow_with_it(
        maria, james, diabetes, mailoutbox):
    thread = publish_thread(maria, diabetes, title="A hundred readers")
    followers(thread, 100, "hundred")
    services.notifications_for_post(post_id=publish_reply(james, thread, "Hello all").pk)
    ids = list(Outbox.objects.filter(kind=Outbox.Kind.REPLY).order_by("pk")
               .values_list("pk", flat=True))
    assert len(ids) == 101
    with CaptureQueriesContext(connection) as few:
        outbox.send(ids[:5])
    with CaptureQueriesContext(connection) as many:
        outbox.send(ids[5:])
    # Per row: its claim and its update as sent; the batch: a fixed few (rows, eligibility,
    # settings' recheck, notifications, memberships).
    assert len(many.captured_queries) - 2 * 96 == len(few.captured_queries) - 2 * 5
    assert len(mailoutbox) == 101
    assert len({message.body for message in mailoutbox}) == 101  # each member's own


def test_a_member_who_lost_access_before_the_send_gets_no_email(maria, mental, mailoutbox):
    """The email is rendered at send time, and the member's access to the post is checked
    again then: removed from a private community in between, they get nothing."""
    reader, author = make_user("reader"), make_user("author")
    join(reader, mental)
    join(author, mental)
    thread = publish_thread(maria, mental, title="Private matters")
    ThreadFollow.objects.get_or_create(thread=thread, user=reader)
    services.notifications_for_post(post_id=publish_reply(author, thread, "A reply").pk)
    row = Outbox.objects.get(recipient=reader)
    Membership.objects.filter(user=reader, community=mental).delete()
    assert outbox.send([row.pk])["cancelled"] == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.CANCELLED
    assert row.last_error == "recipient can no longer see the post"
    assert row.text == "" and not [m for m in mailoutbox if m.to == [reader.email]]


def test_an_email_whose_notification_was_deleted_is_cancelled(maria, james, diabetes,
                                                              mailoutbox):
    thread = publish_thread(maria, diabetes, title="Soon gone")
    services.notifications_for_post(post_id=publish_reply(james, thread, "A reply").pk)
    row = Outbox.objects.get(recipient=maria)
    Notification.objects.filter(pk=row.notification_id).delete()
    assert outbox.send([row.pk])["cancelled"] == 1
    assert Outbox.objects.get(pk=row.pk).last_error == "notification gone"
    assert not mailoutbox


def test_a_second_fan_out_of_the_same_post_adds_nothing(maria, james, diabetes):
    thread = publish_thread(maria, diabetes, title="Twice")
    followers(thread, 20, "twice")
    reply = publish_reply(james, thread, "Once only")
    services.notifications_for_post(post_id=reply.pk)
    before = (Notification.objects.count(), Outbox.objects.count())
    services.notifications_for_post(post_id=reply.pk)
    assert (Notification.objects.count(), Outbox.objects.count()) == before


def test_a_big_fan_out_forgets_the_bell_counts_it_does_not_keep(
        maria, james, diabetes, monkeypatch, django_capture_on_commit_callbacks):
    """Past REMEMBER_AT_MOST members the new counts go to the sockets only: the cached ones
    are forgotten (never left stale), and each member's next page counts once."""
    from django.core.cache import cache

    from notifications import selectors

    thread = publish_thread(maria, diabetes, title="Counted")
    few = followers(thread, 3, "counted")
    for user in few:
        cache.set(selectors.unread_key(user.pk), 7)  # stale once the fan-out commits
    monkeypatch.setattr(services, "REMEMBER_AT_MOST", 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.notifications_for_post(post_id=publish_reply(james, thread, "Hi").pk)
    for user in few:
        assert cache.get(selectors.unread_key(user.pk)) is None
        assert selectors.cached_unread_count(user=user) == 1
    monkeypatch.setattr(services, "REMEMBER_AT_MOST", 500)
    with django_capture_on_commit_callbacks(execute=True):
        services.notifications_for_post(post_id=publish_reply(maria, thread, "Again").pk)
    assert cache.get(selectors.unread_key(few[0].pk)) == 1  # the same discussion: one line
