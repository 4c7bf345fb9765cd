"""In-app notifications: who is told what, and never what they may not see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ClinicianProfile
from community import services as forum
from community.models import Membership, Post, Reaction, ThreadFollow
from notifications import selectors, services
from notifications.models import Notification
from notifications.presenters import notification_text
from tests.conftest import client_for, join, make_user, publish_reply, publish_thread
from tests.notifications.conftest import notes_for

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def test_a_reply_notifies_the_threads_author_and_not_the_replier(maria, james, diabetes,
                                                                   committed):
    thread = publish_thread(maria, diabetes, title="Walking after dinner?")
    with committed():
        publish_reply(james, thread, "I walk 20 minutes after dinner.")
    [note] = notes_for(maria)
    assert note.kind == Kind.REPLY and note.actor == james and note.thread == thread
    assert notification_text(note, viewer=maria) == (
        "james replied to your discussion “Walking after dinner?”.")
    assert notes_for(james) == []


def test_followers_hear_of_replies_unless_they_muted_the_community(maria, james, drlee, sam,
                                                                    diabetes, committed):
    thread = publish_thread(maria, diabetes)
    ThreadFollow.objects.create(thread=thread, user=drlee)
    ThreadFollow.objects.create(thread=thread, user=sam)
    Membership.objects.filter(user=sam, community=diabetes).update(level="muted")
    with committed():
        publish_reply(james, thread, "Following along.")
    assert [n.kind for n in notes_for(drlee)] == [Kind.FOLLOWED_REPLY]
    assert notes_for(sam) == []


def test_a_mention_notifies_a_member_of_the_community_only(maria, james, diabetes, mental,
                                                             committed):
    outsider = make_user("outsider")
    thread = publish_thread(james, diabetes)
    with committed():
        publish_reply(james, thread, "@Maria and @outsider, what do you think?")
    assert [n.kind for n in notes_for(maria)] == [Kind.MENTION]
    assert notes_for(outsider) == []


def test_a_mention_in_a_private_community_never_reaches_a_non_member(maria, mental, committed):
    james = make_user("james")
    join(james, mental)
    thread = publish_thread(maria, mental, kind="discussion")
    Membership.objects.filter(user=james, community=mental).delete()
    with committed():
        publish_reply(maria, thread, "@james you said this helped?")
    assert notes_for(james) == []


def test_a_clinicians_answer_to_your_question_says_so(maria, drlee, diabetes, committed):
    question = publish_thread(maria, diabetes, title="Is 140 after meals high?")
    with committed():
        publish_reply(drlee, question, "Under 180 two hours after a meal is the usual goal.")
    [note] = notes_for(maria)
    assert note.kind == Kind.CLINICIAN_ANSWER
    assert "verified clinician answered" in notification_text(note, viewer=maria)


def test_an_edit_that_is_screened_again_does_not_notify_twice(maria, james, diabetes,
                                                               committed):
    thread = publish_thread(maria, diabetes)
    with committed():
        reply = publish_reply(james, thread, "First version.")
    with committed():
        forum.post_edit(editor=james, post=reply, body="Second version, @maria.")
    assert len(notes_for(maria)) == 1


def test_your_answer_accepted(maria, james, diabetes, committed):
    question = publish_thread(maria, diabetes)
    answer = publish_reply(james, question, "Try a walk after meals.")
    with committed():
        forum.post_accept(user=maria, post=answer)
    [note] = notes_for(james, kind=Kind.ANSWER_ACCEPTED)
    assert note.actor == maria
    assert notification_text(note, viewer=james).startswith("Your reply in")


def test_reactions_are_grouped_into_one_notification(maria, diabetes, committed):
    thread = publish_thread(maria, diabetes, title="My first week")
    post = thread.posts.get()
    for name in ("ana", "ben", "cy"):
        reactor = make_user(name)
        join(reactor, diabetes)
        with committed():
            forum.reaction_toggle(user=reactor, post=post, kind=Reaction.Kind.HELPFUL)
    [note] = notes_for(maria)
    assert note.kind == Kind.REACTIONS and note.count == 3 and note.actor is None
    assert notification_text(note, viewer=maria) == (
        "3 people found your post in “My first week” helpful.")


def test_a_new_reaction_after_reading_starts_a_new_group(maria, james, diabetes, committed):
    thread = publish_thread(maria, diabetes)
    post = thread.posts.get()
    with committed():
        forum.reaction_toggle(user=james, post=post, kind=Reaction.Kind.SUPPORT)
    services.notifications_mark_all_read(user=maria)
    ana = make_user("ana")
    join(ana, diabetes)
    with committed():
        forum.reaction_toggle(user=ana, post=post, kind=Reaction.Kind.SUPPORT)
    first, second = notes_for(maria)
    assert (first.count, first.read_at is not None) == (1, True)
    assert (second.count, second.read_at is None) == (2, True)


def test_an_anonymous_reply_never_names_its_author_to_a_member(maria, james, sam, admin,
                                                                mental, committed):
    join(james, mental)
    thread = publish_thread(maria, mental, kind="discussion", title="Hard week")
    ThreadFollow.objects.create(thread=thread, user=admin)
    with committed():
        publish_reply(james, thread, "Me too. @maria you are not alone.", anonymous=True)
    [note] = notes_for(maria)
    assert note.actor is None
    assert "james" not in notification_text(note, viewer=maria)
    assert "Someone" in notification_text(note, viewer=maria)
    page = client_for(maria).get("/notifications/").content.decode()
    assert "james" not in page
    [staff_note] = notes_for(admin)
    assert staff_note.actor == james


def test_an_anonymous_thread_author_accepting_is_not_named(maria, james, mental, committed):
    join(james, mental)
    question = publish_thread(maria, mental, anonymous=True)
    answer = publish_reply(james, question, "This helped me.")
    with committed():
        forum.post_accept(user=maria, post=answer)
    [note] = notes_for(james)
    assert note.actor is None


def test_a_member_who_cannot_see_the_post_is_not_told(maria, james, mental, committed):
    join(james, mental)
    thread = publish_thread(maria, mental, kind="discussion")
    ThreadFollow.objects.create(thread=thread, user=james)
    Membership.objects.filter(user=james, community=mental).delete()
    with committed():
        publish_reply(maria, thread, "An update for everyone here.")
    assert notes_for(james) == []


def test_notify_about_a_hidden_post_tells_the_author_without_the_link(maria, james, diabetes,
                                                                      committed):
    thread = publish_thread(maria, diabetes, title="Sensitive title")
    reply = publish_reply(james, thread, "Something a moderator hides.")
    forum.post_hide(post=reply, reason="personal details")
    reply.refresh_from_db()
    with committed():
        note = services.notify(james, Kind.MODERATION, post=reply, detail="hidden",
                               message="It contained personal details.",
                               key=f"moderation:{reply.pk}:hidden")
    assert note is not None and note.post is None and note.thread is None
    assert notification_text(note, viewer=james) == "A moderator hid one of your posts."
    again = services.notify(james, Kind.MODERATION, post=reply, detail="hidden",
                            key=f"moderation:{reply.pk}:hidden")
    assert again is None


def test_a_clinician_decision_notifies_the_applicant(james, admin, committed):
    from moderation.clinicians import clinician_decide

    profile = ClinicianProfile.objects.create(
        user=james, credentials="RN", specialty="Cardiology", organisation="Hearth General",
        npi="1234567893")
    with committed():
        clinician_decide(profile=profile, decision="approve", by=admin, reason="")
    [note] = notes_for(james)
    assert note.kind == Kind.CLINICIAN_DECIDED
    assert "approved" in notification_text(note, viewer=james)


def test_notify_refuses_an_unknown_kind(maria):
    with pytest.raises(ValueError):
        services.notify(maria, "gossip")


# --- The page ------------------------------------------------------------------------------


def _replies(author, thread, n, committed):
    for i in range(n):
        with committed():
            publish_reply(author, thread, f"Reply number {i} with different text.")


def test_the_page_lists_notifications_and_opening_one_marks_it_read(maria, james, diabetes,
                                                                      committed):
    thread = publish_thread(maria, diabetes, title="Carb counting")
    with committed():
        reply = publish_reply(james, thread, "I use an app.")
    client = client_for(maria)
    html = client.get("/notifications/").content.decode()
    assert "<h1>Notifications</h1>" in html
    assert "james replied to your discussion “Carb counting”." in html
    assert 'data-notifications-unread' in html
    note = Notification.objects.get(recipient=maria)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == reply.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_a_404(maria, james, diabetes, committed):
    thread = publish_thread(maria, diabetes)
    with committed():
        publish_reply(james, thread, "Hello there.")
    note = Notification.objects.get(recipient=maria)
    assert client_for(james).get(f"/notifications/{note.pk}/").status_code == 404


def test_mark_all_read_is_a_post(maria, james, diabetes, committed):
    thread = publish_thread(maria, diabetes)
    _replies(james, thread, 3, committed)
    client = client_for(maria)
    assert client.get("/notifications/read-all/").status_code == 405
    assert client.post("/notifications/read-all/").status_code == 302
    assert selectors.unread_count(user=maria) == 0


def test_a_visitor_is_sent_to_sign_in(visitor):
    response = visitor.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_header_bell_shows_the_unread_count(maria, james, diabetes, committed):
    thread = publish_thread(maria, diabetes)
    ThreadFollow.objects.create(thread=thread, user=james)
    with committed():
        publish_reply(james, thread, "Hi!")
    html = client_for(maria).get("/").content.decode()
    assert 'href="/notifications/"' in html
    assert "data-notifications-unread> 1" in html


def test_the_bell_is_not_shown_to_visitors(visitor, diabetes):
    assert 'href="/notifications/"' not in visitor.get("/").content.decode()


@pytest.mark.parametrize("count", [3, 15])
def test_the_page_has_a_fixed_query_budget(maria, james, diabetes, committed,
                                           django_assert_max_num_queries, count):
    thread = publish_thread(maria, diabetes)
    _replies(james, thread, count, committed)
    for i in range(count):
        Notification.objects.create(recipient=maria, kind=Kind.REACTIONS, thread=thread,
                                    post=thread.posts.first(), count=i + 1, detail="thanks",
                                    key=f"x{i}")
    client = client_for(maria)
    client.get("/notifications/")  # the once-per-5-minutes last-seen update is done
    with django_assert_max_num_queries(7):
        assert client.get("/notifications/").status_code == 200


def test_only_published_posts_are_notified(maria, james, diabetes, committed):
    thread = publish_thread(maria, diabetes)
    post = forum._new_post(thread=thread, author=james, body="held one", anonymous=False)
    with committed():
        forum.post_screened(post=post, held=True, reason="phone number")
    assert notes_for(maria) == []
    assert Post.objects.get(pk=post.pk).status == Post.Status.HELD
