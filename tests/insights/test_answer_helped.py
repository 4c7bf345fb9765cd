""""Did this answer help?" on clinician answers and accepted answers: asked on the thread page,
one private vote per member (a second vote changes it), never on other replies."""

from __future__ import annotations

from community import services as forum
from community.models import AnswerVote, Post
from tests.conftest import publish_reply, publish_thread


def test_a_member_says_a_clinicians_answer_helped_and_can_change_their_mind(
        maria, james, drlee, diabetes, as_james):
    thread = publish_thread(maria, diabetes, title="Morning glucose")
    answer = publish_reply(drlee, thread, "Dawn phenomenon: keep a log.")
    assert answer.is_clinician_answer

    page = as_james.get(f"/t/{thread.pk}/").content.decode()
    assert "Did this answer help?" in page
    assert f'action="/p/{answer.pk}/helped/"' in page

    response = as_james.post(f"/p/{answer.pk}/helped/", {"helped": "yes"})
    assert response.status_code == 302
    assert list(AnswerVote.objects.values_list("user__username", "helped")) == [("james", True)]

    as_james.post(f"/p/{answer.pk}/helped/", {"helped": "no"})
    assert list(AnswerVote.objects.values_list("user__username", "helped")) == [
        ("james", False)]


def test_an_accepted_answer_asks_too_but_an_ordinary_reply_and_its_author_are_not_asked(
        maria, james, drlee, diabetes, as_james, as_maria, django_capture_on_commit_callbacks):
    thread = publish_thread(maria, diabetes, title="Low-salt tips")
    ordinary = publish_reply(james, thread, "Lemon and herbs.")
    other = publish_reply(maria, thread, "Thanks!")

    page = as_maria.get(f"/t/{thread.pk}/").content.decode()
    assert f'action="/p/{ordinary.pk}/helped/"' not in page
    assert as_maria.post(f"/p/{ordinary.pk}/helped/", {"helped": "yes"}).status_code == 403

    # Accepted through the service, which moves the thread's event number (the key of the
    # page members share) once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        forum.post_accept(user=maria, post=Post.objects.get(pk=ordinary.pk))
    page = as_maria.get(f"/t/{thread.pk}/").content.decode()
    assert f'action="/p/{ordinary.pk}/helped/"' in page
    assert as_maria.post(f"/p/{ordinary.pk}/helped/", {"helped": "yes"}).status_code == 302
    # Its author is not asked about their own answer: on the page members share, the question
    # is for other members (data-for) and the post names james, so his browser drops it
    # (tests/browser/test_member_page.py); the server refuses his vote whatever the page shows.
    page = as_james.get(f"/t/{thread.pk}/").content.decode()
    article = page[page.index(f'id="post-{ordinary.pk}"'):]
    article = article[:article.index("</article>")]
    assert f'data-author="{james.pk}"' in article
    assert 'class="inline answer-helped" data-for="other-member" hidden' in article
    assert as_james.post(f"/p/{ordinary.pk}/helped/", {"helped": "yes"}).status_code == 403
    assert as_maria.post(f"/p/{other.pk}/helped/", {"helped": "maybe"}).status_code == 400
    assert AnswerVote.objects.count() == 1


def test_a_visitor_or_a_non_member_of_a_private_community_cannot_vote(
        maria, drlee, mental, visitor, james, as_james):
    from tests.conftest import join
    join(drlee, mental)
    thread = publish_thread(maria, mental, title="Hard days")
    answer = publish_reply(drlee, thread, "Small steps help.")
    assert visitor.post(f"/p/{answer.pk}/helped/", {"helped": "yes"}).status_code == 302  # login
    assert as_james.post(f"/p/{answer.pk}/helped/", {"helped": "yes"}).status_code == 404
    assert not AnswerVote.objects.exists()


def test_a_members_votes_are_in_their_data_export_and_nobody_elses(maria, james, drlee,
                                                                   diabetes):
    from accounts.export import exporters
    from community import services as forum

    thread = publish_thread(maria, diabetes, title="Morning glucose")
    answer = publish_reply(drlee, thread, "Keep a log.")
    forum.answer_vote(user=james, post=answer, helped=True)
    forum.answer_vote(user=maria, post=answer, helped=False)
    votes = exporters()["answer_votes"](james)
    assert [(v["post_id"], v["helped"]) for v in votes] == [(answer.pk, True)]
