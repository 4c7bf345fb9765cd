"""Rules written once (issue 17): good standing and its queryset twin, "new member", and who may
be named on an anonymous post, each asked by every app that needs it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.permissions import in_good_standing, is_in_good_standing, is_new_member
from notifications.services import can_receive_email, eligible_for_email
from tests.conftest import make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    now = timezone.now()
    return {
        "fine": make_user("finemember"),
        "inactive": make_user("gonemember", is_active=False),
        "banned": make_user("bannedmember", banned_at=now),
        "suspended": make_user("suspendedmember", suspended_until=now + timedelta(days=2)),
        "suspension_over": make_user("backmember", suspended_until=now - timedelta(hours=1)),
    }


def test_good_standing_and_its_queryset_twin_agree_on_every_branch(people):
    expected = {"fine": True, "inactive": False, "banned": False, "suspended": False,
                "suspension_over": True}
    in_query = set(in_good_standing(User.objects.filter(
        pk__in=[u.pk for u in people.values()])).values_list("username", flat=True))
    for name, user in people.items():
        assert is_in_good_standing(user) is expected[name], name
        assert (user.username in in_query) is expected[name], name


def test_email_goes_only_to_members_in_good_standing_with_an_address(people):
    eligible = set(eligible_for_email(User.objects.all()).values_list("username", flat=True))
    for name, user in people.items():
        assert can_receive_email(user) is is_in_good_standing(user), name
        assert (user.username in eligible) is (is_in_good_standing(user)), name
    people["fine"].email = ""
    assert not can_receive_email(people["fine"])


def test_a_new_member_is_one_who_joined_within_the_configured_days(settings):
    settings.HEARTH_NEW_MEMBER_DAYS = 3
    assert is_new_member(None)
    assert is_new_member(make_user("joinedtoday", days=0))
    assert is_new_member(make_user("joinedtwodaysago", days=2))
    assert not is_new_member(make_user("joinedlastweek", days=7))


def test_notifications_name_an_anonymous_author_exactly_to_whom_the_pages_do(
        mental, maria, james, sam):
    from community.permissions import can_see_author
    from notifications.services import _hide_actor
    from tests.conftest import join

    # given an anonymous reply in a community that allows it, and a named one
    join(james, mental)
    thread = publish_thread(maria, mental, title="Nights are hard")
    hidden = publish_reply(james, thread, "You are not alone in this.", anonymous=True)
    named = publish_reply(james, thread, "Same here, it gets easier.")
    # then a member is not told who wrote it, the author and a moderator are, as on the page
    for recipient, sees in ((maria, False), (james, True), (sam, True)):
        assert can_see_author(recipient, hidden) is sees
        assert _hide_actor(recipient, thread, hidden) is (not sees)
        assert _hide_actor(recipient, thread, named) is False
