"""The API's thread read has a query budget that does not grow with the thread (rule 8)."""

from __future__ import annotations

import pytest

from tests.conftest import publish_reply, publish_thread

from .conftest import api_client, token_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("replies", [5, 40])
def test_a_page_of_posts_costs_the_same_few_queries_however_long_the_thread(
        maria, sam, mental, replies, django_assert_max_num_queries):
    thread = publish_thread(maria, mental, "Long one", "Start", anonymous=True)
    for n in range(replies):
        publish_reply(maria, thread, f"Reply {n}", anonymous=n % 2 == 0)
    for reader in (maria, sam):
        client = api_client(token_for(reader))
        client.get(f"/api/v1/threads/{thread.pk}/posts/")  # warm: the token's first use
        with django_assert_max_num_queries(6):
            response = client.get(f"/api/v1/threads/{thread.pk}/posts/")
        assert response.status_code == 200
