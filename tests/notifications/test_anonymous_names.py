"""Who a notification names about an anonymous post: one rule (notifications.permissions.
may_name_actor, built on community.permissions.can_see_author) for what is stored and for
every sentence shown; the sentences used to hide the name from moderators, who see it on the
thread page (issue 17, "every rule once")."""

from __future__ import annotations

import pytest

from community.models import ThreadFollow
from notifications.models import Notification
from notifications.permissions import may_name_actor
from notifications.presenters import notification_text
from tests.conftest import join, make_user, publish_reply, publish_thread
from tests.notifications.conftest import notes_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous_reply(maria, james, sam, admin, mental, committed):
    """james replies anonymously in maria's thread; sam (moderator of the community) and
    admin (staff) follow it, and so does ana, a plain member."""
    join(james, mental)
    ana = make_user("ana")
    join(ana, mental)
    thread = publish_thread(maria, mental, kind="discussion", title="Hard week")
    for follower in (sam, admin, ana):
        ThreadFollow.objects.create(thread=thread, user=follower)
    with committed():
        reply = publish_reply(james, thread, "Me too.", anonymous=True)
    return thread, reply, ana


def test_a_member_is_not_told_who_wrote_it(anonymous_reply, maria):
    thread, reply, ana = anonymous_reply
    for member in (maria, ana):
        assert not may_name_actor(member, thread=thread, post=reply)
        [note] = notes_for(member)
        assert note.actor is None
        assert "james" not in notification_text(note, viewer=member)


@pytest.mark.parametrize("who", ["sam", "admin"])
def test_the_communitys_moderator_and_staff_are_told_as_on_the_thread_page(
        anonymous_reply, james, who, request):
    thread, reply, _ana = anonymous_reply
    viewer = request.getfixturevalue(who)
    assert may_name_actor(viewer, thread=thread, post=reply)
    [note] = notes_for(viewer)
    assert note.actor == james
    assert "james" in notification_text(note, viewer=viewer)


def test_a_stored_name_is_still_hidden_from_a_reader_who_may_not_see_it(anonymous_reply,
                                                                        james, maria):
    """The sentence applies the rule again (a name stored for a moderator who has since
    stepped down, say)."""
    thread, reply, _ana = anonymous_reply
    note = Notification(recipient=maria, kind=Notification.Kind.REPLY, actor=james,
                        thread=thread, post=reply)
    assert "james" not in notification_text(note, viewer=maria)
    assert "Someone" in notification_text(note, viewer=maria)


def test_the_author_of_an_anonymous_post_may_be_named_to_themself(anonymous_reply, james):
    thread, reply, _ana = anonymous_reply
    assert may_name_actor(james, thread=thread, post=reply)


def test_nothing_anonymous_names_everyone(maria, james, diabetes):
    thread = publish_thread(maria, diabetes)
    reply = publish_reply(james, thread, "Signed.")
    assert may_name_actor(make_user("stranger"), thread=thread, post=reply)
    assert may_name_actor(maria, thread=None, post=None)
