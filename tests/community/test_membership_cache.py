"""The kept copies of a member's memberships and row (read with the member's row on every
request) are dropped when the write commits, not only inside the writer's transaction: a
request that reads in between must not keep the old state for five minutes (issue 17)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from accounts import services as accounts
from accounts.middleware import _user_key, remember_user
from accounts.models import User
from community import permissions, services
from community.models import Membership
from tests.factories import join, make_user

pytestmark = pytest.mark.django_db


def _kept(user_id: int) -> dict:
    return permissions._kept_memberships(user_id)


@pytest.fixture
def newcomer(diabetes, redis_client):
    user = make_user("newcomer")
    assert _kept(user.pk) == {}  # kept: no membership
    return user


def test_a_join_reaches_the_kept_copy_when_an_old_read_lands_before_the_commit(
        newcomer, diabetes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.community_join(user=newcomer, community=diabetes)
        # Another request, on its own connection, reads the rows as they are before the
        # commit and keeps them.
        cache.set(f"memberships:{newcomer.pk}", {}, 300)
    assert diabetes.pk in _kept(newcomer.pk)


def test_a_read_in_the_joining_transaction_leaves_the_committed_state(
        newcomer, diabetes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.community_join(user=newcomer, community=diabetes)
        assert diabetes.pk in _kept(newcomer.pk)  # the write's own connection sees it
        cache.set(f"memberships:{newcomer.pk}", {}, 300)
    assert diabetes.pk in _kept(newcomer.pk)
    assert permissions.is_member(User.objects.get(pk=newcomer.pk), diabetes)


def test_leaving_and_approval_reach_the_kept_copy_on_commit(
        newcomer, diabetes, mental, sam, django_capture_on_commit_callbacks):
    join(newcomer, diabetes)
    services.community_join(user=newcomer, community=mental)  # private: pending
    assert _kept(newcomer.pk)[mental.pk].status == Membership.Status.PENDING
    kept_before = _kept(newcomer.pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.community_leave(user=newcomer, community=diabetes)
        services.membership_approve(moderator=sam,
                                    membership=Membership.objects.get(user=newcomer,
                                                                      community=mental))
        cache.set(f"memberships:{newcomer.pk}", kept_before, 300)  # an old read
    kept = _kept(newcomer.pk)
    assert diabetes.pk not in kept
    assert kept[mental.pk].status == Membership.Status.ACTIVE


def test_a_saved_member_row_reaches_the_cache_on_commit(
        maria, redis_client, django_capture_on_commit_callbacks):
    old = User.objects.get(pk=maria.pk)
    remember_user(old)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        accounts.profile_update(user=maria, display_name="Maria G")
        remember_user(old)  # another request keeps the row as it was before the commit
    assert cache.get(_user_key(maria.pk)) is None  # the next request reads the new row


def test_the_messages_count_is_counted_again_when_the_message_commits(
        maria, james, diabetes, redis_client, django_capture_on_commit_callbacks):
    from messaging import selectors as messages
    from messaging import services as messaging

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        messaging.conversation_start(sender=james, recipients=[maria], body="How are you?")
        # Another sender's transaction, committing now, counted without this message.
        cache.set(messages.unread_key(maria.pk), 0, None)
    assert messages.cached_unread_count(user=maria) == 1
