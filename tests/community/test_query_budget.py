"""Every page runs a fixed number of queries, whatever the size of the data (rule 8)."""

from __future__ import annotations

import pytest

from community.models import Community, Thread
from tests.conftest import client_for, make_community, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


def grow_thread(thread: Thread, authors, replies: int) -> None:
    for i in range(replies):
        publish_reply(authors[i % len(authors)], thread, f"Reply number {i} with **markdown**")


@pytest.mark.parametrize("who", ["visitor", "maria", "sam"])
def test_thread_page_query_count_does_not_grow_with_the_thread(
        client, who, maria, james, drlee, sam, diabetes, django_assert_max_num_queries,
        django_assert_num_queries):
    reader = client if who == "visitor" else client_for({"maria": maria, "sam": sam}[who])
    small = publish_thread(maria, diabetes, title="Small")
    grow_thread(small, [james, drlee], 9)
    big = publish_thread(maria, diabetes, title="Big")
    grow_thread(big, [james, drlee, maria], 499)

    urls = {"small first": f"/t/{small.pk}/", "big first": f"/t/{big.pk}/",
            "big last": f"/t/{big.pk}/?page=last"}
    reader.get("/")  # the first request of a session also records "last seen" (once in 5 min)
    # A member's first visit also inserts their reading position: one query more, once.
    # Plus, while their cache entries are cold, one read each of the library's "Read more"
    # links of the thread and the community's volunteer mentors (learn, mentors).
    for url in urls.values():
        with django_assert_max_num_queries(12):
            assert reader.get(url).status_code == 200, url
    with django_assert_max_num_queries(10) as big_last:
        assert reader.get(urls["big last"]).status_code == 200
    for url in urls.values():  # the same number for every page, small or big, first or last
        with django_assert_num_queries(len(big_last)):
            assert reader.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["visitor", "maria"])
def test_community_page_query_count_does_not_grow_with_threads(
        client, who, maria, james, diabetes, django_assert_max_num_queries,
        django_assert_num_queries):
    reader = client if who == "visitor" else client_for(maria)
    publish_thread(maria, diabetes, title="Only one")
    reader.get("/")  # the session's first request also records "last seen"
    with django_assert_max_num_queries(8) as few:
        assert reader.get(f"/c/{diabetes.slug}/").status_code == 200
    for i in range(60):
        publish_thread(james if i % 2 else maria, diabetes, title=f"Thread {i}", body=f"b {i}")
    for url in (f"/c/{diabetes.slug}/", f"/c/{diabetes.slug}/?page=3"):
        with django_assert_num_queries(len(few)):
            assert reader.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["visitor", "maria"])
def test_directory_query_count_does_not_grow_with_communities(
        client, who, maria, django_assert_max_num_queries, django_assert_num_queries):
    reader = client if who == "visitor" else client_for(maria)
    reader.get("/")  # the session's first request also records "last seen"
    with django_assert_max_num_queries(5) as few:
        assert reader.get("/").status_code == 200
    for i in range(40):
        make_community(f"community-{i}")
    assert Community.objects.count() > 40
    with django_assert_num_queries(len(few)):
        assert reader.get("/").status_code == 200


def test_search_query_count_does_not_grow_with_results(
        maria, james, diabetes, django_assert_max_num_queries, django_assert_num_queries):
    reader = client_for(make_user("reader"))
    reader.get("/")  # the session's first request also records "last seen"
    publish_thread(maria, diabetes, title="insulin one", body="insulin timing")
    with django_assert_max_num_queries(10) as few:
        assert reader.get("/search/?q=insulin").status_code == 200
    for i in range(30):
        publish_thread(james, diabetes, title=f"insulin {i}", body=f"insulin pens {i}")
    with django_assert_num_queries(len(few)):
        assert reader.get("/search/?q=insulin").status_code == 200
