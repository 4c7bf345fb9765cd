"""Counts of the dashboard read from the stored daily figures (DailyMetric, issue 24): the
days rolled up come from their rows, the days after the latest rolled-up day (today) from
the forum's rows of those days only. The same definitions as the rollup's (rollup.py), so
a stored day and a live day count alike."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Q, Sum

from accounts.models import ClinicianProfile
from community.models import Community, Reaction

from . import facts
from .definitions import public_post, public_posts, published_threads, reactions_in
from .models import DailyMetric
from .periods import Period

CONVERSATION = ("threads", "replies", "reactions")
CLINICIAN = ("clinician_answers", "clinician_helpful")


def split(windows) -> tuple[Period | None, Period | None]:
    """(the stored days, the live days) of the windows' span."""
    first = min(w.first_day for w in windows.values())
    last = max(w.last_day for w in windows.values())
    live = facts.live_days(last)
    if live is None:
        return Period(first, last), None
    live = Period(max(live.first_day, first), live.last_day) if live.last_day >= first else None
    stored_last = (live.first_day - timedelta(days=1)) if live else last
    return (Period(first, stored_last) if stored_last >= first else None), live


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _overlap(a: Period, b: Period | None) -> Period | None:
    if b is None:
        return None
    first, last = max(a.first_day, b.first_day), min(a.last_day, b.last_day)
    return Period(first, last) if first <= last else None


def daily_counts(community_ids, windows, names) -> dict:
    """{community id: {name: {window: count}}}: stored days from DailyMetric (one query),
    the live days from the forum (two grouped queries over those days)."""
    stored, live = split(windows)
    result: dict = defaultdict(lambda: {name: dict.fromkeys(windows, 0) for name in names})
    if stored is not None:
        rows = DailyMetric.objects.filter(date__gte=stored.first_day,
                                          date__lte=stored.last_day, name__in=list(names),
                                          community__isnull=False)
        if community_ids is not None:
            rows = rows.filter(community_id__in=community_ids)
        sums = {p: Sum("value", filter=Q(date__gte=w.first_day, date__lte=w.last_day))
                for p, w in windows.items()}
        for row in rows.values("community_id", "name").annotate(**sums).order_by():
            for p in windows:
                result[row["community_id"]][row["name"]][p] += row[p] or 0
    if live is not None:
        parts = {p: _overlap(w, live) for p, w in windows.items()}
        posts = {}
        for p, part in parts.items():
            when = _in("created_at", part) if part else Q(pk__in=[])
            posts[f"threads__{p}"] = Count("pk", filter=when & Q(position=1))
            posts[f"replies__{p}"] = Count("pk", filter=when & Q(position__gt=1))
            posts[f"clinician_answers__{p}"] = Count("pk", filter=when
                                                     & Q(is_clinician_answer=True))
        for row in (public_posts(community_ids).filter(_in("created_at", live))
                    .values("thread__community_id").annotate(**posts).order_by()):
            for name in set(names) & {"threads", "replies", "clinician_answers"}:
                for p in windows:
                    result[row["thread__community_id"]][name][p] += row[f"{name}__{p}"]
        reactions = {}
        for p, part in parts.items():
            when = _in("created_at", part) if part else Q(pk__in=[])
            reactions[f"reactions__{p}"] = Count("pk", filter=when)
            reactions[f"clinician_helpful__{p}"] = Count("pk", filter=when & Q(
                kind=Reaction.Kind.HELPFUL, post__is_clinician_answer=True))
        for row in (reactions_in(community_ids).filter(_in("created_at", live))
                    .values("post__thread__community_id").annotate(**reactions).order_by()):
            for name in set(names) & {"reactions", "clinician_helpful"}:
                for p in windows:
                    result[row["post__thread__community_id"]][name][p] += row[f"{name}__{p}"]
    return result


def conversation(community_ids, windows, counts=None) -> tuple[dict, list]:
    """Discussions started, replies and reactions, in total and per community (a community
    is listed when it had posts in either window). `counts`: daily_counts of these names
    (and others) already read."""
    if counts is None:
        counts = daily_counts(community_ids, windows, CONVERSATION)
    names = dict(Community.objects.filter(pk__in=list(counts) or [0])  # one query, always
                 .values_list("pk", "name"))
    totals = {f"{name}__{p}": sum(c[name][p] for c in counts.values())
              for name in CONVERSATION for p in windows}
    table = []
    for cid in sorted((cid for cid, c in counts.items()
                       if any(c["threads"][p] + c["replies"][p] for p in windows)),
                      key=lambda cid: names.get(cid, "")):
        c = counts[cid]
        entry = {"community": names.get(cid), "community_id": cid,
                 "threads": c["threads"], "replies": c["replies"], "reactions": c["reactions"],
                 "share": {}}
        for p in windows:
            whole = totals[f"threads__{p}"] + totals[f"replies__{p}"]
            posts = c["threads"][p] + c["replies"][p]
            entry["share"][p] = None if not whole else round(100 * posts / whole, 1)
        table.append(entry)
    return totals, table


def clinicians(community_ids, windows, counts=None) -> dict:
    """Active clinicians (from the stored facts), answers and Helpful reactions to them (the
    daily figures), accepted answers (one query over the threads). `counts`: daily_counts
    of these names (and others) already read."""
    if counts is None:
        counts = daily_counts(community_ids, windows, CLINICIAN)
    result = {f"{name}__{p}": sum(c[name][p] for c in counts.values())
              for name in CLINICIAN for p in windows}
    scopes = facts.scopes(community_ids)
    live = facts.live_activity(min(w.first_day for w in windows.values()),
                               max(w.last_day for w in windows.values()))
    verified = ClinicianProfile.objects.filter(status=ClinicianProfile.Status.VERIFIED)
    result.update(verified.aggregate(**{
        f"clinicians_active__{p}": Count("pk", filter=Q(user_id__in=facts.posted_user_ids(
            scopes, w, live, among=verified.values("user_id"))))
        for p, w in windows.items()
    }))
    accepted = published_threads(community_ids).filter(
        # said on the thread too: the planner may start from the threads with an accepted
        # post (their index) instead of reading the windows' posts (a scan at 100k members)
        public_post("accepted_post__"), accepted_post__isnull=False,
        accepted_post__is_clinician_answer=True,
        # the windows' answers only: read from the posts' (screening, created_at) index
        accepted_post__created_at__gte=min(w.start for w in windows.values()),
        accepted_post__created_at__lt=max(w.end for w in windows.values()))
    result.update(accepted.aggregate(**{
        f"clinician_accepted__{p}": Count("pk", filter=_in("accepted_post__created_at", w))
        for p, w in windows.items()
    }))
    return result
