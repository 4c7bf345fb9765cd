"""The scale generator (bench/scale/generate.py) keeps every counter, key and search vector
the app keeps: a small run of it (200 members) checked against the rows it made."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, Max, Min, Q

from accounts.models import User
from accounts.pseudonyms import name_key
from bench.scale.generate import build
from community.models import Community, Membership, Post, Reaction, Thread
from community.search import search_vector_update
from tests.conftest import client_for, service_missing

pytestmark = pytest.mark.django_db


@pytest.fixture
def scale_data():
    if connection.vendor != "postgresql":
        service_missing("the scale generator needs PostgreSQL (DATABASE_URL)")
    return build(200, log=lambda line: None)


def test_counters_match_the_rows(scale_data):
    communities = Community.objects.filter(slug__startswith="scale-")
    assert communities.count() == 20
    for community in communities.annotate(
        members=Count("memberships", filter=Q(memberships__status="active"), distinct=True),
        published=Count("threads", filter=Q(threads__status="published"), distinct=True),
        last=Max("threads__last_activity_at"),
    ):
        assert community.member_count == community.members > 0
        assert community.thread_count == community.published > 0
        assert community.last_activity_at == community.last
    threads = Thread.objects.filter(community__in=communities).annotate(
        published=Count("posts", filter=Q(posts__status="published")),
        top=Max("posts__position"), last=Max("posts__created_at"),
        clinician=Count("posts", filter=Q(posts__is_clinician_answer=True)),
        first_reply=Min("posts__created_at", filter=Q(posts__position=2)),
    )
    assert threads.count() == 100
    for thread in threads:
        assert thread.reply_count == thread.published - 1
        assert thread.last_position == thread.top == thread.published
        assert thread.last_activity_at == thread.last
        assert thread.clinician_answer_count == thread.clinician
        assert thread.first_reply_at == thread.first_reply
        assert thread.reaction_count == Reaction.objects.filter(post__thread=thread).count()
    assert sum(t.clinician_answer_count for t in threads) > 0
    posts = Post.objects.filter(thread__in=threads).annotate(
        helpful=Count("reactions", filter=Q(reactions__kind="helpful")),
        support=Count("reactions", filter=Q(reactions__kind="support")),
        thanks=Count("reactions", filter=Q(reactions__kind="thanks")),
    )
    assert Reaction.objects.count() > 1000
    for post in posts:
        assert (post.helpful_count, post.support_count, post.thanks_count) == (
            post.helpful, post.support, post.thanks)
        assert post.published_at == post.created_at


def test_authors_and_reactors_are_members_and_keys_are_kept(scale_data):
    members = set(Membership.objects.values_list("user_id", "community_id"))
    for author, community in Post.objects.values_list("author_id", "thread__community_id"):
        assert (author, community) in members
    for user, community in Reaction.objects.values_list("user_id", "post__thread__community_id"):
        assert (user, community) in members
    for user in User.objects.filter(username__startswith="member"):
        assert user.username_key == name_key(user.username)
        assert user.emailaddress_set.filter(verified=True, primary=True).count() == 1


def test_search_vectors_are_the_apps_own_and_search_finds_them(scale_data):
    sample = list(Post.objects.order_by("pk").values_list("pk", "search_vector")[::97])
    assert sample and all(vector for _pk, vector in sample)
    for pk, vector in sample:
        search_vector_update(pk)
        assert Post.objects.values_list("search_vector", flat=True).get(pk=pk) == vector
    reader = client_for(User.objects.get(username="member000020"))
    page = reader.get("/search/?q=insulin")
    assert page.status_code == 200
    assert len(page.context["results"]) == 30
    assert page.content.count(b"<mark>") > 0
