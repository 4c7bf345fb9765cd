"""Long lists paged from their indexes (issue 24, community.paging): the same queries at 10
and 500 threads or posts, and every page holds exactly the rows of the old offset paging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

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
