"""The dashboard, CSV and JSON run a fixed number of queries whatever the size of the data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from community.models import AnswerVote, Post, Reaction, Thread, ThreadRead
from insights import metrics, outcomes, rollup
from insights.models import DashboardSnapshot
from insights.periods import Period
from notifications.models import CheckIn, DigestClick, Outbox
from tests.conftest import client_for, join, make_user

from .conftest import QUERY

# Each page's queries with the fixed data set (tests/insights/conftest.py), warm, with the
# selection's figures counted (no stored snapshot): the page, the CSV and the JSON count the
# whole selection once, stored for all three (insights.snapshots), then read one row.
BUDGET = {
    f"/insights/?{QUERY}": 72,
    f"/insights/export.csv?{QUERY}": 71,
    f"/insights/data.json?{QUERY}": 70,
    "/insights/?period=30": 82,
    "/insights/data.json?period=90": 80,
    "/insights/report/?month=2025-03": 55,
}
# A moderator's, scoped to their communities.
MODERATOR_BUDGET = dict(zip(BUDGET, [71, 70, 69, 79, 77, 56], strict=True))


def grow(world, n: int) -> None:
    """n more members, each with a question, a clinician answer, reactions, reads, digests."""
    now = timezone.now()
    for i in range(n):
        member = make_user(f"extra{i}")
        join(member, world.D)
        thread = Thread.objects.create(community=world.D, author=member, title=f"Q{i}",
                                       kind="question", created_at=now - timedelta(days=i % 40),
                                       first_reply_at=now, first_clinician_answer_at=now)
        first = Post.objects.create(thread=thread, author=member, position=1, body="q",
                                    body_html="q", screening="clean",
                                    created_at=thread.created_at)
        answer = Post.objects.create(thread=thread, author=world.drkim, position=2, body="a",
                                     body_html="a", screening="clean", is_clinician_answer=True,
                                     created_at=now)
        Reaction.objects.create(user=member, post=answer, kind="helpful")
        Reaction.objects.create(user=world.ana, post=first, kind="support")
        ThreadRead.objects.create(user=member, thread=thread, last_visit_at=now)
        box = Outbox.objects.create(recipient=member, kind="digest", status="sent", sent_at=now,
                                    dedupe_key=f"extra-{i}", subject="s", text="t")
        DigestClick.objects.create(outbox=box, user=member, thread=thread)
        AnswerVote.objects.create(user=member, post=answer, helped=i % 2 == 0)
        CheckIn.objects.create(user=member, month=f"{now:%Y-%m}", answer="yes",
                               answered_at=now)


def counts(client, django_assert_max_num_queries, budgets=BUDGET) -> dict[str, int]:
    result = {}
    for url, budget in budgets.items():
        client.get(url)  # warm: once-per-session writes (last seen) out of the way, and
        client.get(url)  # the cached user filled (accounts' cache of the signed-in user)
        DashboardSnapshot.objects.all().delete()
        with django_assert_max_num_queries(budget) as queries:
            assert client.get(url).status_code == 200
        result[url] = len(queries)
    return result


@pytest.mark.parametrize("more", [25])
def test_the_number_of_queries_does_not_grow_with_the_data(
        world, more, django_assert_max_num_queries, django_assert_num_queries):
    client = client_for(world.admin)
    small = counts(client, django_assert_max_num_queries)
    grow(world, more)
    for url, budget in small.items():
        DashboardSnapshot.objects.all().delete()
        with django_assert_num_queries(budget):
            assert client.get(url).status_code == 200


def test_the_figures_take_twenty_two_or_three_queries_and_the_charts_one_or_fifteen(
        world, django_assert_num_queries):
    """Exact budgets for insights' own work, so that a new query is a decision; the pages add
    what every page costs (session, user, MFA check, notifications). For all communities or
    one, a 23rd: the latest rolled-up day, to know whether the stored window counts
    (insights.windows) hold the period (on a page it is read once with the live days); for
    all communities, one less: the members' totals come with the sign-ups (one pass over
    the accounts). One query each for: the conversation's and the clinicians' daily
    figures, both durations of the questions, both of the safety items, the digest clicks
    (was two each: 26 and 27)."""
    period = Period(date(2025, 3, 1), date(2025, 3, 7))
    for size in ("small", "larger", "rolled up"):
        if size == "larger":
            grow(world, 25)
        if size == "rolled up":
            rollup.rollup_range(date(2025, 1, 1), period.last_day)
        # days not rolled up yet are read live from those days' rows: the members' activity
        # (4 queries, twice: headline and clinicians), their authors' first posts, posts and
        # reactions per community (once for the conversation and the clinicians); no stored
        # rows
        live = 0 if size == "rolled up" else 10
        for scope in (None, {world.D.pk}, {world.D.pk, world.H.pk}):
            # one community or all: +1, the latest rolled-up day for the window counts
            with django_assert_num_queries((21 if scope is None or len(scope) != 1 else 22)
                                           + live):
                metrics.figures(community_ids=scope, period=period)
            with django_assert_num_queries(1):  # stored days only
                rollup.series(community_ids=scope, period=period)
            # stored days, and today live: the day's activity (4), who of them are members
            # and their memberships (2), 7 grouped counts, and two more for all communities
            # (new accounts, the check-ins)
            with django_assert_num_queries(15 if scope is None else 13):
                rollup.series(community_ids=scope, period=Period.last_days(30))
            with django_assert_num_queries(1):
                rollup.weekly(community_ids=scope)
            # the members by source and language (in a request: once, with the figures),
            # who said they were helped by language, by community, askers, the latest
            # rolled-up day (and the communities, for all)
            with django_assert_num_queries((6 if scope is None else 5) + (live and 4)):
                outcomes.reach(scope, period)


def test_a_moderators_dashboard_has_the_same_budget_at_any_size(
        world, django_assert_max_num_queries):
    client = client_for(world.sam)
    small = counts(client, django_assert_max_num_queries, MODERATOR_BUDGET)
    grow(world, 10)
    assert counts(client, django_assert_max_num_queries, MODERATOR_BUDGET) == small
