"""Long lists paged from their indexes (issue 24, community.paging): the same queries at 10
and 500 threads or posts, and every page holds exactly the rows of the old offset paging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from community import selectors
from community.models import Thread
from tests.conftest import client_for, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


def threads(community, author, count: int, start: int) -> None:
    now = timezone.now()
    Thread.objects.bulk_create([
        Thread(community=community, author=author, title=f"Thread {start + i}",
               slug=f"thread-{start + i}", status=Thread.Status.PUBLISHED,
               last_activity_at=now - timedelta(minutes=start + i), last_position=1)
        for i in range(count)
    ])


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


@pytest.mark.parametrize("who", ["visitor", "maria"])
def test_community_pages_at_10_and_500_threads(client, who, maria, james, diabetes,
                                               django_assert_max_num_queries,
                                               django_assert_num_queries):
    reader = client if who == "visitor" else client_for(maria)
    reader.get("/")  # the session's first request also records "last seen"
    threads(diabetes, james, 10, 0)
    with django_assert_max_num_queries(8) as few:
        page(reader, f"/c/{diabetes.slug}/")
    threads(diabetes, james, 490, 10)
    with django_assert_num_queries(len(few)):
        first = page(reader, f"/c/{diabetes.slug}/")
    with django_assert_num_queries(len(few)):
        last = page(reader, f"/c/{diabetes.slug}/?page=20")
    titles = [t.title for t in last.context["page"].object_list]
    assert titles == [f"Thread {i}" for i in range(475, 500)]
    assert [t.title for t in first.context["page"].object_list][:2] == ["Thread 0", "Thread 1"]


def test_a_thread_page_in_the_middle_holds_its_own_posts(maria, james, diabetes):
    thread = publish_thread(maria, diabetes, title="Long")
    for i in range(45):
        publish_reply(james, thread, f"Reply {i}")
    response = page(client_for(maria), f"/t/{thread.pk}/?page=2")
    positions = [p.position for p in response.context["page"].object_list]
    assert positions == list(range(21, 41))


def titles_of(response) -> list[str]:
    return [t.title for t in response.context["page"].object_list]


def test_community_page_queries_are_exact_for_members_and_visitors(
        client, maria, james, diabetes, django_assert_num_queries):
    """A reader who does not moderate the community: the community, the count (published
    threads and the reader's own held ones, from their indexes) and the page's threads."""
    threads(diabetes, james, 60, 0)
    reader = client_for(maria)
    reader.get("/")  # the session's first request also records "last seen"
    client.get("/")
    for who in (reader, client):
        with django_assert_num_queries(3) as queries:
            page(who, f"/c/{diabetes.slug}/?page=2")
        # the count and the page's ids never filter "published, or held and mine" over the
        # whole community (no index serves it: it counted and sorted every thread)
        counts = [q["sql"] for q in queries.captured_queries if "count(" in q["sql"].lower()]
        assert len(counts) == 1 and " OR " not in counts[0].upper()


def test_a_members_own_held_thread_is_listed_for_them_alone(client, maria, james, sam,
                                                           diabetes):
    threads(diabetes, james, 60, 0)
    now = timezone.now()
    Thread.objects.create(community=diabetes, author=maria, title="Mine, held",
                                 slug="mine-held", status=Thread.Status.HELD, last_position=1,
                                 last_activity_at=now - timedelta(minutes=30, seconds=30))
    Thread.objects.create(community=diabetes, author=james, title="James's, held",
                          slug="james-held", status=Thread.Status.HELD, last_position=1,
                          last_activity_at=now - timedelta(minutes=31, seconds=30))
    Thread.objects.create(community=diabetes, author=james, title="Hidden",
                          slug="hidden", status=Thread.Status.HIDDEN, last_position=1,
                          last_activity_at=now - timedelta(minutes=32, seconds=30))
    mine = client_for(maria)
    second = mine.get(f"/c/{diabetes.slug}/?page=2")
    # Thread 0..24 on page 1; page 2 has Thread 25..30, then her held one, then 31..48
    assert titles_of(second)[5:8] == ["Thread 30", "Mine, held", "Thread 31"]
    assert second.context["page"].paginator.count == 61
    assert titles_of(mine.get(f"/c/{diabetes.slug}/?page=3")) == [
        f"Thread {i}" for i in range(49, 60)]
    # following the Next link (?after=) gives the same rows as the offset page
    first = mine.get(f"/c/{diabetes.slug}/")
    after = first.context["page"].after
    assert titles_of(mine.get(f"/c/{diabetes.slug}/?page=2&after={after}")) == titles_of(second)
    # a visitor and another member see the published threads only
    for other in (client, client_for(james)):
        response = other.get(f"/c/{diabetes.slug}/?page=2")
        listed = titles_of(response)
        assert "Mine, held" not in listed and "Hidden" not in listed
        assert ("James's, held" in listed) == (other is not client)
    assert client.get(f"/c/{diabetes.slug}/").context["page"].paginator.count == 60
    # a moderator of the community sees every thread that is not deleted
    moderated = titles_of(client_for(sam).get(f"/c/{diabetes.slug}/?page=2"))
    assert {"Mine, held", "James's, held", "Hidden"} <= set(moderated)


@pytest.mark.parametrize("tab", ["latest", "top", "questions", "unanswered"])
def test_every_tab_pages_exactly_as_the_permission_filtered_list(tab, client, maria, james,
                                                                 diabetes):
    now = timezone.now()
    Thread.objects.bulk_create([
        Thread(community=diabetes, author=james, title=f"Thread {i}", slug=f"thread-{i}",
               status=Thread.Status.PUBLISHED, last_position=1 + i % 3,
               kind=Thread.Kind.QUESTION if i % 2 else Thread.Kind.DISCUSSION,
               reply_count=i % 3, reaction_count=i % 7, is_pinned=i == 50,
               last_activity_at=now - timedelta(minutes=i))
        for i in range(120)
    ])
    for author, title, status in ((maria, "Maria's held", Thread.Status.HELD),
                                  (james, "James's held", Thread.Status.HELD),
                                  (james, "Hidden", Thread.Status.HIDDEN)):
        Thread.objects.create(community=diabetes, author=author, title=title, slug="x",
                              status=status, kind=Thread.Kind.QUESTION, reaction_count=3,
                              last_activity_at=now - timedelta(minutes=30, seconds=30))
    for user, reader in ((maria, client_for(maria)), (None, client)):
        expected = [t.title for t in selectors.community_threads(
            user=user or AnonymousUser(), community=diabetes, tab=tab)]
        assert ("Maria's held" in expected) == (user is not None)
        assert "James's held" not in expected and "Hidden" not in expected
        shown = []
        for number in range(1, 7):
            response = page(reader, f"/c/{diabetes.slug}/?tab={tab}&page={number}")
            if response.context["page"].number != number:
                break
            shown += titles_of(response)
        assert shown == expected
        assert response.context["page"].paginator.count == len(expected)


def test_a_verified_clinicians_threads_carry_the_badge_on_the_list(client, maria, drlee,
                                                                   diabetes):
    publish_thread(drlee, diabetes, title="From the clinic", body="Ask me.")
    publish_thread(maria, diabetes, title="From a member", body="Hello.")
    page_ = page(client, f"/c/{diabetes.slug}/")
    rows = {t.title: t.author_verified for t in page_.context["page"].object_list}
    assert rows == {"From the clinic": True, "From a member": False}
    assert page_.content.decode().count("Verified clinician") == 1
