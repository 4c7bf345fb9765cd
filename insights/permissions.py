"""Who may see which figures. Views, exports, the JSON endpoint and the nav ask these.

Staff see every community; a community moderator sees the communities they moderate;
a verified clinician sees their own impact page; everyone else gets a 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from accounts.models import ClinicianProfile, User
from accounts.permissions import can_read_as_member, is_staff_member, is_verified_clinician
from community.models import Community, Membership
from community.permissions import moderated_community_ids


def insight_community_ids(user) -> set[int] | None:
    """Communities whose figures the user may see: None means all (staff); empty means none."""
    return moderated_community_ids(user)


def can_view_insights(user) -> bool:
    ids = insight_community_ids(user)
    return ids is None or bool(ids)


def can_view_community_insights(user, community: Community) -> bool:
    ids = insight_community_ids(user)
    return ids is None or community.pk in ids


def can_view_own_impact(user) -> bool:
    """Whose work the page measures: verified clinicians (their answers, articles and
    events), staff who wrote articles, and volunteer mentors (their welcomes)."""
    return (
        is_verified_clinician(user)
        or _is_mentor_anywhere(user)
        or is_staff_member(user) and _has_written_articles(user)
    )


def _is_mentor_anywhere(user) -> bool:
    from mentors.permissions import mentor_community_ids

    return bool(mentor_community_ids(user))


def _has_written_articles(user) -> bool:
    from learn.models import Article

    return Article.objects.filter(author=user).exists()


def insights_nav_target(user) -> str | None:
    """"dashboard", "impact" or None, in one query (none for staff and visitors).

    The nav asks this once, at login (the answer is kept in the session, see
    insights/context_processors.py), so pages pay nothing for it."""
    if not user.is_authenticated:
        return None
    if is_staff_member(user):
        return "dashboard"
    if not can_read_as_member(user):
        return None
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            is_moderator=Exists(Membership.objects.filter(
                user=OuterRef("pk"), role=Membership.Role.MODERATOR,
                status=Membership.Status.ACTIVE,
            )),
            is_clinician=Exists(ClinicianProfile.objects.filter(
                user=OuterRef("pk"), status=ClinicianProfile.Status.VERIFIED,
            )),
        )
        .values("is_moderator", "is_clinician")
        .first()
    )
    if row is None:
        return None
    if row["is_moderator"]:
        return "dashboard"
    if row["is_clinician"]:
        return "impact"
    return None


def can_manage_campaigns(user) -> bool:
    """Campaign links and their figures page are for staff (they post for the health system)."""
    return is_staff_member(user)


def can_subscribe_report(user) -> bool:
    """The monthly report by email is for staff (it covers every community)."""
    return is_staff_member(user)
