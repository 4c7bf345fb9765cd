"""No dead ends (issue 15), through the HTTP client: a private community opens on a page that
says how to join, the accepted answer is marked where it is, bookmarks have a page of their
own, and a held thread stays a friendly 404 for those who may not see it."""

from __future__ import annotations

import html

import pytest

from community.models import Bookmark, Membership, Thread
from tests.conftest import client_for, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- 1. A private community in the directory ---------------------------------------------


def test_a_private_community_opens_on_its_landing_page_for_a_non_member(
        visitor, as_james, maria, mental):
    thread = publish_thread(maria, mental, title="Hard week", body="Some days are heavy.")
    directory = text(as_james.get("/"))
    assert f'href="{mental.get_absolute_url()}"' in directory  # the card is a link now

    page = as_james.get(mental.get_absolute_url())
    assert page.status_code == 200
    body = text(page)
    assert mental.description in body and "Request to join" in body
    assert "Hard week" not in body and "Some days are heavy" not in body
    assert as_james.get(thread.get_absolute_url()).status_code == 404

    anonymous = text(visitor.get(mental.get_absolute_url()))
    assert "Sign in to request to join" in anonymous and "Hard week" not in anonymous
    assert f"next=/c/{mental.slug}/" in anonymous


def test_requesting_to_join_comes_back_to_the_landing_page_marked_sent(as_james, james,
                                                                       mental):
    response = as_james.post(f"/c/{mental.slug}/join/")
    assert response.status_code == 302 and response["Location"] == mental.get_absolute_url()
    assert Membership.objects.get(user=james, community=mental).status == "pending"
    body = text(as_james.get(mental.get_absolute_url()))
    assert "Request sent" in body and "Request to join</button>" not in body


def test_a_member_of_the_private_community_still_gets_its_threads(as_maria, maria, mental):
    publish_thread(maria, mental, title="Hard week")
    body = text(as_maria.get(mental.get_absolute_url()))
    assert "Hard week" in body and "Request to join" not in body


def test_a_held_thread_is_a_friendly_404_for_those_who_may_not_see_it(
        visitor, as_james, maria, diabetes):
    held = publish_thread(maria, diabetes, title="Waiting for a moderator")
    Thread.objects.filter(pk=held.pk).update(status=Thread.Status.HELD)
    for client in (visitor, as_james):
        response = client.get(held.get_absolute_url())
        assert response.status_code == 404
        body = text(response)
        assert "We couldn't find that page" in body and "Waiting for a moderator" not in body
        assert 'href="/"' in body


# --- 4. Bookmarks ---------------------------------------------------------------------------


def test_bookmarks_have_a_page_of_their_own_and_the_button_shows_its_state(
        as_james, james, maria, diabetes):
    thread = publish_thread(maria, diabetes, title="Walking after dinner")
    reply = publish_reply(maria, thread, "Ten minutes is enough for me.")
    page = text(as_james.get(thread.get_absolute_url()))
    assert 'aria-pressed="false">Bookmark</button>' in page

    response = as_james.post(f"/p/{reply.pk}/bookmark/")
    assert response.status_code == 302
    page = text(as_james.get(thread.get_absolute_url()))
    assert 'aria-pressed="true">Bookmarked</button>' in page
    assert page.count('aria-pressed="true">Bookmarked</button>') == 1  # only that post

    saved = text(as_james.get("/bookmarks/"))
    assert "Walking after dinner" in saved and "Ten minutes is enough" in saved
    assert f'href="/p/{reply.pk}/"' in saved

    # removed from the bookmarks page, it comes back to the bookmarks page
    response = as_james.post(f"/p/{reply.pk}/bookmark/", {"next": "bookmarks"})
    assert response["Location"] == "/bookmarks/"
    assert not Bookmark.objects.filter(user=james).exists()
    assert "Walking after dinner" not in text(as_james.get("/bookmarks/"))


def test_a_bookmarked_post_the_member_may_no_longer_see_is_not_listed(maria, sam, mental,
                                                                     diabetes):
    private = publish_thread(sam, mental, title="Night fears", body="Hard nights")
    public = publish_thread(sam, diabetes, title="Morning numbers")
    Bookmark.objects.create(user=maria, post=private.posts.get(position=1))
    Bookmark.objects.create(user=maria, post=public.posts.get(position=1))
    as_maria = client_for(maria)
    assert "Night fears" in text(as_maria.get("/bookmarks/"))
    Membership.objects.filter(user=maria, community=mental).delete()  # she left
    body = text(client_for(maria).get("/bookmarks/"))
    assert "Night fears" not in body and "Hard nights" not in body
    assert "Morning numbers" in body


def test_the_bookmarks_page_is_for_signed_in_members(visitor):
    response = visitor.get("/bookmarks/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_bookmarks_page_query_count_does_not_grow(
        maria, james, diabetes, django_assert_max_num_queries, django_assert_num_queries):
    reader = client_for(make_user("reader"))
    reader.get("/")
    reader_user = type(maria).objects.get(username="reader")
    thread = publish_thread(maria, diabetes)
    Bookmark.objects.create(user=reader_user, post=thread.posts.get(position=1))
    with django_assert_max_num_queries(8) as few:
        assert reader.get("/bookmarks/").status_code == 200
    for i in range(15):
        post = publish_reply(james if i % 2 else maria, thread, f"reply {i}")
        Bookmark.objects.create(user=reader_user, post=post)
    with django_assert_num_queries(len(few)):
        assert reader.get("/bookmarks/").status_code == 200


# --- 5. The accepted answer -----------------------------------------------------------------


def test_the_accepted_answer_is_marked_on_the_post_and_solved_in_the_list(
        as_maria, as_james, maria, drlee, diabetes):
    thread = publish_thread(maria, diabetes, title="Why is my glucose high in the morning?")
    answer = publish_reply(drlee, thread, "Often the dawn phenomenon.")
    assert as_maria.post(f"/p/{answer.pk}/accept/").status_code == 302
    page = text(as_james.get(thread.get_absolute_url()))
    marked = page[page.index(f'id="post-{answer.pk}"'):]
    marked = marked[:marked.index("</article>")]
    assert "Accepted answer" in marked
    assert page.count('class="accepted-mark"') == 1
    listing = text(as_james.get(diabetes.get_absolute_url()))
    row = listing[listing.index("Why is my glucose high"):]
    assert "Solved" in row[:row.index("</li>")]


def test_an_asker_cannot_accept_their_own_reply(as_maria, maria, james, diabetes):
    thread = publish_thread(maria, diabetes, title="Shoes for neuropathy?")
    own = publish_reply(maria, thread, "Answering myself: wide toe boxes helped.")
    other = publish_reply(james, thread, "Seamless socks too.")
    page = text(as_maria.get(thread.get_absolute_url()))
    own_html = page[page.index(f'id="post-{own.pk}"'):]
    own_html = own_html[:own_html.index("</article>")]
    other_html = page[page.index(f'id="post-{other.pk}"'):]
    other_html = other_html[:other_html.index("</article>")]
    # The page members share carries the accept form for whoever may accept (data-for), and
    # the browser drops it on the asker's own post (data-author): tests/browser/test_member_page.py.
    assert 'data-can-accept="true"' in page
    assert f'data-author="{maria.pk}"' in own_html and 'data-for="accepter" hidden' in own_html
    assert f'data-author="{james.pk}"' in other_html and "Accept this answer" in other_html
    assert as_maria.post(f"/p/{own.pk}/accept/").status_code == 403
    thread.refresh_from_db()
    assert thread.accepted_post_id is None


def test_can_accept_post_refuses_the_askers_own_reply(maria, james, drlee, sam, diabetes):
    from community import permissions

    thread = publish_thread(maria, diabetes)
    own = publish_reply(maria, thread, "my own")
    other = publish_reply(james, thread, "another")
    clinician = publish_reply(drlee, thread, "a clinician's")
    assert permissions.can_accept_post(maria, other)
    assert not permissions.can_accept_post(maria, own)
    assert permissions.can_accept_post(drlee, other)
    assert not permissions.can_accept_post(drlee, clinician)
    assert permissions.can_accept_post(sam, own)
    assert not permissions.can_accept_post(james, own)
