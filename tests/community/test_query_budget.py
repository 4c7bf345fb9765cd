"""Every page runs a fixed number of queries, whatever the size of the data (rule 8)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Community, Thread
from tests.conftest import client_for, make_community, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


def grow_thread(thread: Thread, authors, replies: int) -> None:
    for i in range(replies):
        publish_reply(authors[i % len(authors)], thread, f"Reply number {i} with **markdown**")


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["visitor", "maria", "sam"])
def test_thread_page_query_count_does_not_grow_with_the_thread(client, who, maria, james,
                                                                drlee, sam, diabetes):
    reader = client if who == "visitor" else client_for({"maria": maria, "sam": sam}[who])
    small = publish_thread(maria, diabetes, title="Small")
    grow_thread(small, [james, drlee], 9)
    big = publish_thread(maria, diabetes, title="Big")
    grow_thread(big, [james, drlee, maria], 499)

    urls = {"small first": f"/t/{small.pk}/", "big first": f"/t/{big.pk}/",
            "big last": f"/t/{big.pk}/?page=last"}
    reader.get("/")  # the first request of a session also records "last seen" (once in 5 min)
    # A member's first visit also inserts their reading position: one query more, once.
    first_visits = {name: count_queries(reader, url) for name, url in urls.items()}
    counts = {name: count_queries(reader, url) for name, url in urls.items()}
    # Plus, while their cache entries are cold, one read each of the library's "Read more"
    # links of the thread and the community's volunteer mentors (learn, mentors).
    assert max(first_visits.values()) <= 12, first_visits
    assert len(set(counts.values())) == 1, counts
    assert counts["big last"] <= 10, counts


@pytest.mark.parametrize("who", ["visitor", "maria"])
def test_community_page_query_count_does_not_grow_with_threads(client, who, maria, james,
                                                                diabetes):
    reader = client if who == "visitor" else client_for(maria)
    publish_thread(maria, diabetes, title="Only one")
    reader.get("/")  # the session's first request also records "last seen"
    few = count_queries(reader, f"/c/{diabetes.slug}/")
    for i in range(60):
        publish_thread(james if i % 2 else maria, diabetes, title=f"Thread {i}", body=f"b {i}")
    many = count_queries(reader, f"/c/{diabetes.slug}/")
    last = count_queries(reader, f"/c/{diabetes.slug}/?page=3")
    assert few == many == last, (few, many, last)
    assert many <= 8


@pytest.mark.parametrize("who", ["visitor", "maria"])
def test_directory_query_count_does_not_grow_with_communities(client, who, maria):
    reader = client if who == "visitor" else client_for(maria)
    reader.get("/")  # the session's first request also records "last seen"
    few = count_queries(reader, "/")
    for i in range(40):
        make_community(f"community-{i}")
    assert Community.objects.count() > 40
    many = count_queries(reader, "/")
    assert few == many, (few, many)
    assert many <= 5


def test_search_query_count_does_not_grow_with_results(maria, james, diabetes):
    reader = client_for(make_user("reader"))
    reader.get("/")  # the session's first request also records "last seen"
    publish_thread(maria, diabetes, title="insulin one", body="insulin timing")
    few = count_queries(reader, "/search/?q=insulin")
    for i in range(30):
        publish_thread(james, diabetes, title=f"insulin {i}", body=f"insulin pens {i}")
    many = count_queries(reader, "/search/?q=insulin")
    assert few == many, (few, many)
