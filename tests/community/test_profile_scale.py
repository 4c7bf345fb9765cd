"""A member's profile at scale (issue 24): the name is found through an index, whatever the
number of members, and the page asks a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import User
from tests.conftest import client_for, publish_reply, publish_thread, service_missing

pytestmark = pytest.mark.django_db


def test_a_name_is_found_case_insensitively_through_an_index(maria):
    if connection.vendor != "postgresql":
        service_missing("the expression index is PostgreSQL's (DATABASE_URL)")
    found = User.objects.filter(username__iexact="MARIA")
    assert list(found) == [maria]
    sql, params = found.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: make any index win
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "user_username_upper" in plan, plan


def test_a_profile_asks_the_same_queries_at_2_and_12_posts(maria, james, diabetes,
                                                         django_assert_num_queries):
    thread = publish_thread(james, diabetes, title="About pumps", body="My pump.")
    publish_reply(james, thread, "And another thing.")
    reader = client_for(maria)
    reader.get("/")  # the session's first request also records "last seen"
    with django_assert_num_queries(7) as queries:
        page = reader.get("/u/JAMES/")
    assert page.status_code == 200 and len(page.context["posts"]) == 2
    for i in range(10):
        publish_reply(james, thread, f"Reply {i}")
    with django_assert_num_queries(len(queries)):
        page = reader.get("/u/james/")
    assert len(page.context["posts"]) == 12
