"""What the education library, expert Q&A events and volunteer mentors bring (issue 19), for
the dashboard: counts in the period, in the selected communities (None: all)."""

from __future__ import annotations

import statistics
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from community.models import Membership, Post
from events.models import Question, Registration
from learn.models import ArticleLink, ArticleView, ArticleVote
from mentors.models import Welcome

POSTED_WITHIN = timedelta(days=7)


def _in(queryset, field: str, community_ids):
    if community_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": community_ids})


def _posted_within(memberships, community_field: str = "community") -> int:
    posted = Post.objects.filter(
        author=OuterRef("user"), thread__community=OuterRef(community_field),
        created_at__lte=OuterRef("joined_at") + POSTED_WITHIN)
    return memberships.annotate(p=Exists(posted)).filter(p=True).count()


def figures(*, community_ids, period) -> list[tuple[str, object]]:
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
    return [
        (_("Article views by members"), views.count()),
        (_("“Was this helpful?”: yes"), votes.filter(helpful=True).count()),
        (_("“Was this helpful?”: no"), votes.filter(helpful=False).count()),
        (_("Questions started from an article"), started.count()),
        (_("Event registrations"), registrations.count()),
        (_("Event attendance"), registrations.filter(attended_at__isnull=False).count()),
        (_("Event questions asked"), questions.count()),
        (_("Event questions answered"), len(answered)),
        (_("Median time to answer (minutes)"),
         round(statistics.median(waits)) if waits else "–"),
        (_("Mentor welcomes sent"), welcomes.count()),
        (_("Welcomed new members who posted within 7 days"),
         f"{_posted_within(welcomed)} / {welcomed.count()}"),
        (_("New members not welcomed who posted within 7 days"),
         f"{_posted_within(not_welcomed)} / {not_welcomed.count()}"),
    ]

