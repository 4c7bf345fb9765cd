"""Who may apply as a volunteer mentor, review applications, open a mentor's queue and send a
welcome. A mentor is a member of the community appointed by staff; mentors follow the same
guidelines and screening as everyone."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.permissions import is_in_good_standing, is_staff_member
from community import permissions as forum
from community.models import Community, Membership

from .models import MentorApplication, Welcome

NEW_MEMBER_DAYS = 14


def mentor_community_ids(user) -> set[int]:
    """Communities the member mentors (one query, kept on the user object)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_hearth_mentoring", None)
    if cached is None:
        cached = set(MentorApplication.objects.filter(
            user=user, status=MentorApplication.Status.APPROVED).values_list(
            "community_id", flat=True))
        user._hearth_mentoring = cached
    return cached


def is_mentor(user, community: Community) -> bool:
    return (
        is_in_good_standing(user)
        and forum.is_member(user, community)
        and community.pk in mentor_community_ids(user)
    )


def can_apply(user, community: Community) -> bool:
    return is_in_good_standing(user) and forum.is_member(user, community)


def can_review_mentors(user) -> bool:
    return is_staff_member(user) and is_in_good_standing(user)


def can_open_queue(user, community: Community) -> bool:
    return forum.can_view_community(user, community) and is_mentor(user, community)


def is_new_unposted(member, community: Community) -> bool:
    """Joined the community in the last 14 days and has not posted in it."""
    membership = Membership.objects.filter(user=member, community=community,
                                           status=Membership.Status.ACTIVE).first()
    if membership is None:
        return False
    if membership.joined_at < timezone.now() - timedelta(days=NEW_MEMBER_DAYS):
        return False
    return not member.posts.filter(thread__community=community).exists()


def can_welcome(mentor, member, community: Community) -> bool:
    return (
        mentor.pk != member.pk
        and can_open_queue(mentor, community)
        and is_new_unposted(member, community)
        and not Welcome.objects.filter(member=member, community=community).exists()
    )
