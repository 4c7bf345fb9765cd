"""A block in the forum: a blocked member's replies and @mentions never reach the blocker (no
notification, email or count), and the blocked member sees nothing different. The rule is
community.permissions.post_reaches (and its twin members_reached_by), with the blocks
messaging keeps."""

from __future__ import annotations

import pytest

from community import permissions
from community.models import Post, ThreadFollow
from messaging import services
from notifications.models import Notification, Outbox
from tests.conftest import client_for, join, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def notes(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- The rule, one test per branch ---------------------------------------------------------


def test_a_post_of_a_former_member_reaches_whoever_it_addresses(maria):
    assert permissions.post_reaches(maria.pk, Post(author=None)) is True


def test_a_post_never_reaches_its_own_author(maria):
    assert permissions.post_reaches(maria.pk, Post(author=maria)) is False


def test_a_post_by_a_blocked_member_does_not_reach_the_blocker(maria, james):
    services.block_set(user=maria, member=james, blocked=True)
    assert permissions.post_reaches(maria.pk, Post(author=james)) is False
    assert permissions.post_reaches(maria.pk, Post(author=james, is_anonymous=True)) is False


def test_a_post_reaches_a_member_who_blocks_nobody_and_the_blocked_one(maria, james):
    assert permissions.post_reaches(maria.pk, Post(author=james)) is True
    services.block_set(user=maria, member=james, blocked=True)
    # the block protects the blocker only: her posts still reach him
    assert permissions.post_reaches(james.pk, Post(author=maria)) is True


def test_the_twin_leaves_out_the_author_and_the_blockers_in_one_query(
        maria, james, sam, django_assert_num_queries):
    services.block_set(user=maria, member=james, blocked=True)
    with django_assert_num_queries(1):
        reached = permissions.members_reached_by(Post(author=james), {maria.pk, sam.pk, james.pk})
    assert reached == {sam.pk}
    with django_assert_num_queries(0):
        assert permissions.members_reached_by(Post(author=None), {maria.pk}) == {maria.pk}
        assert permissions.members_reached_by(Post(author=james), {james.pk}) == set()


# --- In the forum --------------------------------------------------------------------------


def test_a_blocked_members_reply_and_mention_never_reach_the_blocker(maria, james, sam,
                                                                       diabetes, committed):
    thread = publish_thread(maria, diabetes, title="Walking after dinner?", kind="discussion")
    ThreadFollow.objects.get_or_create(thread=thread, user=maria)
    ThreadFollow.objects.create(thread=thread, user=sam)
    services.block_set(user=maria, member=james, blocked=True)
    with committed():
        reply = publish_reply(james, thread, "@maria @sam I walk 20 minutes after dinner.")
    # maria: no reply, followed-reply or mention notification, and no email
    assert notes(maria) == []
    assert not Outbox.objects.filter(recipient=maria).exists()
    # sam is told as usual
    assert notes(sam) == [Notification.Kind.MENTION]
    # james's reply is published like any other, for everyone (maria included) to read
    assert reply.status == Post.Status.PUBLISHED
    page = client_for(james).get(f"/t/{thread.pk}/").content.decode()
    assert "I walk 20 minutes after dinner." in page


def test_an_anonymous_reply_by_a_blocked_member_does_not_reach_the_blocker(maria, james,
                                                                          mental, committed):
    join(james, mental)
    thread = publish_thread(maria, mental, kind="discussion")
    services.block_set(user=maria, member=james, blocked=True)
    with committed():
        publish_reply(james, thread, "Same here, @maria.", anonymous=True)
    assert notes(maria) == []


def test_unblocking_lets_replies_reach_again(maria, james, diabetes, committed):
    thread = publish_thread(maria, diabetes, kind="discussion")
    services.block_set(user=maria, member=james, blocked=True)
    services.block_set(user=maria, member=james, blocked=False)
    with committed():
        publish_reply(james, thread, "Glad it helped.")
    assert notes(maria) == [Notification.Kind.REPLY]


def test_the_mention_still_links_for_everyone(maria, james, diabetes, committed):
    """The blocked member sees his mention as he wrote it: nothing tells him of the block."""
    thread = publish_thread(james, diabetes, kind="discussion")
    services.block_set(user=maria, member=james, blocked=True)
    with committed():
        reply = publish_reply(james, thread, "Thanks @maria")
    assert 'href="/u/maria/"' in reply.body_html
    assert notes(maria) == []


# --- Reactions: the same protection for a blocked member's reactions ----------------------


def test_the_reactions_rule_leaves_out_the_member_and_whom_they_block_in_one_query(
        maria, james, sam, django_assert_num_queries):
    services.block_set(user=maria, member=james, blocked=True)
    with django_assert_num_queries(1):
        assert permissions.actors_reaching(maria.pk, [maria.pk, james.pk, sam.pk]) == {sam.pk}
    with django_assert_num_queries(0):
        assert permissions.actors_reaching(maria.pk, [maria.pk]) == set()
    # the block protects the blocker only: her reactions still reach him
    assert permissions.actors_reaching(james.pk, [maria.pk]) == {maria.pk}


def test_a_blocked_members_reaction_never_reaches_the_blocker(maria, james, sam, diabetes,
                                                              committed):
    from community import services as forum
    from community.models import Reaction

    thread = publish_thread(maria, diabetes, title="My first week", kind="discussion")
    post = thread.posts.get()
    services.block_set(user=maria, member=james, blocked=True)
    with committed():
        forum.reaction_toggle(user=james, post=post, kind=Reaction.Kind.SUPPORT)
    assert notes(maria) == []
    # another member's reaction is told, and counts only the people who reach her
    with committed():
        forum.reaction_toggle(user=sam, post=post, kind=Reaction.Kind.SUPPORT)
    [note] = Notification.objects.filter(recipient=maria)
    assert note.kind == Notification.Kind.REACTIONS and note.count == 1
    # james's reaction is counted on the post like any other: he sees no difference
    assert post.reactions.filter(kind=Reaction.Kind.SUPPORT).count() == 2
