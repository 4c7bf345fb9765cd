"""What insights counts, each rule written once (issue 17): what is public, and who is active.

- A public post is one every reader of its thread sees (community.permissions.public_posts:
  published and through screening) in a published thread.
- A member is *active* on a day if they wrote a public post, reacted to one, or opened a
  published discussion (its latest visit) in a community that day; for all communities,
  also if Hearth's latest visit of theirs (`last_seen_at`) falls on that day.

`day_activity()` reads one range of days from the forum's tables (four queries bounded by the
range, never the history): the rollup stores it, the dashboard adds it for days not rolled up
yet (today). Every "active" figure (the headline, the daily chart, reach) counts these facts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date

from django.db.models import F, Lookup, Q, QuerySet
from django.db.models.functions import TruncDate

from accounts.models import User
from community.models import Membership, Post, Reaction, Thread, ThreadRead
from community.permissions import PUBLIC_SCREENING

from .periods import Period

ALL_SCOPE = 0  # the facts of a member over all communities (visits included)


class AnyOf(Lookup):
    """`column = ANY(%s)` with the ids as one array parameter (PostgreSQL): for the long id
    lists of today's members (thousands), much cheaper to build and send than `IN (%s, %s,
    ...)`, which Django and psycopg expand one placeholder per id. Elsewhere: `IN`."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(pk) for pk in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, int_array(ids)]
        if not ids:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]


def int_array(ids) -> str:
    """PostgreSQL's text form of an array of integers ('{1,2,3}'), to be cast in the SQL: made
    by one join, where psycopg dumps a list item by item in Python (about 6 us each: 0.5 s
    of the rollup's CPU at 100,000 members)."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


def any_of(field: str, ids) -> AnyOf:
    """A filter: `field` is one of `ids` (one array parameter; see AnyOf)."""
    return AnyOf(F(field), list(ids))


def members(*, staff: bool = False) -> QuerySet[User]:
    """Who insights counts as a member: open accounts that are not staff."""
    return User.objects.filter(is_active=True, is_staff=staff)


def not_members() -> QuerySet[User]:
    """The accounts members() leaves out (staff, closed): few, so `user NOT IN` them is a
    small hashed set where a join with members() would hash every account."""
    return User.objects.exclude(is_active=True, is_staff=False)


def public_post(prefix: str = "") -> Q:
    """The rule, as a condition on a post (or on `prefix`, e.g. "post__" for a reaction):
    community.permissions' public post (published, through screening), in a published
    thread."""
    return Q(**{f"{prefix}status": Post.Status.PUBLISHED,
                f"{prefix}screening__in": PUBLIC_SCREENING,
                f"{prefix}thread__status": Thread.Status.PUBLISHED})


def public_posts(community_ids=None) -> QuerySet[Post]:
    qs = Post.objects.filter(public_post())
    if community_ids is not None:
        qs = qs.filter(thread__community_id__in=community_ids)
    return qs


def published_threads(community_ids=None) -> QuerySet[Thread]:
    qs = Thread.objects.filter(status=Thread.Status.PUBLISHED)
    if community_ids is not None:
        qs = qs.filter(community_id__in=community_ids)
    return qs


def reactions_in(community_ids=None) -> QuerySet[Reaction]:
    """Reactions to public posts."""
    qs = Reaction.objects.filter(public_post("post__"))
    if community_ids is not None:
        qs = qs.filter(post__thread__community_id__in=community_ids)
    return qs


def reads_in(community_ids=None) -> QuerySet[ThreadRead]:
    qs = ThreadRead.objects.filter(thread__status=Thread.Status.PUBLISHED)
    if community_ids is not None:
        qs = qs.filter(thread__community_id__in=community_ids)
    return qs


def memberships_in(community_ids) -> QuerySet[Membership]:
    return Membership.objects.filter(community_id__in=community_ids,
                                     status=Membership.Status.ACTIVE)


@dataclass
class DayActivity:
    """Who was active (and who posted) on which days, per community and over all."""

    # (user id, scope) -> set of days; scope is a community id, or ALL_SCOPE
    active: dict = field(default_factory=lambda: defaultdict(set))
    posted: dict = field(default_factory=lambda: defaultdict(set))

    def add(self, user_id: int, community_id: int, day: date, *, posted: bool = False) -> None:
        for scope in (community_id, ALL_SCOPE):
            self.active[(user_id, scope)].add(day)
            if posted:
                self.posted[(user_id, scope)].add(day)

    def active_on(self, day: date, scope: int) -> set[int]:
        return {user for (user, s), days in self.active.items() if s == scope and day in days}


def day_activity(period: Period) -> DayActivity:
    """Every member's activity on the days of `period`, from the forum's tables (4 queries,
    each bounded by the period's rows)."""
    facts = DayActivity()
    window = {"created_at__gte": period.start, "created_at__lt": period.end}

    def day(column: str) -> TruncDate:  # the UTC day (a date loads faster than a time)
        return TruncDate(column, tzinfo=UTC)

    for user, community, when in (public_posts().filter(**window)
                                  .values_list("author_id", "thread__community_id",
                                               day("created_at"))):
        facts.add(user, community, when, posted=True)
    for user, community, when in (reactions_in().filter(**window)
                                  .values_list("user_id", "post__thread__community_id",
                                               day("created_at"))):
        facts.add(user, community, when)
    for user, community, when in (reads_in().filter(last_visit_at__gte=period.start,
                                                    last_visit_at__lt=period.end)
                                  .values_list("user_id", "thread__community_id",
                                               day("last_visit_at"))):
        facts.add(user, community, when)
    for user, when in (User.objects.filter(last_seen_at__gte=period.start,
                                           last_seen_at__lt=period.end)
                       .values_list("pk", day("last_seen_at"))):
        facts.active[(user, ALL_SCOPE)].add(when)
    return facts
