"""The dashboard's old live scan of member activity (before issue 24), kept only as the
reference that the stored facts (insights.facts) must equal on a seeded data set."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from insights.definitions import memberships_in, public_posts, reactions_in, reads_in
from insights.metrics import _in
from insights.sources import SOURCES, normalise_source


def members(community_ids) -> QuerySet[User]:
    """Members, with `joined`: when they created their account, or joined the community."""
    qs = User.objects.filter(is_active=True, is_staff=False)
    if community_ids is None:
        return qs.annotate(joined=F("date_joined"))
    mine = memberships_in(community_ids).filter(user=OuterRef("pk"))
    return qs.filter(Exists(mine)).annotate(
        joined=Subquery(mine.order_by("joined_at").values("joined_at")[:1])
    )


def _latest_before(queryset, *, user_field: str, time_field: str, end) -> Subquery:
    return Subquery(
        queryset.filter(**{user_field: OuterRef("pk"), f"{time_field}__lt": end})
        .order_by(f"-{time_field}")
        .values(time_field)[:1]
    )


def active_condition(*, prefix: str, since, end, with_visits: bool) -> Q:
    condition = (
        Q(**{f"{prefix}post__gte": since})
        | Q(**{f"{prefix}reaction__gte": since})
        | Q(**{f"{prefix}read__gte": since})
    )
    if with_visits:
        condition |= Q(last_seen_at__gte=since, last_seen_at__lt=end)
    return condition


def annotate_latest_activity(queryset, community_ids, ends: dict[str, object]):
    """For each end, the member's latest post, reaction and read before it (in scope)."""
    annotations = {}
    for name, end in ends.items():
        annotations[f"{name}_post"] = _latest_before(
            public_posts(community_ids), user_field="author", time_field="created_at", end=end)
        annotations[f"{name}_reaction"] = _latest_before(
            reactions_in(community_ids), user_field="user", time_field="created_at", end=end)
        annotations[f"{name}_read"] = _latest_before(
            reads_in(community_ids), user_field="user", time_field="last_visit_at", end=end)
    return queryset.annotate(**annotations)


# --- The figures ----------------------------------------------------------------------------


def scan_members(community_ids, windows) -> dict:
    qs = annotate_latest_activity(
        members(community_ids), community_ids, {p: w.end for p, w in windows.items()}
    )
    spans = {"daily": 1, "weekly": 7, "monthly": 30}
    aggregates = {}
    for p, w in windows.items():
        aggregates[f"members_total__{p}"] = Count("pk", filter=Q(joined__lt=w.end))
        aggregates[f"members_new__{p}"] = Count("pk", filter=_in("joined", w))
        for span, days in spans.items():
            aggregates[f"active_{span}__{p}"] = Count("pk", filter=active_condition(
                prefix=f"{p}_", since=w.end - timedelta(days=days), end=w.end,
                with_visits=community_ids is None))
        aggregates[f"active_period__{p}"] = Count("pk", filter=active_condition(
            prefix=f"{p}_", since=w.start, end=w.end, with_visits=community_ids is None))
    return qs.aggregate(**aggregates)


def scan_contributors_and_sources(community_ids, windows) -> tuple[dict, list]:
    posts = public_posts(community_ids)
    qs = members(community_ids).annotate(
        first_post=Subquery(
            posts.filter(author=OuterRef("pk")).order_by("created_at").values("created_at")[:1]
        ),
        **{f"posted_{p}": Exists(posts.filter(author=OuterRef("pk"),
                                              created_at__gte=w.start, created_at__lt=w.end))
           for p, w in windows.items()},
    )
    aggregates = {}
    for p, w in windows.items():
        aggregates[f"contributors_new__{p}"] = Count("pk", filter=_in("first_post", w))
        aggregates[f"contributors_returning__{p}"] = Count(
            "pk", filter=Q(first_post__lt=w.start, **{f"posted_{p}": True}))
        aggregates[f"signups__{p}"] = Count("pk", filter=_in("date_joined", w))
    rows = list(qs.values("signup_source").annotate(**aggregates).order_by("signup_source"))
    totals = {key: sum(row[key] for row in rows) for key in aggregates}
    by_source = {source: {key: 0 for key in aggregates} for source in SOURCES}
    for row in rows:
        bucket = by_source[normalise_source(row["signup_source"])]
        for key in aggregates:
            bucket[key] += row[key]
    sources = [
        {"source": source,
         "signups": {p: by_source[source][f"signups__{p}"] for p in windows},
         "first_posts": {p: by_source[source][f"contributors_new__{p}"] for p in windows}}
        for source in SOURCES
    ]
    return totals, sources


def scan_newcomers(community_ids, period) -> dict:
    """The education section's newcomers before issue 24's stored figures: memberships that
    began in the period, welcomed or not, and those that posted within 7 days of joining."""
    from community.models import Membership, Post
    from insights.education import POSTED_WITHIN
    from mentors.models import Welcome

    new = Membership.objects.filter(joined_at__gte=period.start, joined_at__lt=period.end,
                                    status="active")
    if community_ids is not None:
        new = new.filter(community_id__in=community_ids)
    welcomed_q = Exists(Welcome.objects.filter(member=OuterRef("user"),
                                               community=OuterRef("community"), status="sent"))

    def posted_within(memberships) -> int:
        posted = Post.objects.filter(
            author=OuterRef("user"), thread__community=OuterRef("community"),
            created_at__lte=OuterRef("joined_at") + POSTED_WITHIN)
        return memberships.annotate(p=Exists(posted)).filter(p=True).count()

    welcomed = new.annotate(w=welcomed_q).filter(w=True)
    not_welcomed = new.annotate(w=welcomed_q).filter(w=False)
    return {"welcomed_posted": (posted_within(welcomed), welcomed.count()),
            "unwelcomed_posted": (posted_within(not_welcomed), not_welcomed.count())}
