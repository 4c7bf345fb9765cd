"""The member thread page's round trips (issue 17). Its one read (and a visitor's) is a prepared
statement on PostgreSQL: planning it cost more than running it. Only the reads that ask for it
(`hearth.lib.db.prepared_cursor`) are prepared; with a pooler in transaction mode
(`prepare_threshold` None in OPTIONS) nothing is; on SQLite the usual cursor answers. The shared
page comes from Redis beside the script that records the read, not through it."""

from __future__ import annotations

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from community import selectors
from hearth.lib.db import prepared_cursor
from tests.conftest import client_for, publish_reply, publish_thread

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="prepared statements are PostgreSQL's")


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_the_member_and_visitor_reads_give_the_same_answers_on_every_database(
        maria, james, diabetes, visitor):
    thread = publish_thread(maria, diabetes, title="Prepared")
    publish_reply(james, thread, "A reply")
    as_james = client_for(james)
    for _ in range(7):  # PostgreSQL plans a prepared statement for itself after five runs
        state, mine = selectors.thread_member_state(pk=thread.pk, user=james, page=1)
        assert (state.pk, state.status, state.last_position) == (thread.pk, "published", 2)
        assert state.community.name == diabetes.name
        assert not mine.following and mine.last_read == 0
        assert selectors.thread_state(pk=thread.pk).event_seq == state.event_seq
        assert "A reply" in as_james.get(f"/t/{thread.pk}/").content.decode()
        assert "A reply" in visitor.get(f"/t/{thread.pk}/").content.decode()
    assert selectors.thread_member_state(pk=thread.pk + 999, user=james, page=1)[0] is None
    assert selectors.thread_state(pk=thread.pk + 999) is None


@postgresql_only
def test_the_member_pages_read_is_prepared_and_nothing_else_is(maria, james, diabetes):
    thread = publish_thread(maria, diabetes, title="Prepared")
    as_james = client_for(james)
    with CaptureQueriesContext(connection) as ctx:
        as_james.get(f"/t/{thread.pk}/")
        as_james.get(f"/t/{thread.pk}/")
    prepared = prepared_statements()
    assert any("'~thread'" in statement for statement in prepared), prepared
    # Django's own queries (the first request's render, the session) bind on the client.
    assert not [s for s in prepared if "'~thread'" not in s and "FROM community_thread t" not in s]
    # The query log still shows the statement with its values (query-count failures read it).
    assert all(q["sql"] for q in ctx.captured_queries)
    assert any(f"WHERE id = {thread.pk}" in q["sql"] for q in ctx.captured_queries)


@postgresql_only
def test_a_prepared_read_runs_on_a_fresh_connection_too(maria, diabetes):
    thread = publish_thread(maria, diabetes, title="Prepared")
    for _ in range(2):
        with prepared_cursor(connection) as cursor:
            cursor.execute("SELECT slug FROM community_thread WHERE id = %s", [thread.pk])
            assert cursor.fetchone() == (thread.slug,)
    assert "SELECT slug FROM community_thread WHERE id = $1" in prepared_statements()


@postgresql_only
def test_nothing_is_prepared_behind_a_pooler_in_transaction_mode():
    wrapper = type(connections["default"])
    settings = {**connection.settings_dict,
                "OPTIONS": {**connection.settings_dict["OPTIONS"], "prepare_threshold": None}}
    assert wrapper(settings, "pooled").get_connection_params()["prepare_threshold"] is None
    assert connection.get_connection_params()["prepare_threshold"] is not None


def test_the_page_is_read_beside_the_script_and_a_missing_script_is_loaded_again(
        maria, james, diabetes, monkeypatch):
    """The shared page is a plain GET in the same round trip as the read-recording script (a
    script would copy its 75 KB twice); a Redis that lost its scripts (restarted) gets it
    again and the visit is recorded once."""
    from community.services import reads

    thread = publish_thread(maria, diabetes, title="Script")
    publish_reply(maria, thread, "Two")
    client_for(maria).get(f"/t/{thread.pk}/")  # stores the shared copy
    monkeypatch.setattr(reads, "_visit_sha", "0" * 40)  # a script Redis does not know
    page = client_for(james).get(f"/t/{thread.pk}/").content.decode()
    assert 'data-shared="true"' in page and "Two" in page
    pending = reads.client().hget(reads.PENDING, f"{james.pk}:{thread.pk}").decode()
    assert pending.split(":")[0] == "2"
