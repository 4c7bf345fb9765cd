"""Joining, leaving and membership levels of communities."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import (
    can_read_as_member,
)
from hearth.lib.signals import send_on_commit

from .. import live, permissions, signals
from ..models import (
    Community,
    Membership,
)


def community_join(*, user: User, community: Community) -> Membership:
    if not can_read_as_member(user):
        raise PermissionDenied
    status = (
        Membership.Status.PENDING if community.is_private else Membership.Status.ACTIVE
    )
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, community=community, defaults={"status": status}
        )
        if created and status == Membership.Status.ACTIVE:
            Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
            send_on_commit(signals.member_joined, sender=Membership, membership=membership)
    permissions.forget_memberships(user)
    return membership


def membership_approve(*, moderator: User, membership: Membership) -> Membership:
    if not permissions.can_moderate_community(moderator, membership.community):
        raise Http404
    with transaction.atomic():
        updated = Membership.objects.filter(
            pk=membership.pk, status=Membership.Status.PENDING
        ).update(status=Membership.Status.ACTIVE, joined_at=timezone.now())
        if updated:
            permissions.forget_kept_memberships(membership.user_id)
            Community.objects.filter(pk=membership.community_id).update(
                member_count=F("member_count") + 1
            )
            membership.status = Membership.Status.ACTIVE
            send_on_commit(signals.member_joined, sender=Membership, membership=membership)
    return membership


def membership_decline(*, moderator: User, membership: Membership) -> None:
    if not permissions.can_moderate_community(moderator, membership.community):
        raise Http404
    Membership.objects.filter(pk=membership.pk, status=Membership.Status.PENDING).delete()


def community_leave(*, user: User, community: Community) -> None:
    with transaction.atomic():
        membership = Membership.objects.filter(user=user, community=community).first()
        if membership is None:
            return
        was_active = membership.status == Membership.Status.ACTIVE
        membership.delete()
        if was_active:
            Community.objects.filter(pk=community.pk).update(member_count=F("member_count") - 1)
    permissions.forget_memberships(user)
    live.recheck_member_sockets_on_commit(user_id=user.pk)


def membership_set_level(*, user: User, community: Community, level: str) -> Membership:
    if level not in Membership.Level.values:
        raise ValidationError(_("Choose watching, normal or muted."))
    membership = permissions.active_membership(user, community)
    if membership is None:
        raise Http404
    membership.level = level
    membership.save(update_fields=["level"])
    return membership
