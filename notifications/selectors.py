"""Reads of the notifications app: the notifications page and the header bell's count, a
member's settings, and who Hearth may email."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Mapping

from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat

from accounts.models import User
from accounts.permissions import in_good_standing, is_in_good_standing
from community import permissions
from community.models import Membership

from .models import CheckIn, Notification, NotificationSettings

PER_PAGE = 30
# Several replies or mentions in one discussion are one line ("maria and 2 others replied to
# ..."), in the list and in the bell's count; everything else is a line of its own (reactions
# are already one row per post and kind).
GROUPED_KINDS = (Notification.Kind.REPLY, Notification.Kind.FOLLOWED_REPLY,
                 Notification.Kind.MENTION)


def notification_list(*, user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .select_related("actor", "actor__clinician", "thread", "post")
        .order_by("-updated_at", "-pk")
    )


def group_key():
    """The line a notification belongs to: its kind and discussion, or itself."""
    return Case(
        When(kind__in=GROUPED_KINDS, thread__isnull=False,
             then=Concat(Value("t"), Cast("thread_id", CharField()), Value(":"), "kind")),
        default=Concat(Value("n"), Cast("pk", CharField())),
        output_field=CharField(),
    )


def unread_groups() -> Count:
    """How many lines of the list are unread (for the bell): one COUNT(DISTINCT ...)."""
    return Count(group_key(), distinct=True)


def unread_count(*, user) -> int:
    """Unread lines of the list (replies in one discussion are one line)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).aggregate(
        n=unread_groups())["n"]


UNREAD_CACHE_SECONDS = 600  # a count a missed write left wrong (a deleted post) heals by itself
UNREAD_ATTR = "_hearth_notifications_unread"


def unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def cached_unread_count(*, user) -> int:
    """The header bell's count without a query: read with the member's cached row (the
    companion registered in apps.ready), else from the cache, else counted once and kept.
    Every write that changes it stores the new count (services.publish_unread)."""
    found = getattr(user, UNREAD_ATTR, None)
    if found is not None:
        return found
    from django.core.cache import cache

    try:
        found = cache.get(unread_key(user.pk))
    except Exception:  # noqa: BLE001 - Redis down: the database answers
        return unread_count(user=user)
    if found is None:
        found = unread_count(user=user)
        remember_unread_counts({user.pk: found})
    return found


def remember_unread_counts(counts: dict[int, int]) -> None:
    """Keep members' bell counts (called after the write that changed them commits)."""
    from django.core.cache import cache

    with contextlib.suppress(Exception):  # Redis down: pages count for themselves
        cache.set_many({unread_key(uid): n for uid, n in counts.items()},
                       timeout=UNREAD_CACHE_SECONDS)


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    """A write changed these counts: until it commits (and stores them), pages count again."""
    from django.core.cache import cache

    with contextlib.suppress(Exception):  # Redis down: pages count for themselves
        cache.delete_many([unread_key(uid) for uid in user_ids])


def ids_in(ids: Iterable[int]):
    """The right-hand side of `field__in` for a long list of ids (a fan-out's thousands): on
    PostgreSQL one array parameter, `IN (SELECT unnest(%s::bigint[]))` (Django prepared each
    of thousands of values and psycopg parsed a placeholder for each; the planner also sizes
    the array exactly), elsewhere the list."""
    ids = list(ids)
    if connection.vendor != "postgresql":
        return ids
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])  # noqa: S611 - a constant query


def unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """unread_count of many members in one query (members with none are left out)."""
    return dict(
        Notification.objects.filter(recipient_id__in=ids_in(user_ids), read_at__isnull=True)
        .values_list("recipient_id")
        .annotate(n=unread_groups())
    )


def same_group(notification: Notification) -> Q:
    """The notifications shown on the same line as this one."""
    if notification.kind in GROUPED_KINDS and notification.thread_id:
        return Q(kind=notification.kind, thread_id=notification.thread_id)
    return Q(pk=notification.pk)


def group_page(notifications: list[Notification]) -> list[list[Notification]]:
    """A page's notifications as lines, newest first: the unread ones of a kind in a discussion
    together, the read ones together; each line's notifications newest first."""
    lines: dict[tuple, list[Notification]] = {}
    for notification in notifications:
        if notification.kind in GROUPED_KINDS and notification.thread_id:
            key = (notification.kind, notification.thread_id, notification.is_unread)
        else:
            key = ("one", notification.pk)
        lines.setdefault(key, []).append(notification)
    return list(lines.values())


# --- Settings and email recipients ----------------------------------------------------------


def settings_for(user: User) -> NotificationSettings:
    """The member's settings (unsaved defaults if they never changed them)."""
    try:
        return user.notification_settings
    except NotificationSettings.DoesNotExist:
        return NotificationSettings(user=user)


def can_receive_email(user: User) -> bool:
    return bool(user.email) and is_in_good_standing(user)


def email_verified_q() -> Exists:
    return Exists(
        EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"),
                                    verified=True)
    )


def eligible_for_email(queryset: QuerySet[User] | None = None) -> QuerySet[User]:
    """Members Hearth may email: active, not banned or suspended, email address verified."""
    queryset = User.objects.all() if queryset is None else queryset
    return in_good_standing(queryset).exclude(email="").filter(email_verified_q())


def prime_settings(users: Iterable[User]) -> None:
    """Give many members their notification settings (or the knowledge that they have none:
    `settings_for` then makes the defaults) in one query by their ids."""
    users = list(users)
    found = {row.pk: row for row in
             NotificationSettings.objects.filter(pk__in=ids_in(u.pk for u in users))}
    related = User.notification_settings.related
    for user in users:
        related.set_cached_value(user, found.get(user.pk))


def emailable(users: Iterable[User]) -> set[int]:
    """`eligible_for_email` for members already loaded (a fan-out's thousands): the ids of
    those with a verified address, one query by their ids, and in good standing with an
    address, read on the objects. (Asked in SQL of a list of ids, the verified-address test
    became one pass over every member's address: it grew with the site.)"""
    users = list(users)
    verified = {
        (user_id, email.upper())
        for user_id, email in EmailAddress.objects.filter(
            user_id__in=ids_in(u.pk for u in users), verified=True,
        ).values_list("user_id", "email")
    }
    return {u.pk for u in users
            if can_receive_email(u) and (u.pk, u.email.upper()) in verified}


def prime_memberships(users: Iterable[User], *, community_id: int | None = None,
                      lazy: bool = False) -> None:
    """Load the memberships of many members in one query, into the per-user cache that
    community.permissions.memberships_of reads, so that checking each of them is free.

    With `community_id`, only their memberships of that community are loaded (a fan-out
    checks one community for thousands of members): these user objects are then fit only
    for checks about that community. `lazy`: the query runs the first time a check reads
    one of these members' memberships, or never (a public post in a public community)."""
    users = list(users)
    batch = _BatchMemberships([u.pk for u in users], community_id)
    if lazy:
        permissions.prime_memberships({user: _Memberships(batch, user.pk) for user in users})
    else:
        permissions.prime_memberships({user: batch.of(user.pk) for user in users})


class _BatchMemberships:
    """The memberships of a batch of members, loaded in one query when first asked for."""

    def __init__(self, user_ids: list[int], community_id: int | None) -> None:
        self.user_ids, self.community_id = user_ids, community_id
        self.by_user: dict[int, dict[int, Membership]] | None = None

    def of(self, user_id: int) -> dict[int, Membership]:
        if self.by_user is None:
            self.by_user = defaultdict(dict)
            memberships = Membership.objects.filter(user__in=ids_in(self.user_ids))
            if self.community_id is not None:
                memberships = memberships.filter(community_id=self.community_id)
            for membership in memberships:
                self.by_user[membership.user_id][membership.community_id] = membership
        return self.by_user.get(user_id, {})


class _Memberships(Mapping):
    """One member's memberships (community id -> membership) read from their batch."""

    def __init__(self, batch: _BatchMemberships, user_id: int) -> None:
        self.batch, self.user_id = batch, user_id

    def __getitem__(self, community_id: int) -> Membership:
        return self.batch.of(self.user_id)[community_id]

    def __iter__(self):
        return iter(self.batch.of(self.user_id))

    def __len__(self) -> int:
        return len(self.batch.of(self.user_id))


def checkin_asked(*, user_id: int, month: str) -> bool:
    """Whether a digest asked this (still active) member the check-in of that month."""
    return CheckIn.objects.filter(user_id=user_id, month=month, user__is_active=True).exists()
