"""The window counts of a day follow the previous day's (insights.windows.store): the members
who entered or left each window, read by id. Checked against the count over every member's
facts, day after day over a randomised history of 13 months (two year ends, a leap year),
with the nightly reruns of the day before, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from community.models import Membership, Post, Reaction, Thread, ThreadRead
from insights import facts, rollup, windows
from insights.definitions import day_activity
from insights.models import ActiveDay, MemberLast, WindowCount
from insights.periods import Period
from tests.factories import join, make_community, make_user

FIRST, LAST = date(2023, 12, 20), date(2025, 1, 12)


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randrange(24), rng.randrange(60)), tzinfo=UTC)


class History:
    """Members doing random things on random days: threads, replies (some held), reactions,
    thread visits and site visits (only the latest of each is kept, as the forum does)."""

    def __init__(self, seed: int):
        self.rng = rng = random.Random(seed)
        self.communities = [make_community(f"c{i}", private=i == 2) for i in range(3)]
        sources = ["x", "facebook", "email", "", "newsletter", "somewhere"]
        self.people = []
        for i in range(14):
            user = make_user(f"m{i}", joined=datetime(2023, 1, 1, tzinfo=UTC),
                             signup_source=rng.choice(sources),
                             language=rng.choice(["en", "es", "es-mx", ""]))
            for community in rng.sample(self.communities, rng.randrange(1, 3)):
                join(user, community)
            self.people.append(user)
        # not counted: staff, and a closed account; m0 posts where it is not a member
        self.people.append(make_user("staff", staff=True))
        closed = make_user("closed")
        join(closed, self.communities[0])
        User.objects.filter(pk=closed.pk).update(is_active=False)
        self.people.append(closed)
        self.threads: list[Thread] = []

    def day(self, day: date) -> None:
        rng = self.rng
        if rng.random() < 0.55:
            return  # a quiet day
        for _ in range(rng.randrange(1, 5)):
            user, what = rng.choice(self.people), rng.random()
            when = _at(day, rng)
            if what < 0.2 or not self.threads:
                community = rng.choice(self.communities)
                thread = Thread.objects.create(community=community, author=user, title="t",
                                               created_at=when, last_activity_at=when)
                self._post(thread, user, when)
                self.threads.append(thread)
            elif what < 0.45:
                self._post(rng.choice(self.threads), user, when,
                           held=rng.random() < 0.15)
            elif what < 0.65:
                post = rng.choice(list(Post.objects.filter(
                    thread=rng.choice(self.threads), status=Post.Status.PUBLISHED)))
                Reaction.objects.get_or_create(post=post, user=user, kind=rng.choice(
                    ["helpful", "support", "thanks"]), defaults={"created_at": when})
            elif what < 0.85:
                ThreadRead.objects.update_or_create(thread=rng.choice(self.threads), user=user,
                                                    defaults={"last_visit_at": when})
            else:
                User.objects.filter(pk=user.pk).update(last_seen_at=when)

    def _post(self, thread: Thread, user: User, when: datetime, *, held: bool = False):
        position = thread.posts.count() + 1
        Post.objects.create(thread=thread, author=user, position=position, body="x",
                            body_html="<p>x</p>",
                            status=Post.Status.HELD if held else Post.Status.PUBLISHED,
                            screening=Post.Screening.HELD if held else Post.Screening.CLEAN,
                            created_at=when)
        Thread.objects.filter(pk=thread.pk).update(last_position=position)


def _stored(day: date) -> dict:
    return {(row.scope, row.length, row.name): row.value
            for row in WindowCount.objects.filter(day=day).exclude(name="stored")}


def _counted(day: date) -> dict:
    return {key: value for key, value in windows._count_all(day).items() if value}


def _roll(day: date, community_ids, *, again: bool) -> None:
    """The rollup's facts and window counts of the day (rollup.rollup_day's two steps)."""
    activity = day_activity(Period(day, day))
    facts.store(day, activity, facts.first_posts_of(activity, day), again=again)
    windows.store(day, community_ids)


@pytest.mark.timeout(600)  # 390 days rolled up: 20-40 s of CPU
@pytest.mark.django_db
def test_each_days_counts_follow_the_day_before_as_the_full_count_gives_them():
    history = History(seed=24)
    ids = [c.pk for c in history.communities]
    day, followed, seen = FIRST, 0, set()
    while day <= LAST:
        history.day(day)
        _roll(day, ids, again=False)  # its first rollup, at night
        if day > FIRST and day.toordinal() % 7 == 0:
            # the night after: the day before rolled up again (its visits may have moved on:
            # fewer members active on it), then this day again
            _roll(day - timedelta(days=1), ids, again=True)
            assert _stored(day - timedelta(days=1)) == _counted(day - timedelta(days=1)), day
            _roll(day, ids, again=True)
        assert _stored(day) == _counted(day), day
        seen |= set(_stored(day))
        followed += day > FIRST
        day += timedelta(days=1)
    # every window length was entered and left over these months
    assert followed == (LAST - FIRST).days
    # the members' last days, kept day by day, are those the stored facts give
    fields = ("user_id", "scope", "last_active", "active_2", "active_3", "last_posted",
              "posted_2", "posted_3", "first_post")
    kept = set(MemberLast.objects.values_list(*fields))
    facts.rebuild_last(None)
    assert kept == set(MemberLast.objects.values_list(*fields))
    assert {n for _scope, n, _name in seen} == set(windows.LENGTHS)
    assert {name.split(":")[0] for _scope, _n, name in seen} == {"active", "new", "returning",
                                                                  "lang"}
    assert {scope for scope, _n, _name in seen} == {0, *ids}


def test_a_day_reads_only_the_members_who_entered_or_left_a_window(world, db):
    """No pass over every member's facts once the day before's counts are stored: the
    window counts' changes come from MemberLast's rows of the members who entered or left a
    window (one query, by its indexes)."""
    rollup.rollup_range(date(2025, 3, 1), date(2025, 3, 5))
    with CaptureQueriesContext(connection) as ctx:
        rollup.rollup_day(date(2025, 3, 6))
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert not [sql for sql in sqls if "GROUP BY" in sql and "insights_memberactivity" in sql]
    assert [sql for sql in sqls if "GROUP BY" in sql and "insights_memberlast" in sql]


def test_without_the_day_befores_counts_the_day_is_counted_over_every_member(world, db):
    rollup.rollup_range(date(2025, 3, 1), date(2025, 3, 3))
    WindowCount.objects.filter(day=date(2025, 3, 3)).delete()
    with CaptureQueriesContext(connection) as ctx:
        rollup.rollup_day(date(2025, 3, 4))
    assert any("GROUP BY" in q["sql"] and "insights_memberactivity" in q["sql"]
               for q in ctx.captured_queries)
    assert _stored(date(2025, 3, 4)) == _counted(date(2025, 3, 4))


@pytest.mark.django_db
def test_a_member_who_changed_is_counted_right_again_by_the_recount():
    """A closed account, or a member who left a community, drops out of the followed
    counts only as their days leave the windows; the weekly recount (or `rollup_metrics
    --recount`) counts them out at once, and the days after follow it."""
    history = History(seed=7)
    first = date(2024, 3, 1)
    for i in range(12):
        history.day(first + timedelta(days=i))
    rollup.rollup_range(first, first + timedelta(days=9))
    active = set().union(*(json.loads(users) for users in
                           ActiveDay.objects.values_list("users", flat=True)))
    left = User.objects.filter(pk__in=active, is_active=True, is_staff=False,
                               memberships__isnull=False).first()
    Membership.objects.filter(user=left).delete()
    User.objects.filter(pk=left.pk).update(language="fr")
    day = first + timedelta(days=10)
    rollup.rollup_range(day, day, recount=True)
    assert _stored(day) == _counted(day)
    assert any(name == "lang:fr" for _scope, _n, name in _stored(day))
    assert all(scope == 0 for scope, _n, name in _stored(day) if name == "lang:fr")
    rollup.rollup_day(day + timedelta(days=1))
    assert _stored(day + timedelta(days=1)) == _counted(day + timedelta(days=1))
