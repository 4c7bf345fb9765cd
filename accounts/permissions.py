"""Who a member is, for every other check in Hearth. Templates and views ask these."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ClinicianProfile, User


def is_staff_member(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def is_verified_clinician(user: User) -> bool:
    if not user.is_authenticated:
        return False
    try:
        profile = user.clinician
    except ClinicianProfile.DoesNotExist:
        return False
    return profile.status == ClinicianProfile.Status.VERIFIED


def is_in_good_standing(user: User) -> bool:
    """Signed in, active, neither banned nor suspended: may write (and be emailed)."""
    return bool(
        user.is_authenticated and user.is_active and not user.is_banned and not user.is_suspended
    )


def in_good_standing(queryset: QuerySet[User]) -> QuerySet[User]:
    """The queryset twin of ``is_in_good_standing``."""
    return queryset.filter(is_active=True, banned_at__isnull=True).filter(
        Q(suspended_until__isnull=True) | Q(suspended_until__lte=timezone.now()))


def is_new_member(user: User | None) -> bool:
    """Joined less than ``HEARTH_NEW_MEMBER_DAYS`` ago (or no account): posts more slowly and
    may not post links yet."""
    return user is None or user.date_joined > timezone.now() - timedelta(
        days=settings.HEARTH_NEW_MEMBER_DAYS)


def can_read_as_member(user: User) -> bool:
    """Signed in, active and not banned (a suspended member can still read)."""
    return bool(user.is_authenticated and user.is_active and not user.is_banned)


def is_moderator(user: User) -> bool:
    """Moderates at least one community. Asked through the reverse relation so that accounts
    needs no import of community (one query)."""
    if not can_read_as_member(user):
        return False
    return user.memberships.filter(role="moderator", status="active").exists()


def role_of(user: User) -> str:
    """The member's highest role: "staff", "moderator", "clinician", "member" or "visitor"."""
    if not user.is_authenticated:
        return "visitor"
    if is_staff_member(user):
        return "staff"
    if is_moderator(user):
        return "moderator"
    if is_verified_clinician(user):
        return "clinician"
    return "member"


def requires_mfa(user: User) -> bool:
    """Staff, moderators, verified clinicians and the patient-experience team (who read
    members' requests to the hospital) must enrol in MFA before privileged pages."""
    from messaging.permissions import is_patient_experience

    return (is_staff_member(user) or is_verified_clinician(user) or is_moderator(user)
            or is_patient_experience(user))


def has_mfa(user: User) -> bool:
    if not user.is_authenticated:
        return False
    from allauth.mfa.adapter import get_adapter

    return get_adapter().is_mfa_enabled(user)


def can_review_clinicians(user: User) -> bool:
    return is_staff_member(user)


def can_apply_as_clinician(user: User) -> bool:
    return is_in_good_standing(user)


def profile_field_visible(viewer: User, member: User, visibility: str) -> bool:
    """May `viewer` see a profile field of `member` whose setting is `visibility`?"""
    if viewer.is_authenticated and viewer.pk == member.pk:
        return True
    if visibility == User.Visibility.EVERYONE:
        return True
    if visibility == User.Visibility.MEMBERS:
        return can_read_as_member(viewer)
    return False


def can_download_export(user: User, export) -> bool:
    return bool(user.is_authenticated and export.user_id == user.pk)
