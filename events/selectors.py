"""Reads of events that pages and search share."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone

from community.models import Community
from community.search import RESULTS, _mark, _snippet

from . import permissions
from .models import Event, Question


def events_of(*, user, community: Community) -> tuple[list[Event], list[Event]]:
    """(upcoming and live, soonest first; archived, latest first)."""
    now = timezone.now()
    rows = permissions.events_visible_to(user, Event.objects.filter(community=community))
    upcoming = list(rows.filter(ends_at__gt=now, status=Event.Status.SCHEDULED)
                    .select_related("expert__clinician").order_by("starts_at")[:50])
    past = list(rows.filter(Q(ends_at__lte=now) | Q(status=Event.Status.CANCELLED))
                .select_related("expert__clinician").order_by("-starts_at")[:50])
    return upcoming, past


def questions_for(*, user, event: Event) -> list[Question]:
    rows = permissions.questions_visible_in(user, event, event.questions.select_related(
        "author"))
    questions = list(rows.order_by(F("order").asc(nulls_last=True), "-vote_count",
                                   "created_at")[:300])
    for question in questions:
        question.show_author = permissions.can_see_author(user, question)
    return questions


def search_questions(*, user, query: str, community: Community | None = None) -> list[Question]:
    """Archived Q&As: answered, published questions of events the searcher may see."""
    events = permissions.events_visible_to(user).filter(ends_at__lte=timezone.now())
    if community is not None:
        events = events.filter(community=community)
    results = list(
        Question.objects.filter(event__in=events, status=Question.Status.PUBLISHED,
                                answered_at__isnull=False)
        .filter(Q(body__icontains=query) | Q(answer__icontains=query))
        .select_related("event__community").order_by("-answered_at")[:RESULTS])
    for question in results:
        question.snippet_html = _mark(_snippet(question.body + "\n" + question.answer, query))
    return results


def archives_for_digest(*, community_ids, since, now) -> dict[int, list[Event]]:
    """For digests: events of these communities that ended between `since` and `now` with at
    least one published answer, by community, each with `answered` (one query). The digest
    asks events.permissions for each member."""
    rows = (
        Event.objects.filter(community_id__in=community_ids, status=Event.Status.SCHEDULED,
                             ends_at__gte=since, ends_at__lte=now)
        .annotate(answered=Count("questions", filter=Q(
            questions__status=Question.Status.PUBLISHED, questions__answered_at__isnull=False)))
        .filter(answered__gt=0)
        .select_related("community", "expert")
        .order_by("-ends_at", "pk")
    )
    found: dict[int, list[Event]] = {}
    for event in rows:
        found.setdefault(event.community_id, []).append(event)
    return found
