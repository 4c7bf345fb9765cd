"""The forum through the HTTP client, as members use it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.models import Membership, Post, Reaction, Thread, ThreadFollow
from tests.conftest import client_for, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


def test_directory_lists_communities_and_marks_the_ones_joined(as_james, diabetes, heart,
                                                                mental):
    html = as_james.get("/").content.decode()
    assert "Type 2 Diabetes" in html and "Heart Health" in html and "Mental Health" in html
    assert html.count('class="tag joined"') == 2
    assert "Request to join" in html


def test_directory_filter_box_narrows_the_list(visitor, diabetes, heart):
    html = visitor.get("/?q=heart").content.decode()
    assert "Heart Health" in html and "Type 2 Diabetes" not in html


def test_join_and_leave_are_posts_that_change_the_member_count(diabetes):
    newcomer = make_user("newcomer")
    client = client_for(newcomer)
    assert client.get(f"/c/{diabetes.slug}/join/").status_code == 405
    assert client.post(f"/c/{diabetes.slug}/join/").status_code == 302
    diabetes.refresh_from_db()
    assert diabetes.member_count == 1
    assert client.post(f"/c/{diabetes.slug}/leave/").status_code == 302
    diabetes.refresh_from_db()
    assert diabetes.member_count == 0


def test_joining_a_private_community_waits_for_a_moderator(mental, sam):
    newcomer = make_user("newcomer")
    client = client_for(newcomer)
    client.post(f"/c/{mental.slug}/join/")
    membership = Membership.objects.get(user=newcomer, community=mental)
    assert membership.status == Membership.Status.PENDING
    landing = client.get(f"/c/{mental.slug}/")  # its landing page, not its threads
    assert landing.status_code == 200 and "Request sent" in landing.content.decode()
    assert client.get(f"/c/{mental.slug}/new/").status_code == 404


def test_a_new_question_is_checked_then_published(as_maria, maria, diabetes,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_maria.post(f"/c/{diabetes.slug}/new/", {
            "title": "Do you check after meals?", "body": "How long after eating?",
            "kind": "question"})
    thread = Thread.objects.get(title="Do you check after meals?")
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    assert thread.status == Thread.Status.PUBLISHED
    assert thread.kind == Thread.Kind.QUESTION
    assert thread.posts.get().screening == Post.Screening.CLEAN
    assert ThreadFollow.objects.filter(thread=thread, user=maria).exists()
    page = client_for(make_user("reader")).get(thread.get_absolute_url())
    assert "How long after eating?" in page.content.decode()


def test_a_reply_without_javascript_redirects_to_the_new_post(as_james, maria, james, diabetes,
                                                              django_capture_on_commit_callbacks):
    thread = publish_thread(maria, diabetes)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_james.post(f"/t/{thread.pk}/reply/", {"body": "Try a short walk."})
    post = thread.posts.get(position=2)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#post-{post.pk}")
    thread.refresh_from_db()
    assert thread.reply_count == 1 and thread.first_reply_at is not None


def test_a_reply_with_htmx_returns_the_post_in_place(as_james, maria, james, diabetes):
    thread = publish_thread(maria, diabetes)
    response = as_james.post(f"/t/{thread.pk}/reply/", {"body": "Same here!"},
                             headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="beforeend:#posts"' in html and "Same here!" in html


def test_a_locked_thread_refuses_replies_with_a_clear_message_and_keeps_the_text(
        as_james, maria, diabetes, james):
    thread = publish_thread(maria, diabetes)
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    response = as_james.post(f"/t/{thread.pk}/reply/", {"body": "My careful words"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "locked" in html and "My careful words" in html


def test_a_member_who_has_not_joined_cannot_reply(maria, diabetes):
    thread = publish_thread(maria, diabetes)
    outsider = client_for(make_user("outsider"))
    response = outsider.post(f"/t/{thread.pk}/reply/", {"body": "hello"})
    assert response.status_code == 403
    assert "Join this community" in response.content.decode()


@pytest.mark.parametrize(("data", "message"), [
    ({"title": "", "body": "text", "kind": "discussion"}, "This field is required"),
    ({"title": "x" * 201, "body": "text", "kind": "discussion"}, "at most 200"),
    ({"title": "ok", "body": "", "kind": "discussion"}, "This field is required"),
    ({"title": "ok", "body": "b" * 20001, "kind": "discussion"}, "at most 20000"),
    ({"title": "ok", "body": "text", "kind": "poll"}, "Select a valid choice"),
])
def test_bad_new_thread_input_gets_a_400_and_keeps_the_text(as_maria, diabetes, data, message):
    response = as_maria.post(f"/c/{diabetes.slug}/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert Thread.objects.count() == 0


def test_posting_the_same_text_twice_is_refused(as_james, james, maria, diabetes,
                                                django_capture_on_commit_callbacks):
    thread = publish_thread(maria, diabetes)
    with django_capture_on_commit_callbacks(execute=True):
        as_james.post(f"/t/{thread.pk}/reply/", {"body": "Exactly the same words"})
    response = as_james.post(f"/t/{thread.pk}/reply/", {"body": "Exactly the same  words"})
    assert response.status_code == 400
    assert "already posted this" in response.content.decode()


def test_unknown_slugs_and_ids_are_404(as_maria):
    assert as_maria.get("/c/nope/").status_code == 404
    assert as_maria.get("/t/999999/").status_code == 404
    assert as_maria.get("/p/999999/").status_code == 404
    assert as_maria.post("/t/999999/reply/", {"body": "x"}).status_code == 404


def test_reactions_toggle_once_per_kind(as_james, james, maria, diabetes):
    thread = publish_thread(maria, diabetes)
    post = thread.posts.get()
    as_james.post(f"/p/{post.pk}/react/", {"kind": "helpful"})
    as_james.post(f"/p/{post.pk}/react/", {"kind": "support"})
    post.refresh_from_db()
    assert (post.helpful_count, post.support_count) == (1, 1)
    as_james.post(f"/p/{post.pk}/react/", {"kind": "helpful"})
    post.refresh_from_db()
    assert post.helpful_count == 0
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["support"]
    assert as_james.post(f"/p/{post.pk}/react/", {"kind": "love"}).status_code == 400


def test_the_asker_accepts_a_clinicians_answer_which_carries_badge_and_disclaimer(
        as_maria, maria, drlee, diabetes):
    thread = publish_thread(maria, diabetes)
    answer = publish_reply(drlee, thread, "Keep a log for two weeks.")
    assert answer.is_clinician_answer
    as_maria.post(f"/p/{answer.pk}/accept/")
    thread.refresh_from_db()
    assert thread.accepted_post_id == answer.pk
    assert thread.clinician_answer_count == 1
    html = as_maria.get(thread.get_absolute_url()).content.decode()
    assert "Verified clinician · MD · Endocrinology" in html
    assert "not medical advice for you" in html
    assert f'id="accepted-note"><a href="/p/{answer.pk}/">See the accepted answer' in html


def test_another_member_cannot_accept_an_answer(as_james, maria, james, drlee, diabetes):
    thread = publish_thread(maria, diabetes)
    answer = publish_reply(drlee, thread, "Keep a log.")
    assert as_james.post(f"/p/{answer.pk}/accept/").status_code == 403
    thread.refresh_from_db()
    assert thread.accepted_post_id is None


def test_editing_keeps_every_revision_and_marks_the_post_edited(
        as_maria, maria, sam, diabetes, django_capture_on_commit_callbacks):
    thread = publish_thread(maria, diabetes, body="First words")
    post = thread.posts.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_maria.post(f"/p/{post.pk}/edit/", {"body": "Better words"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Better words" and post.edited_at is not None
    assert list(post.revisions.values_list("body", flat=True)) == ["First words"]
    html = client_for(sam).get(f"/p/{post.pk}/edit/").content.decode()
    assert "First words" in html


def test_a_member_cannot_edit_someone_elses_post(as_james, maria, james, diabetes):
    thread = publish_thread(maria, diabetes)
    post = thread.posts.get()
    assert as_james.post(f"/p/{post.pk}/edit/", {"body": "hijack"}).status_code == 404


def test_deleting_your_reply_removes_it_from_the_thread(as_james, maria, james, diabetes):
    thread = publish_thread(maria, diabetes)
    reply = publish_reply(james, thread, "Oops, wrong thread")
    assert as_james.post(f"/p/{reply.pk}/delete/").status_code == 302
    reply.refresh_from_db()
    assert reply.status == Post.Status.DELETED
    assert "Oops, wrong thread" not in as_james.get(thread.get_absolute_url()).content.decode()


def test_markdown_is_sanitised_and_remote_images_become_links(as_maria, maria, diabetes):
    thread = publish_thread(
        maria, diabetes,
        body="![chart](https://tracker.example/p.png) <script>alert(1)</script> **ok**")
    html = as_maria.get(thread.get_absolute_url()).content.decode()
    assert "<img" not in html.split('id="posts"')[1]
    assert 'href="https://tracker.example/p.png" rel="nofollow ugc noopener noreferrer"' in html
    assert "<script>alert(1)</script>" not in html
    assert "<strong>ok</strong>" in html


def test_preview_shows_exactly_what_will_be_posted(as_maria, maria):
    response = as_maria.post("/preview/", {"body": "**bold** ![x](https://t.example/i.png)"})
    html = response.content.decode()
    assert "<strong>bold</strong>" in html and "<img" not in html


def test_mentions_link_only_members_of_the_community(maria, james, diabetes):
    thread = publish_thread(maria, diabetes, body="Thanks @james and @nobody")
    post = thread.posts.get()
    assert '<a href="/u/james/" class="mention"' in post.body_html
    assert "/u/nobody/" not in post.body_html


def test_community_page_tabs_show_questions_and_unanswered(as_maria, maria, diabetes, james):
    question = publish_thread(maria, diabetes, title="Unanswered question", kind="question")
    answered = publish_thread(maria, diabetes, title="Answered question", kind="question")
    publish_reply(james, answered, "An answer")
    publish_thread(maria, diabetes, title="Just chatting", kind="discussion")
    unanswered = as_maria.get(f"/c/{diabetes.slug}/?tab=unanswered").content.decode()
    assert question.title in unanswered and "Answered question" not in unanswered
    questions = as_maria.get(f"/c/{diabetes.slug}/?tab=questions").content.decode()
    assert "Just chatting" not in questions and "Answered question" in questions


def test_thread_page_tells_a_returning_member_how_many_replies_are_new(as_maria, maria, james,
                                                                      diabetes):
    thread = publish_thread(maria, diabetes)
    as_maria.get(thread.get_absolute_url())
    publish_reply(james, thread, "one")
    publish_reply(james, thread, "two")
    html = as_maria.get(thread.get_absolute_url()).content.decode()
    assert "2 new replies since your last visit" in html


def test_permalink_redirects_to_the_page_holding_the_post(as_maria, maria, james, diabetes):
    thread = publish_thread(maria, diabetes)
    posts = [publish_reply(james, thread, f"reply number {i}") for i in range(25)]
    response = as_maria.get(reverse("community:post", args=[posts[-1].pk]))
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2#post-{posts[-1].pk}"


def test_quote_prefills_the_reply_box_with_the_quoted_post(as_james, maria, james, diabetes):
    thread = publish_thread(maria, diabetes, body="Line one\nLine two")
    post = thread.posts.get()
    html = as_james.get(f"/t/{thread.pk}/?quote={post.pk}").content.decode()
    assert "maria wrote:\n&gt; Line one\n&gt; Line two" in html


def test_clinician_queue_lists_unanswered_questions_oldest_first(as_drlee, maria, drlee,
                                                                 james, diabetes, mental):
    old = publish_thread(maria, diabetes, title="Old question")
    new = publish_thread(maria, diabetes, title="New question")
    answered = publish_thread(maria, diabetes, title="Answered by a clinician")
    publish_reply(drlee, answered, "Here is my answer")
    publish_thread(maria, diabetes, title="A discussion", kind="discussion")
    publish_thread(maria, mental, title="Private question")
    html = as_drlee.get("/clinicians/queue/").content.decode()
    assert html.index(old.title) < html.index(new.title)
    assert "Answered by a clinician" not in html and "A discussion" not in html
    assert "Private question" not in html


def test_clinician_queue_is_404_for_a_patient(as_maria):
    assert as_maria.get("/clinicians/queue/").status_code == 404


def test_mention_suggestions_list_members_of_the_community_only(as_maria, maria, james,
                                                                diabetes, mental):
    assert as_maria.get(f"/c/{diabetes.slug}/members/?q=ja").json() == {"members": ["james"]}
    assert as_maria.get(f"/c/{mental.slug}/members/?q=ja").json() == {"members": []}
    outsider = client_for(make_user("outsider"))
    assert outsider.get(f"/c/{mental.slug}/members/?q=ma").status_code == 404
    assert outsider.get(f"/c/{diabetes.slug}/members/?q=ma").status_code == 404


def test_a_moderator_approves_a_request_to_join_a_private_community(as_sam, sam, mental):
    applicant = make_user("applicant")
    client = client_for(applicant)
    client.post(f"/c/{mental.slug}/join/")
    assert "Request sent" in client.get(f"/c/{mental.slug}/").content.decode()
    assert "applicant" in as_sam.get(f"/c/{mental.slug}/requests/").content.decode()
    membership = Membership.objects.get(user=applicant, community=mental)
    as_sam.post(f"/c/{mental.slug}/requests/", {"membership": membership.pk,
                                                "decision": "approve"})
    page = client.get(f"/c/{mental.slug}/").content.decode()
    assert "Request sent" not in page and "Start a discussion" in page


def test_join_requests_are_404_for_members_who_do_not_moderate(as_maria, mental):
    assert as_maria.get(f"/c/{mental.slug}/requests/").status_code == 404


def test_the_new_replies_link_opens_the_first_unread_post(as_maria, maria, james, diabetes):
    thread = publish_thread(maria, diabetes)
    as_maria.get(thread.get_absolute_url())
    first_new = publish_reply(james, thread, "first new")
    publish_reply(james, thread, "second new")
    html = as_maria.get(thread.get_absolute_url()).content.decode()
    assert "?after=1" in html
    response = as_maria.get(f"{thread.get_absolute_url()}?after=1")
    assert response["Location"] == f"/p/{first_new.pk}/"


def test_follow_and_bookmark_toggle(as_james, james, maria, diabetes):
    from community.models import Bookmark

    thread = publish_thread(maria, diabetes)
    post = thread.posts.get()
    as_james.post(f"/t/{thread.pk}/follow/")
    assert ThreadFollow.objects.filter(user=james, thread=thread).exists()
    assert 'aria-pressed="true">Following' in as_james.get(thread.get_absolute_url()
                                                          ).content.decode()
    as_james.post(f"/t/{thread.pk}/follow/")
    assert not ThreadFollow.objects.filter(user=james, thread=thread).exists()
    as_james.post(f"/p/{post.pk}/bookmark/")
    assert Bookmark.objects.filter(user=james, post=post).exists()
    as_james.post(f"/p/{post.pk}/bookmark/")
    assert not Bookmark.objects.filter(user=james, post=post).exists()


def test_editing_a_reply_neither_recounts_it_nor_notifies_again(
        as_james, james, maria, diabetes, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    thread = publish_thread(maria, diabetes)
    with django_capture_on_commit_callbacks(execute=True):
        as_james.post(f"/t/{thread.pk}/reply/", {"body": "First version"})
    reply = thread.posts.get(position=2)
    notified = Notification.objects.count()
    for text in ("Second version", "Third version"):
        with django_capture_on_commit_callbacks(execute=True):
            as_james.post(f"/p/{reply.pk}/edit/", {"body": text})
    thread.refresh_from_db()
    diabetes.refresh_from_db()
    assert thread.reply_count == 1 and diabetes.thread_count == 1
    assert Notification.objects.count() == notified
    html = client_for(maria).get(thread.get_absolute_url()).content.decode()
    assert "Third version" in html and "First version" not in html


def test_a_reply_held_after_an_edit_leaves_the_count_until_it_is_public_again(
        as_james, james, maria, sam, diabetes, django_capture_on_commit_callbacks):
    from moderation import services as moderation
    from moderation.models import ModerationItem

    thread = publish_thread(maria, diabetes)
    first, second = (publish_reply(james, thread, text) for text in ("One", "Two"))
    with django_capture_on_commit_callbacks(execute=True):
        as_james.post(f"/p/{first.pk}/edit/", {"body": "Ring me on 555-201-3344"})
    thread.refresh_from_db()
    assert thread.reply_count == 1  # held: nobody else sees it, so it is not counted
    html = client_for(maria).get(thread.get_absolute_url()).content.decode()
    assert "555-201-3344" not in html and "Two" in html
    item = ModerationItem.objects.get(post=first)
    moderation.item_reject(user=sam, item_id=item.pk, reason="Personal details")
    thread.refresh_from_db()
    assert thread.reply_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        as_james.post(f"/p/{second.pk}/edit/", {"body": "Two, said better"})
    thread.refresh_from_db()
    assert thread.reply_count == 1  # screened clean: counted again
