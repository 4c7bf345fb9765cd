"""What the education library, expert Q&A events and volunteer mentors bring (issue 19), for
the dashboard: counts in the period beside the previous one, in the selected communities
(None: all). Every figure counts members, so a count below the deployment's small-cell
threshold (insights.presenters.SMALL, the one the exports use) reads "fewer than N", and a
median or a share made from fewer than N members is not shown."""

from __future__ import annotations

import statistics
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import Membership, Post
from events.models import Question, Registration
from learn.models import ArticleLink, ArticleView, ArticleVote
from mentors.models import Welcome

from . import presenters

POSTED_WITHIN = timedelta(days=7)

LABELS = {
    "views": gettext_lazy("Article views by members"),
    "helpful": gettext_lazy("“Was this helpful?”: yes"),
    "not_helpful": gettext_lazy("“Was this helpful?”: no"),
    "started": gettext_lazy("Questions started from an article"),
    "registrations": gettext_lazy("Event registrations"),
    "attendance": gettext_lazy("Event attendance"),
    "asked": gettext_lazy("Event questions asked"),
    "answered": gettext_lazy("Event questions answered"),
    "wait": gettext_lazy("Median time to answer (minutes)"),
    "welcomes": gettext_lazy("Mentor welcomes sent"),
    "welcomed_posted": gettext_lazy("Welcomed new members who posted within 7 days"),
    "unwelcomed_posted": gettext_lazy("New members not welcomed who posted within 7 days"),
}


def _in(queryset, field: str, community_ids):
    if community_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": community_ids})


def _posted_within(memberships, community_field: str = "community") -> int:
    posted = Post.objects.filter(
        author=OuterRef("user"), thread__community=OuterRef(community_field),
        created_at__lte=OuterRef("joined_at") + POSTED_WITHIN)
    return memberships.annotate(p=Exists(posted)).filter(p=True).count()


def counts(*, community_ids, period) -> dict:
    """The raw figures of one period: counts, (part, whole) pairs and the median wait with the
    number of answers it is made from."""
    start, end = period.start, period.end
    views = _in(ArticleView.objects.filter(created_at__gte=start, created_at__lt=end),
                "article__community_id", community_ids)
    votes = _in(ArticleVote.objects.filter(created_at__gte=start, created_at__lt=end),
                "article__community_id", community_ids)
    started = _in(ArticleLink.objects.filter(started_here=True, created_at__gte=start,
                                             created_at__lt=end),
                  "post__thread__community_id", community_ids)
    registrations = _in(Registration.objects.filter(event__starts_at__gte=start,
                                                    event__starts_at__lt=end),
                        "event__community_id", community_ids)
    questions = _in(Question.objects.filter(event__starts_at__gte=start,
                                            event__starts_at__lt=end, status="published"),
                    "event__community_id", community_ids)
    answered = list(questions.filter(answered_at__isnull=False).values_list(
        "created_at", "answered_at", "event__starts_at"))
    waits = [(done - max(asked, starts)).total_seconds() / 60 for asked, done, starts in answered]
    welcomes = _in(Welcome.objects.filter(status="sent", created_at__gte=start,
                                          created_at__lt=end), "community_id", community_ids)
    new = _in(Membership.objects.filter(joined_at__gte=start, joined_at__lt=end,
                                        status="active"), "community_id", community_ids)
    welcomed_q = Exists(Welcome.objects.filter(member=OuterRef("user"),
                                               community=OuterRef("community"), status="sent"))
    welcomed = new.annotate(w=welcomed_q).filter(w=True)
    not_welcomed = new.annotate(w=welcomed_q).filter(w=False)
    return {
        "views": views.count(),
        "helpful": votes.filter(helpful=True).count(),
        "not_helpful": votes.filter(helpful=False).count(),
        "started": started.count(),
        "registrations": registrations.count(),
        "attendance": registrations.filter(attended_at__isnull=False).count(),
        "asked": questions.count(),
        "answered": len(answered),
        "wait": (round(statistics.median(waits)) if waits else None, len(waits)),
        "welcomes": welcomes.count(),
        "welcomed_posted": (_posted_within(welcomed), welcomed.count()),
        "unwelcomed_posted": (_posted_within(not_welcomed), not_welcomed.count()),
    }


def fewer_than() -> str:
    return _("fewer than %(n)s") % {"n": presenters.SMALL}


def shown(key: str, value) -> str:
    """A raw figure as the page shows it, small cells suppressed."""
    small = presenters.SMALL
    if key == "wait":
        median, made_of = value
        if made_of == 0:
            return "–"
        return fewer_than() if made_of < small else str(median)
    if isinstance(value, tuple):
        part, whole = value
        if whole == 0:
            return "0 / 0"
        if whole < small:
            return fewer_than()
        return f"{part if part >= small or part == 0 else fewer_than()} / {whole}"
    if 0 < value < small:
        return fewer_than()
    return str(value)


def figures(*, community_ids, period) -> list[dict]:
    """One row per figure: label, this period and the previous one, as shown."""
    now = counts(community_ids=community_ids, period=period)
    before = counts(community_ids=community_ids, period=period.previous())
    return [{"key": key, "label": label, "cur": shown(key, now[key]),
             "prev": shown(key, before[key])} for key, label in LABELS.items()]
