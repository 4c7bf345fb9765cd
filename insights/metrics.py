"""The figures of the dashboard, computed live from the forum's tables.

`figures(community_ids=..., period=...)` computes every figure for the period and for the
previous period of equal length in a fixed number of queries (one per question asked of the
data, each with conditional aggregation for both periods), whatever the size of the data.

Definitions (also on the page and in the README):

- Members are accounts of patients, caregivers and clinicians (not staff, not closed). For one
  community: its members. A member is *active* in a window if they posted, reacted or opened
  a discussion in it (for all communities, also if they visited Hearth at all). Visits are
  known only by their latest date, so an earlier visit can be hidden by a later one; posts and
  reactions are counted by their exact dates.
- Daily, weekly and monthly active: active in the last 1, 7 and 30 days of the period.
- Counts include only what members can see: posts held, hidden or deleted are left out.
- Times are measured from when a question was asked; percentiles interpolate linearly
  (PostgreSQL's percentile_cont).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.translation import gettext_lazy as _

from accounts.models import ClinicianProfile, User
from community.models import Membership, Post, Reaction, Thread, ThreadRead
from community.permissions import PUBLIC_SCREENING
from moderation.models import ModerationItem
from notifications.models import DigestClick, Outbox

from .periods import Period
from .sources import SOURCES, normalise_source
from .stats import duration_percentiles

PERIODS = ("cur", "prev")
WAITING = timedelta(hours=48)
AFTER_CLICK = timedelta(hours=24)
SAFETY_KINDS = (ModerationItem.Kind.CRISIS, ModerationItem.Kind.HELD, ModerationItem.Kind.FLAG)


@dataclass(frozen=True)
class Metric:
    key: str
    section: str
    label: str
    kind: str  # "members" (a count of people: "<5" in exports), "count", "percent", "duration"
    help: str = ""


SECTIONS = {
    "members": _("Members"),
    "conversation": _("Conversation"),
    "questions": _("Questions"),
    "clinicians": _("Clinicians"),
    "safety": _("Safety"),
    "digests": _("Email digests"),
    "sources": _("Where members come from"),
    "outcomes": _("Outcomes: what members say"),
}

METRICS = [
    Metric("members_total", "members", _("Members"), "members",
           _("Members at the end of the period.")),
    Metric("members_new", "members", _("New members"), "members",
           _("Joined during the period.")),
    Metric("active_daily", "members", _("Active on the last day"), "members",
           _("Posted, reacted or read on the last day of the period.")),
    Metric("active_weekly", "members", _("Active in the last 7 days"), "members",
           _("Posted, reacted or read in the last 7 days of the period.")),
    Metric("active_monthly", "members", _("Active in the last 30 days"), "members",
           _("Posted, reacted or read in the last 30 days of the period.")),
    Metric("active_period", "members", _("Active during the period"), "members",
           _("Posted, reacted or read at any time in the period.")),
    Metric("dau_mau", "members", _("Stickiness (daily ÷ monthly active)"), "percent",
           _("Of the members active in the last 30 days, the share active on the last day.")),
    Metric("contributors_new", "members", _("New contributors"), "members",
           _("Wrote their first post during the period.")),
    Metric("contributors_returning", "members", _("Returning contributors"), "members",
           _("Posted during the period and had posted before it.")),
    Metric("threads", "conversation", _("Discussions and questions started"), "count"),
    Metric("replies", "conversation", _("Replies"), "count"),
    Metric("reactions", "conversation", _("Reactions (Helpful, Support, Thanks)"), "count"),
    Metric("questions_asked", "questions", _("Questions asked"), "count"),
    Metric("questions_answered_pct", "questions", _("Answered"), "percent",
           _("Share of the questions asked in the period that have at least one reply.")),
    Metric("questions_clinician_pct", "questions", _("Answered by a clinician"), "percent",
           _("Share with an answer from a verified clinician.")),
    Metric("questions_clinician", "questions", _("Questions answered by a clinician"), "count",
           _("Questions asked in the period that a verified clinician has answered.")),
    Metric("questions_accepted_pct", "questions", _("With an accepted answer"), "percent",
           _("Share where the person who asked (or a clinician) marked an answer as accepted.")),
    Metric("first_reply_median", "questions", _("Time to first reply (median)"), "duration",
           _("Half of the answered questions got their first reply within this time.")),
    Metric("first_reply_p90", "questions", _("Time to first reply (90th percentile)"),
           "duration", _("Nine in ten answered questions got their first reply within this time.")),
    Metric("first_clinician_median", "questions", _("Time to a clinician's answer (median)"),
           "duration"),
    Metric("first_clinician_p90", "questions",
           _("Time to a clinician's answer (90th percentile)"), "duration"),
    Metric("questions_waiting", "questions", _("Questions waiting more than 48 hours"), "count",
           _("At the end of the period: asked more than 48 hours earlier, still without a reply.")),
    Metric("clinicians_active", "clinicians", _("Active clinicians"), "members",
           _("Verified clinicians who posted during the period.")),
    Metric("clinician_answers", "clinicians", _("Clinician answers"), "count"),
    Metric("clinician_accepted", "clinicians", _("Clinician answers accepted"), "count"),
    Metric("clinician_helpful", "clinicians", _("Helpful reactions to clinician answers"), "count"),
    Metric("clinician_reached", "clinicians", _("Members reached by clinician answers"),
           "members", _("Different members who opened a discussion after a clinician answered "
                        "in it (where reading is tracked).")),
    Metric("moderation_items", "safety", _("Items reviewed by moderators"), "count",
           _("Held posts, flags and crisis alerts raised during the period.")),
    Metric("resolution_median", "safety", _("Time to resolve an item (median)"), "duration"),
    Metric("crisis_items", "safety", _("Crisis alerts"), "count"),
    Metric("crisis_first_action_median", "safety",
           _("Time to first staff action on a crisis alert (median)"), "duration"),
    Metric("digests_sent", "digests", _("Digests sent"), "count"),
    Metric("digests_clicked", "digests", _("Digests clicked"), "count",
           _("Digests sent in the period with at least one click on a discussion.")),
    Metric("digest_ctr", "digests", _("Click-through rate"), "percent"),
    Metric("digest_posted_after_click", "digests", _("Members who posted within 24 hours of a "
                                                     "click"), "members"),
    Metric("digest_returned", "digests", _("Members who came back through a digest"),
           "members", _("Different members who opened a discussion from a link in a digest.")),
    Metric("signups", "sources", _("Sign-ups"), "members"),
    Metric("members_helped", "outcomes", _("Members helped"), "members",
           _("Said an answer helped them, answered the monthly check-in “yes” or “somewhat”, "
             "or got a clinician's answer to their question.")),
    Metric("answer_votes", "outcomes", _("“Did this answer help?” answers"), "members",
           _("Votes on clinicians' and accepted answers, counted when last changed.")),
    Metric("answer_helped_pct", "outcomes", _("Said the answer helped"), "percent"),
    Metric("answer_readers", "outcomes", _("Members who read a clinician's or accepted answer"),
           "members"),
    Metric("answer_response_pct", "outcomes", _("Response rate (answers)"), "percent",
           _("Of the members who read such an answer, the share who said whether it helped.")),
    Metric("checkin_asked", "outcomes", _("Monthly check-ins asked"), "members",
           _("“Did Hearth help you manage your health this month?”, in a digest, once a "
             "month.")),
    Metric("checkin_answered", "outcomes", _("Check-ins answered"), "members"),
    Metric("checkin_response_pct", "outcomes", _("Response rate (check-in)"), "percent"),
    Metric("checkin_yes", "outcomes", _("Answered “yes”"), "members"),
    Metric("checkin_somewhat", "outcomes", _("Answered “somewhat”"), "members"),
    Metric("checkin_no", "outcomes", _("Answered “no”"), "members"),
    Metric("checkin_helped_pct", "outcomes", _("Said Hearth helped (yes or somewhat)"),
           "percent", _("Of the check-ins answered.")),
]
# A percentage is made from members: below 5 of them (the base) it is not exported.
PERCENT_BASE = {
    "dau_mau": "active_monthly",
    "answer_helped_pct": "answer_votes",
    "answer_response_pct": "answer_readers",
    "checkin_response_pct": "checkin_asked",
    "checkin_helped_pct": "checkin_answered",
}
METRICS_BY_KEY = {metric.key: metric for metric in METRICS}


def _windows(period: Period, prev: Period) -> dict[str, Period]:
    return {"cur": period, "prev": prev}


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _pct(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


# --- Querysets of what counts ---------------------------------------------------------------


def public_posts(community_ids) -> QuerySet[Post]:
    qs = Post.objects.filter(
        status=Post.Status.PUBLISHED, screening__in=PUBLIC_SCREENING,
        thread__status=Thread.Status.PUBLISHED,
    )
    if community_ids is not None:
        qs = qs.filter(thread__community_id__in=community_ids)
    return qs


def published_threads(community_ids) -> QuerySet[Thread]:
    qs = Thread.objects.filter(status=Thread.Status.PUBLISHED)
    if community_ids is not None:
        qs = qs.filter(community_id__in=community_ids)
    return qs


def reactions_in(community_ids) -> QuerySet[Reaction]:
    qs = Reaction.objects.filter(
        post__status=Post.Status.PUBLISHED, post__screening__in=PUBLIC_SCREENING,
        post__thread__status=Thread.Status.PUBLISHED,
    )
    if community_ids is not None:
        qs = qs.filter(post__thread__community_id__in=community_ids)
    return qs


def reads_in(community_ids) -> QuerySet[ThreadRead]:
    qs = ThreadRead.objects.filter(thread__status=Thread.Status.PUBLISHED)
    if community_ids is not None:
        qs = qs.filter(thread__community_id__in=community_ids)
    return qs


def memberships_in(community_ids) -> QuerySet[Membership]:
    return Membership.objects.filter(
        community_id__in=community_ids, status=Membership.Status.ACTIVE
    )


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


def _members(community_ids, windows) -> dict:
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


def _contributors_and_sources(community_ids, windows) -> tuple[dict, list]:
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


def _conversation(community_ids, windows) -> tuple[dict, list]:
    earliest = min(w.start for w in windows.values())
    latest = max(w.end for w in windows.values())
    post_counts = {}
    for p, w in windows.items():
        post_counts[f"threads__{p}"] = Count("pk", filter=_in("created_at", w) & Q(position=1))
        post_counts[f"replies__{p}"] = Count("pk", filter=_in("created_at", w) & Q(position__gt=1))
    rows = (
        public_posts(community_ids)
        .filter(created_at__gte=earliest, created_at__lt=latest)
        .values("thread__community_id", "thread__community__name")
        .annotate(**post_counts)
        .order_by("thread__community__name")
    )
    reaction_counts = {f"reactions__{p}": Count("pk", filter=_in("created_at", w))
                       for p, w in windows.items()}
    reaction_rows = {
        row["post__thread__community_id"]: row
        for row in reactions_in(community_ids)
        .filter(created_at__gte=earliest, created_at__lt=latest)
        .values("post__thread__community_id")
        .annotate(**reaction_counts)
        .order_by()
    }
    totals = {key: 0 for key in [*post_counts, *reaction_counts]}
    table = []
    for row in rows:
        reactions = reaction_rows.get(row["thread__community_id"], {})
        entry = {"community": row["thread__community__name"],
                 "community_id": row["thread__community_id"]}
        for p in windows:
            entry.setdefault("threads", {})[p] = row[f"threads__{p}"]
            entry.setdefault("replies", {})[p] = row[f"replies__{p}"]
            entry.setdefault("reactions", {})[p] = reactions.get(f"reactions__{p}", 0)
        table.append(entry)
        for key in post_counts:
            totals[key] += row[key]
    for row in reaction_rows.values():
        for key in reaction_counts:
            totals[key] += row[key]
    for entry in table:
        entry["share"] = {}
        for p in windows:
            posts = entry["threads"][p] + entry["replies"][p]
            whole = totals[f"threads__{p}"] + totals[f"replies__{p}"]
            entry["share"][p] = _pct(posts, whole)
    return totals, table


def _questions(community_ids, windows) -> dict:
    questions = published_threads(community_ids).filter(kind=Thread.Kind.QUESTION)
    aggregates = {}
    for p, w in windows.items():
        asked = _in("created_at", w)
        aggregates[f"asked__{p}"] = Count("pk", filter=asked)
        aggregates[f"answered__{p}"] = Count("pk", filter=asked & Q(first_reply_at__isnull=False))
        aggregates[f"clinician__{p}"] = Count(
            "pk", filter=asked & Q(first_clinician_answer_at__isnull=False))
        aggregates[f"accepted__{p}"] = Count("pk", filter=asked & Q(accepted_post__isnull=False))
        aggregates[f"waiting__{p}"] = Count("pk", filter=Q(created_at__lt=w.end - WAITING) & (
            Q(first_reply_at__isnull=True) | Q(first_reply_at__gte=w.end)))
    row = questions.aggregate(**aggregates)
    reply = duration_percentiles(
        questions, start="created_at", end="first_reply_at",
        groups={p: _in("created_at", w) for p, w in windows.items()}, percentiles=(0.5, 0.9))
    clinician = duration_percentiles(
        questions, start="created_at", end="first_clinician_answer_at",
        groups={p: _in("created_at", w) for p, w in windows.items()}, percentiles=(0.5, 0.9))
    result = {}
    for p in windows:
        asked = row[f"asked__{p}"]
        result.update({
            f"questions_asked__{p}": asked,
            f"questions_answered_pct__{p}": _pct(row[f"answered__{p}"], asked),
            f"questions_clinician__{p}": row[f"clinician__{p}"],
            f"questions_clinician_pct__{p}": _pct(row[f"clinician__{p}"], asked),
            f"questions_accepted_pct__{p}": _pct(row[f"accepted__{p}"], asked),
            f"first_reply_median__{p}": reply[p][0.5],
            f"first_reply_p90__{p}": reply[p][0.9],
            f"first_clinician_median__{p}": clinician[p][0.5],
            f"first_clinician_p90__{p}": clinician[p][0.9],
            f"questions_waiting__{p}": row[f"waiting__{p}"],
        })
    return result


def clinician_figures(community_ids, windows, *, author=None) -> dict:
    """Answers, accepted answers, Helpful received and members reached (three queries)."""
    posts = public_posts(community_ids)
    answers = posts.filter(is_clinician_answer=True)
    if author is not None:
        posts, answers = posts.filter(author=author), answers.filter(author=author)
    verified = Q(author__clinician__status=ClinicianProfile.Status.VERIFIED)
    aggregates = {}
    for p, w in windows.items():
        aggregates[f"clinicians_active__{p}"] = Count(
            "author", distinct=True, filter=_in("created_at", w) & verified)
        aggregates[f"clinician_answers__{p}"] = Count(
            "pk", filter=_in("created_at", w) & Q(is_clinician_answer=True))
        aggregates[f"clinician_accepted__{p}"] = Count(
            "pk", filter=_in("created_at", w) & Q(is_clinician_answer=True,
                                                  thread__accepted_post=F("pk")))
    result = posts.aggregate(**aggregates)
    helpful = Reaction.objects.filter(kind=Reaction.Kind.HELPFUL, post__in=answers)
    result.update(helpful.aggregate(**{
        f"clinician_helpful__{p}": Count("pk", filter=_in("created_at", w))
        for p, w in windows.items()
    }))
    reads = ThreadRead.objects.filter(user__is_staff=False)
    reached = {}
    for p, w in windows.items():
        read_after = answers.filter(
            thread=OuterRef("thread"), created_at__gte=w.start, created_at__lt=w.end,
            created_at__lte=OuterRef("last_visit_at"),
        ).exclude(author=OuterRef("user"))
        reached[f"clinician_reached__{p}"] = Count("user", distinct=True,
                                                   filter=Q(Exists(read_after)))
    result.update(reads.aggregate(**reached))
    return result


def _safety(community_ids, windows) -> tuple[dict, list]:
    items = ModerationItem.objects.filter(kind__in=SAFETY_KINDS)
    if community_ids is not None:
        items = items.filter(community_id__in=community_ids)
    earliest = min(w.start for w in windows.values())
    latest = max(w.end for w in windows.values())
    rows = list(
        items.filter(created_at__gte=earliest, created_at__lt=latest)
        .values("kind", "reason")
        .annotate(**{p: Count("pk", filter=_in("created_at", w)) for p, w in windows.items()})
        .order_by("kind", "reason")
    )
    resolve = duration_percentiles(
        items, start="created_at", end="resolved_at",
        groups={p: _in("created_at", w) for p, w in windows.items()}, percentiles=(0.5,))
    first_action = duration_percentiles(
        items.filter(kind=ModerationItem.Kind.CRISIS), start="created_at", end="first_action_at",
        groups={p: _in("created_at", w) for p, w in windows.items()}, percentiles=(0.5,))
    result = {}
    for p in windows:
        result[f"moderation_items__{p}"] = sum(row[p] for row in rows)
        result[f"crisis_items__{p}"] = sum(
            row[p] for row in rows if row["kind"] == ModerationItem.Kind.CRISIS)
        result[f"resolution_median__{p}"] = resolve[p][0.5]
        result[f"crisis_first_action_median__{p}"] = first_action[p][0.5]
    kinds = dict(ModerationItem.Kind.choices)
    table = [
        {"kind": str(kinds.get(row["kind"], row["kind"])), "reason": reason_label(row["reason"]),
         "count": {p: row[p] for p in windows}}
        for row in rows
    ]
    return result, table


def reason_label(reason: str) -> str:
    from moderation.models import Flag

    labels = dict(Flag.Reason.choices)
    return str(labels.get(reason, reason.replace("_", " ").capitalize() or _("Unspecified")))


def _digests(community_ids, windows) -> dict:
    sent = Outbox.objects.filter(kind=Outbox.Kind.DIGEST, status=Outbox.Status.SENT)
    clicks = DigestClick.objects.all()
    if community_ids is not None:
        sent = sent.filter(Exists(memberships_in(community_ids).filter(user=OuterRef("recipient"))))
        clicks = clicks.filter(thread__community_id__in=community_ids)
    clicked = Exists(clicks.filter(outbox=OuterRef("pk")))
    aggregates = {}
    for p, w in windows.items():
        aggregates[f"digests_sent__{p}"] = Count("pk", filter=_in("sent_at", w))
        aggregates[f"digests_clicked__{p}"] = Count("pk", filter=_in("sent_at", w) & Q(clicked))
    result = sent.aggregate(**aggregates)
    posted_soon = Exists(public_posts(community_ids).filter(
        author=OuterRef("user"), created_at__gte=OuterRef("created_at"),
        created_at__lte=ExpressionWrapper(OuterRef("created_at") + AFTER_CLICK,
                                          output_field=DateTimeField()),
    ))
    result.update(clicks.aggregate(**{
        f"digest_posted_after_click__{p}": Count(
            "user", distinct=True, filter=_in("created_at", w) & Q(posted_soon))
        for p, w in windows.items()
    }))
    for p in windows:
        result[f"digest_ctr__{p}"] = _pct(result[f"digests_clicked__{p}"],
                                          result[f"digests_sent__{p}"])
    return result


@dataclass
class Figures:
    period: Period
    previous: Period
    values: dict  # key -> {"cur": value, "prev": value}
    conversation: list
    moderation: list
    sources: list

    def value(self, key: str, p: str = "cur"):
        return self.values[key][p]


def figures(*, community_ids, period: Period) -> Figures:
    """Every figure of the dashboard for the period and the one before (20 queries)."""
    windows = _windows(period, period.previous())
    flat: dict = {}
    flat.update(_members(community_ids, windows))
    contributors, sources = _contributors_and_sources(community_ids, windows)
    flat.update(contributors)
    conversation, table = _conversation(community_ids, windows)
    flat.update(conversation)
    flat.update(_questions(community_ids, windows))
    flat.update(clinician_figures(community_ids, windows))
    safety, moderation = _safety(community_ids, windows)
    flat.update(safety)
    flat.update(_digests(community_ids, windows))
    from . import outcomes  # outcomes reads this module's querysets

    flat.update(outcomes.digest_returned(community_ids, windows))
    flat.update(outcomes.outcome_figures(community_ids, windows))
    for p in windows:
        flat[f"dau_mau__{p}"] = _pct(flat[f"active_daily__{p}"], flat[f"active_monthly__{p}"])
    values = {metric.key: {p: flat[f"{metric.key}__{p}"] for p in windows} for metric in METRICS}
    return Figures(period=period, previous=windows["prev"], values=values,
                   conversation=table, moderation=moderation, sources=sources)
