"""Who a member is, for every other check in Hearth. Templates and views ask these."""

from __future__ import annotations

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
    """Signed in, active, neither banned nor suspended: may write."""
    return bool(
        user.is_authenticated and user.is_active and not user.is_banned and not user.is_suspended
    )


def can_read_as_member(user: User) -> bool:
    """Signed in, active and not banned (a suspended member can still read)."""
    return bool(user.is_authenticated and user.is_active and not user.is_banned)
