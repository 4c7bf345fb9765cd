"""Who may see, schedule, register for, ask at and answer an event. An event lives in a
community: whoever may not read the community sees none of its events or questions (404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.permissions import is_in_good_standing, is_staff_member, is_verified_clinician
from community import permissions as forum
from community.models import Community

from .models import Event, Question


def can_view_event(user, event: Event) -> bool:
    return forum.can_view_community(user, event.community)


def can_preview_event(event: Event) -> bool:
    """A shared link to an event shows a card (title, description, image) unless it was
    cancelled, and only in a public community."""
    return event.status != Event.Status.CANCELLED and forum.can_preview_community(event.community)


def can_schedule_in(user, community: Community) -> bool:
    """Staff schedule events (and edit or cancel them)."""
    return is_in_good_standing(user) and is_staff_member(user)


def can_edit_event(user, event: Event) -> bool:
    """Staff edit an event until it is cancelled (an archived one too: a typo in its title)."""
    return (
        event.status == Event.Status.SCHEDULED
        and can_schedule_in(user, event.community)
    )


def can_cancel_event(user, event: Event) -> bool:
    return (
        can_edit_event(user, event)
        and event.phase() != "archived"
    )


def can_be_expert(user) -> bool:
    return is_verified_clinician(user) and is_in_good_standing(user)


def can_moderate_event(user, event: Event) -> bool:
    return is_in_good_standing(user) and forum.can_moderate_community(user, event.community)


def can_register(user, event: Event) -> bool:
    return (
        event.phase() != "archived"
        and can_view_event(user, event)
        and forum.can_post_in(user, event.community)
    )


def can_ask(user, event: Event) -> bool:
    """Questions are taken before the event and during it, from members of the community."""
    return can_register(user, event)


def can_answer(user, event: Event) -> bool:
    return (
        is_in_good_standing(user)
        and event.expert_id == user.pk
        and can_view_event(user, event)
        and event.status == Event.Status.SCHEDULED
    )


def can_view_question(user, question: Question) -> bool:
    event = question.event
    if not can_view_event(user, event):
        return False
    if question.status == Question.Status.PUBLISHED:
        return True
    if can_moderate_event(user, event):
        return True
    return (question.status == Question.Status.HELD and user.is_authenticated
            and question.author_id == user.pk)


def can_vote(user, question: Question) -> bool:
    return (
        question.status == Question.Status.PUBLISHED
        and question.author_id != user.pk
        and question.event.phase() != "archived"
        and can_view_event(user, question.event)
        and forum.can_post_in(user, question.event.community)
    )


def can_see_author(user, question: Question) -> bool:
    if not question.is_anonymous:
        return True
    if user.is_authenticated and question.author_id == user.pk:
        return True
    return can_moderate_event(user, question.event)


# --- Querysets ----------------------------------------------------------------------------


def events_visible_to(user, queryset: QuerySet[Event] | None = None) -> QuerySet[Event]:
    queryset = Event.objects.all() if queryset is None else queryset
    return queryset.filter(community__in=forum.communities_visible_to(user).values("pk"))


def questions_visible_in(user, event: Event, queryset: QuerySet[Question]) -> QuerySet[Question]:
    """The questions of one (already visible) event that this member may read."""
    if can_moderate_event(user, event):
        return queryset
    condition = Q(status=Question.Status.PUBLISHED)
    if user.is_authenticated:
        condition |= Q(status=Question.Status.HELD, author=user)
    return queryset.filter(condition)
