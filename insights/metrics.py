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
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.translation import gettext_lazy as _

from accounts.models import ClinicianProfile, User
from community.models import Reaction, Thread, ThreadRead
from moderation.models import ModerationItem
from notifications.models import DigestClick, Outbox

from . import definitions, facts, stored
from . import windows as window_counts
from .definitions import memberships_in, public_posts, published_threads
from .periods import Period
from .sources import SOURCES, normalise_source
from .stats import durations_percentiles

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


# --- Querysets of what counts: insights.definitions (one rule each) ------------------------


def members(community_ids) -> QuerySet[User]:
    """Members, with `joined`: when they created their account, or joined the community."""
    qs = definitions.members()
    if community_ids is None:
        return qs.annotate(joined=F("date_joined"))
    mine = memberships_in(community_ids).filter(user=OuterRef("pk"))
    return qs.filter(Exists(mine)).annotate(
        joined=Subquery(mine.order_by("joined_at").values("joined_at")[:1])
    )


# --- The figures ----------------------------------------------------------------------------

SPANS = {"daily": 1, "weekly": 7, "monthly": 30}


def _live(windows) -> tuple | None:
    """Activity of the days in the windows not rolled up yet (today), with the first posts of
    those days' authors."""
    first = min(w.last_day - timedelta(days=SPANS["monthly"] - 1) for w in windows.values())
    first = min(first, *(w.first_day for w in windows.values()))
    activity = facts.live_activity(first, max(w.last_day for w in windows.values()))
    return None if activity is None else (activity, facts.first_posts_of(activity))


def _member_facts(community_ids, windows) -> dict:
    """Active members, new and returning contributors per window and source (one query over
    the stored facts)."""
    active = {}
    for p, w in windows.items():
        for span, days in SPANS.items():
            active[f"{p}_{span}"] = Period(w.last_day - timedelta(days=days - 1), w.last_day)
        active[f"{p}_period"] = w
    scopes = facts.scopes(community_ids)
    if len(scopes) == 1:  # all communities, or one: the stored window counts (windows.py)
        stored = window_counts.counts(scopes, active, windows)
        if stored is not None:
            return stored[scopes[0]]
    return facts.member_counts(community_ids, active, windows,
                               live=_live(windows))


def member_rows(community_ids, period: Period) -> list[dict]:
    """The members (of the communities) by sign-up source and language, with the sign-ups
    of the period and the one before (`signups__cur`, `signups__prev`) and the members at
    each one's end (`members_total__cur`, ...): one pass over the accounts, read once per
    request (the figures' sign-ups and totals and reach's members by language need it)."""
    memo = facts._REQUEST.get()
    key = ("member_rows", None if community_ids is None else frozenset(community_ids), period)
    if memo is not None and key in memo:
        return memo[key]
    windows = _windows(period, period.previous())
    aggregates = {}
    for p, w in windows.items():
        aggregates[f"signups__{p}"] = Count("pk", filter=_in("date_joined", w))
        aggregates[f"members_total__{p}"] = Count("pk", filter=Q(date_joined__lt=w.end))
    members = definitions.members()
    if community_ids is not None:
        members = members.filter(
            Exists(memberships_in(community_ids).filter(user=OuterRef("pk"))))
    rows = list(members.values("signup_source", "language").annotate(**aggregates)
                .order_by())
    if memo is not None:
        memo[key] = rows
    return rows


def _signup_rows(community_ids, windows) -> list[dict]:
    """Sign-ups per source and window, from member_rows (for all communities the members at
    each window's end too: members' `joined` is then `date_joined`, and the new members are
    the sign-ups)."""
    by_source: dict = {}
    for row in member_rows(community_ids, windows["cur"]):
        bucket = by_source.setdefault(row["signup_source"],
                                      {"signup_source": row["signup_source"]})
        for p in windows:
            for name in ("signups", "members_total"):
                bucket[f"{name}__{p}"] = bucket.get(f"{name}__{p}", 0) + row[f"{name}__{p}"]
    return list(by_source.values())


def _members(community_ids, windows, counts, signups) -> dict:
    if community_ids is None:
        result = {}
        for p in windows:
            result[f"members_total__{p}"] = sum(row[f"members_total__{p}"] for row in signups)
            result[f"members_new__{p}"] = sum(row[f"signups__{p}"] for row in signups)
    else:
        # each member's first joining of these communities, from their memberships grouped
        # by member (one pass), not a look-up per member and window
        aggregates = {}
        for p, w in windows.items():
            aggregates[f"members_total__{p}"] = Count("user_id", filter=Q(joined__lt=w.end))
            aggregates[f"members_new__{p}"] = Count("user_id", filter=_in("joined", w))
        result = (memberships_in(community_ids)
                  .exclude(user_id__in=definitions.not_members().values("pk"))
                  .values("user_id").annotate(joined=Min("joined_at")).order_by()
                  .aggregate(**aggregates))
    for p in windows:
        for span in [*SPANS, "period"]:
            result[f"active_{span}__{p}"] = sum(
                row[f"active:{p}_{span}"] for row in counts.values())
    return result


def _contributors_and_sources(windows, counts, signups) -> tuple[dict, list]:
    by_source = {source: {} for source in SOURCES}
    totals: dict = {}

    def add(source, key, value):
        bucket = by_source[normalise_source(source)]
        bucket[key] = bucket.get(key, 0) + value
        totals[key] = totals.get(key, 0) + value

    for row in signups:
        for p in windows:
            add(row["signup_source"], f"signups__{p}", row[f"signups__{p}"])
    for source, row in counts.items():
        for p in windows:
            add(source, f"contributors_new__{p}", row[f"new:{p}"])
            add(source, f"contributors_returning__{p}", row[f"returning:{p}"])
    for p in windows:
        for key in ("signups", "contributors_new", "contributors_returning"):
            totals.setdefault(f"{key}__{p}", 0)
    sources = [
        {"source": source,
         "signups": {p: by_source[source].get(f"signups__{p}", 0) for p in windows},
         "first_posts": {p: by_source[source].get(f"contributors_new__{p}", 0)
                         for p in windows}}
        for source in SOURCES
    ]
    return totals, sources


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
    asked_in = {p: _in("created_at", w) for p, w in windows.items()}
    times = durations_percentiles(questions, {  # one query for both
        "reply": ("created_at", "first_reply_at", asked_in, (0.5, 0.9)),
        "clinician": ("created_at", "first_clinician_answer_at", asked_in, (0.5, 0.9))})
    reply, clinician = times["reply"], times["clinician"]
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
    """One clinician's answers, accepted answers, Helpful received and members reached
    (three queries over their own posts: "my impact"). The dashboard's figures for all
    clinicians come from the stored figures (stored.clinicians, clinician_reached)."""
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
    result.update(clinician_reached(community_ids, windows, author=author))
    return result


def clinician_reached(community_ids, windows, *, author=None) -> dict:
    """Different members who opened a discussion after a clinician answered in it (one
    query over the reads)."""
    answers = public_posts(community_ids).filter(is_clinician_answer=True)
    if author is not None:
        answers = answers.filter(author=author)
    reads = ThreadRead.objects.filter(user__is_staff=False)
    reached = {}
    for p, w in windows.items():
        read_after = answers.filter(
            thread=OuterRef("thread"), created_at__gte=w.start, created_at__lt=w.end,
            created_at__lte=OuterRef("last_visit_at"),
        ).exclude(author=OuterRef("user"))
        reached[f"clinician_reached__{p}"] = Count("user", distinct=True,
                                                   filter=Q(Exists(read_after)))
    return reads.aggregate(**reached)


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
    crisis = Q(kind=ModerationItem.Kind.CRISIS)
    times = durations_percentiles(  # one query for both
        items.filter(created_at__gte=earliest, created_at__lt=latest), {
            "resolve": ("created_at", "resolved_at",
                        {p: _in("created_at", w) for p, w in windows.items()}, (0.5,)),
            "first_action": ("created_at", "first_action_at",
                             {p: _in("created_at", w) & crisis for p, w in windows.items()},
                             (0.5,))})
    resolve, first_action = times["resolve"], times["first_action"]
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
    # with the members (not staff) who came back through a digest: the same clicks, one read
    aggregates = {}
    for p, w in windows.items():
        aggregates[f"digest_posted_after_click__{p}"] = Count(
            "user", distinct=True, filter=_in("created_at", w) & Q(posted_soon))
        aggregates[f"digest_returned__{p}"] = Count(
            "user", distinct=True, filter=_in("created_at", w) & Q(user__is_staff=False))
    result.update(clicks.aggregate(**aggregates))
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
    counts = _member_facts(community_ids, windows)
    signups = _signup_rows(community_ids, windows)
    flat.update(_members(community_ids, windows, counts, signups))
    contributors, sources = _contributors_and_sources(windows, counts, signups)
    flat.update(contributors)
    # the conversation's and the clinicians' daily figures in one read (and today's posts
    # and reactions once)
    daily = stored.daily_counts(community_ids, windows, (*stored.CONVERSATION, *stored.CLINICIAN))
    conversation, table = stored.conversation(community_ids, windows, daily)
    flat.update(conversation)
    flat.update(_questions(community_ids, windows))
    flat.update(stored.clinicians(community_ids, windows, daily))
    flat.update(clinician_reached(community_ids, windows))
    safety, moderation = _safety(community_ids, windows)
    flat.update(safety)
    flat.update(_digests(community_ids, windows))
    from . import outcomes  # outcomes reads this module's querysets

    flat.update(outcomes.outcome_figures(community_ids, windows))
    for p in windows:
        flat[f"dau_mau__{p}"] = _pct(flat[f"active_daily__{p}"], flat[f"active_monthly__{p}"])
    values = {metric.key: {p: flat[f"{metric.key}__{p}"] for p in windows} for metric in METRICS}
    return Figures(period=period, previous=windows["prev"], values=values,
                   conversation=table, moderation=moderation, sources=sources)
