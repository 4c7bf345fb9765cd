"""Search at scale (issue 24, PostgreSQL): only the newest matches are ranked, and what the
searcher may not read never takes a place among them."""

from __future__ import annotations

import pytest
from django.db import connection

from community import search
from tests.conftest import (
    client_for,
    make_community,
    publish_reply,
    publish_thread,
    service_missing,
)
from tests.conftest import join as join_community

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        service_missing("full-text search ranking needs PostgreSQL (DATABASE_URL)")


def test_a_common_word_ranks_only_the_newest_matches(monkeypatch, maria, james, diabetes):
    thread = publish_thread(maria, diabetes, title="Pens", body="insulin insulin insulin pens")
    for i in range(6):
        publish_reply(james, thread, f"insulin reply {i}")
    monkeypatch.setattr(search, "CANDIDATES", 4)
    page = client_for(maria).get("/search/?q=insulin")
    found = {post.body for post in page.context["results"]}
    # the opening post ranks highest of all, but it is not among the four newest matches
    assert found == {f"insulin reply {i}" for i in range(2, 6)}


def test_posts_the_searcher_may_not_read_are_not_candidates(monkeypatch, maria, james,
                                                            diabetes):
    secret = make_community("secret-place", private=True)
    join_community(james, secret)
    public = publish_thread(maria, diabetes, title="Open", body="glucagon kit at school")
    hidden = publish_thread(james, secret, title="Closed", body="glucagon first")
    for i in range(5):
        publish_reply(james, hidden, f"glucagon secret {i}")
    monkeypatch.setattr(search, "CANDIDATES", 3)
    page = client_for(maria).get("/search/?q=glucagon")
    assert [post.thread_id for post in page.context["results"]] == [public.pk]
    assert b"glucagon secret" not in page.content


def test_the_results_shown_are_the_best_ranked_candidates(monkeypatch, maria, james, diabetes,
                                                          django_assert_num_queries):
    """The candidates are ranked on the posts alone and only the shown ones are joined to
    their thread and author: the best-ranked, not the newest, take the places."""
    thread = publish_thread(maria, diabetes, title="Insulin pumps", body="my pump and insulin")
    publish_reply(james, thread, "insulin insulin insulin, again insulin")
    for i in range(4):
        publish_reply(james, thread, f"a word on insulin {i}")
    monkeypatch.setattr(search, "RESULTS", 2)
    reader = client_for(maria)
    reader.get("/")  # the session's first request also records "last seen"
    with django_assert_num_queries(7):  # transaction and JIT off (3), posts, library,
        page = reader.get("/search/?q=insulin")  # events, the communities to choose from
    results = page.context["results"]
    assert [post.position for post in results] == [1, 2]
    assert results[0].thread.title == "Insulin pumps" and results[1].author == james
    assert "<mark>" in results[1].snippet_html
