"""Who may moderate what. Community moderators act in their communities, staff everywhere."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.permissions import is_in_good_standing, is_staff_member
from community import permissions as forum
from community.models import Community

from .models import AuditLog, ModerationItem, WatchedWord


def can_use_queue(user) -> bool:
    return is_in_good_standing(user) and forum.is_moderator_anywhere(user)


def can_act_on_community(user, community) -> bool:
    return is_in_good_standing(user) and forum.can_moderate_community(user, community)


def can_act_on_item(user, item: ModerationItem) -> bool:
    if item.kind == ModerationItem.Kind.CLINICIAN:
        return is_staff_member(user)
    if item.community is None:
        return is_staff_member(user)
    return can_act_on_community(user, item.community)


def items_visible_to(user, queryset: QuerySet[ModerationItem] | None = None):
    queryset = ModerationItem.objects.all() if queryset is None else queryset
    if not can_use_queue(user):
        return queryset.none()
    communities = forum.moderated_community_ids(user)
    if communities is None:
        return queryset
    return queryset.filter(community_id__in=communities).exclude(
        kind=ModerationItem.Kind.CLINICIAN
    )


def audit_visible_to(user, queryset: QuerySet[AuditLog] | None = None):
    queryset = AuditLog.objects.all() if queryset is None else queryset
    if not can_use_queue(user):
        return queryset.none()
    communities = forum.moderated_community_ids(user)
    if communities is None:
        return queryset
    return queryset.filter(Q(community_id__in=communities))


def can_export_audit(user) -> bool:
    return is_staff_member(user)


def can_manage_words(user) -> bool:
    """The watched-words page: staff (every word) and community moderators (their
    communities' words), as for the rest of moderation."""
    return is_staff_member(user) or can_use_queue(user)


def can_manage_words_of(user, community) -> bool:
    """Add or remove a word for one community; None (every community) is staff's alone."""
    if is_staff_member(user):
        return True
    return community is not None and can_act_on_community(user, community)


def words_visible_to(user, queryset: QuerySet[WatchedWord] | None = None):
    queryset = WatchedWord.objects.all() if queryset is None else queryset
    if not can_manage_words(user):
        return queryset.none()
    communities = forum.moderated_community_ids(user)
    if communities is None:
        return queryset
    return queryset.filter(community_id__in=communities)


def word_communities(user) -> QuerySet[Community]:
    """The communities whose watched words this member manages."""
    communities = forum.moderated_community_ids(user)
    if communities is None:
        return Community.objects.order_by("name")
    if not can_manage_words(user):
        return Community.objects.none()
    return Community.objects.filter(pk__in=communities).order_by("name")


def can_view_member_record(user, member) -> bool:
    """The member page (history, staff notes): staff see anyone; a moderator sees the members
    they may act on."""
    return is_staff_member(user) or can_act_on_member(user, member)


def can_act_on_member(user, member, community=None) -> bool:
    """Warn, suspend, ban: staff anywhere; a moderator for members of their community."""
    if member.pk == getattr(user, "pk", None) or member.is_staff:
        return False
    if is_staff_member(user):
        return True
    if not is_in_good_standing(user):
        return False
    moderated = forum.moderated_community_ids(user) or set()
    if community is not None:
        moderated = moderated & {community.pk}
    return bool(moderated & set(forum.memberships_of(member)))
