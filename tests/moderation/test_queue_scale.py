"""The review queue at scale (issue 24): the same queries at 3 and 40 open items, and the
header's open count is the queue's own count on the unfiltered queue (one COUNT, not two)."""

from __future__ import annotations

import pytest

from moderation.models import ModerationItem
from tests.conftest import client_for, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


def items(thread, author, count: int) -> None:
    for i in range(count):
        post = publish_reply(author, thread, f"Reply {i} to review")
        ModerationItem.objects.create(kind="flag", post=post, community=thread.community,
                                      reason="spam")


def test_the_queue_counts_its_open_items_once(admin, maria, diabetes,
                                              django_assert_num_queries):
    thread = publish_thread(maria, diabetes, title="Reviewed", body="A post.")
    items(thread, maria, 3)
    staff = client_for(admin)
    staff.get("/")  # the session's first request also records "last seen"
    with django_assert_num_queries(4) as few:
        page = staff.get("/moderation/")
    assert page.status_code == 200 and page.context["moderation_open"] == 3
    counts = [q["sql"] for q in few.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    items(thread, maria, 37)
    with django_assert_num_queries(len(few)):
        page = staff.get("/moderation/")
    assert page.context["moderation_open"] == 40 and len(page.context["page"].object_list) == 30
    # filtered, the header still counts every open item (a second COUNT)
    filtered = staff.get(f"/moderation/?community={diabetes.pk}&kind=report")
    assert filtered.status_code == 200 and filtered.context["moderation_open"] == 40
