"""Private communities and anonymous posts: what a reader may not see is a 404, never a hint."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from community.models import Post, Thread
from tests.conftest import client_for, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db
CANARY = "zebra-canary-7781"


@pytest.fixture
def private_thread(maria, mental):
    return publish_thread(maria, mental, title=f"Private {CANARY}", body=f"Body {CANARY}")


@pytest.mark.parametrize("who", ["visitor", "non-member", "pending"])
def test_a_private_community_and_everything_in_it_is_404_for_outsiders(who, client, mental,
                                                                       private_thread):
    if who == "non-member":
        client = client_for(make_user("outsider"))
    elif who == "pending":
        applicant = make_user("applicant")
        client = client_for(applicant)
        client.post(f"/c/{mental.slug}/join/")
    post = private_thread.posts.get()
    landing = client.get(f"/c/{mental.slug}/")  # its landing page: how to join, no threads
    assert landing.status_code == 200 and CANARY not in landing.content.decode()
    for url in (f"/t/{private_thread.pk}/",
                f"/t/{private_thread.pk}/{private_thread.slug}/", f"/p/{post.pk}/",
                f"/c/{mental.slug}/new/"):
        response = client.get(url)
        assert response.status_code in (404, 302), url  # 302: sign in first (visitor, new/)
        assert CANARY not in response.content.decode()
    for url in (f"/t/{private_thread.pk}/reply/", f"/p/{post.pk}/react/",
                f"/p/{post.pk}/edit/", f"/p/{post.pk}/accept/"):
        response = client.post(url, {"body": "x", "kind": "helpful"})
        assert response.status_code in (404, 302), url
    search = client.get(f"/search/?q={CANARY}")
    assert search.status_code == 200
    assert CANARY not in search.content.decode().replace(f'value="{CANARY}"', "").replace(
        f"“{CANARY}”", "")


def test_forbidden_and_missing_threads_answer_the_same(client, private_thread):
    hidden = client.get(f"/t/{private_thread.pk}/")
    missing = client.get("/t/987654/")
    assert hidden.status_code == missing.status_code == 404
    token = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+"')
    assert token.sub(b"", hidden.content) == token.sub(b"", missing.content)


def test_a_member_of_the_private_community_reads_and_finds_it(as_maria, private_thread):
    assert CANARY in as_maria.get(f"/t/{private_thread.pk}/").content.decode()
    assert f"/p/{private_thread.posts.get().pk}/" in as_maria.get(
        f"/search/?q={CANARY}").content.decode()


def test_an_anonymous_posts_author_appears_nowhere_for_another_member(maria, james, sam,
                                                                     mental):
    from community.models import Membership

    Membership.objects.create(user=james, community=mental, status="active")
    thread = publish_thread(maria, mental, title="Hard week", body="Feeling low", anonymous=True)
    reply = publish_reply(maria, thread, "Thanks all", anonymous=True)
    as_james = client_for(james)
    pages = {
        "thread": as_james.get(f"/t/{thread.pk}/").content.decode(),
        "community": as_james.get(f"/c/{mental.slug}/").content.decode(),
        "search": as_james.get("/search/?q=Feeling").content.decode(),
    }
    assert "Hard week" in pages["thread"] and "Hard week" in pages["community"]
    assert "Hard week" in pages["search"]
    for name, html in pages.items():
        main = html.split('<main id="main"')[1]
        assert "maria" not in main.lower(), name
        assert f'data-author="{maria.pk}"' not in html, name
    assert "Anonymous member" in pages["thread"]
    profile = as_james.get("/u/maria/").content.decode()
    assert "Hard week" not in profile and "Thanks all" not in profile
    staff_view = client_for(sam).get(f"/t/{thread.pk}/").content.decode()
    assert "/u/maria/" in staff_view and "posted anonymously" in staff_view
    assert reply.is_anonymous


def test_a_held_post_is_seen_by_its_author_and_moderators_only(maria, james, sam, diabetes):
    thread = publish_thread(maria, diabetes)
    held = Post.objects.create(thread=thread, author=james, position=2, body="call me",
                               body_html="<p>call me at HELD-CANARY</p>",
                               status=Post.Status.HELD, screening=Post.Screening.HELD)
    Thread.objects.filter(pk=thread.pk).update(last_position=2)  # as services number posts
    assert "HELD-CANARY" in client_for(james).get(f"/t/{thread.pk}/").content.decode()
    assert "HELD-CANARY" in client_for(sam).get(f"/t/{thread.pk}/").content.decode()
    assert "HELD-CANARY" not in client_for(maria).get(f"/t/{thread.pk}/").content.decode()
    assert client_for(maria).get(f"/p/{held.pk}/").status_code == 404


def test_profile_fields_follow_the_members_visibility_choices(maria, james):
    maria.bio = "BIO-CANARY"
    maria.bio_visibility = "members"
    maria.is_caregiver = True
    maria.caregiver_visibility = "nobody"
    maria.conditions = "COND-CANARY"
    maria.conditions_visibility = "everyone"
    maria.save()
    visitor_view = Client().get("/u/maria/").content.decode()
    member_view = client_for(james).get("/u/maria/").content.decode()
    own_view = client_for(maria).get("/u/maria/").content.decode()
    assert "BIO-CANARY" not in visitor_view and "BIO-CANARY" in member_view
    assert "COND-CANARY" in visitor_view
    assert "Caregiver" not in member_view and "Caregiver" in own_view
