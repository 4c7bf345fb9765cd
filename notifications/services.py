"""Every write of the notifications app but the outbox's own (outbox.py) and the digests'
(digests.py): settings, in-app notifications and the fan-out of a post to its readers.

Receivers (receivers.py) and other apps call `notify` and the `notifications_for_*`
functions; each checks the one access rule of community.permissions for the recipient at
the moment it runs, and never names the author of an anonymous post to anyone who may not
see it. Reads are in selectors.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from community import permissions
from community.markdown import mentioned_names
from community.models import Membership, Post, Reaction, Thread, ThreadFollow
from hearth.lib.live import publish_many_on_commit, user_group

from . import immediate, outbox, selectors
from .models import CheckIn, Notification, NotificationSettings, Outbox, PostFanout

# Other apps and tests reach these through this module; each has one definition (outbox.py,
# selectors.py).
from .outbox import SEND_LEASE, backoff  # noqa: F401
from .outbox import dispatch as _dispatch  # noqa: F401
from .outbox import due_ids as outbox_due_ids  # noqa: F401
from .outbox import send as outbox_send  # noqa: F401
from .permissions import may_name_actor
from .selectors import can_receive_email, eligible_for_email, settings_for  # noqa: F401

logger = logging.getLogger(__name__)

Kind = Notification.Kind
REPLY_KINDS = (Kind.REPLY, Kind.FOLLOWED_REPLY, Kind.CLINICIAN_ANSWER)
# When one post concerns a member in several ways, the most specific notification wins.
_PRIORITY = {
    Kind.CLINICIAN_ANSWER: 4, Kind.REPLY: 3, Kind.MENTION: 2, Kind.FOLLOWED_REPLY: 1,
}


def _hide_actor(recipient: User, thread: Thread | None, post: Post | None) -> bool:
    return not may_name_actor(recipient, thread=thread, post=post)


# --- Settings -------------------------------------------------------------------------------


def settings_update(*, user: User, **values) -> NotificationSettings:
    allowed = {"digest_frequency", "email_replies", "email_mentions", "follow_on_reply"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    values["updated_at"] = timezone.now()
    row, _created = NotificationSettings.objects.update_or_create(user=user, defaults=values)
    user.notification_settings = row
    return row


def unsubscribe(*, user_id: int, list_name: str) -> bool:
    """One-click unsubscribe from a list ("digest", "replies", "mentions"). Idempotent."""
    field, value = {
        "digest": ("digest_frequency", NotificationSettings.Frequency.NEVER),
        "replies": ("email_replies", False),
        "mentions": ("email_mentions", False),
    }[list_name]
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    with transaction.atomic():
        settings_update(user=user, **{field: value})
        # What is already waiting in the outbox for that list is not sent either.
        kinds = {"digest": ["digest"], "replies": ["reply"], "mentions": ["mention"]}[list_name]
        Outbox.objects.filter(
            recipient_id=user_id, kind__in=kinds, status=Outbox.Status.PENDING
        ).update(status=Outbox.Status.CANCELLED, last_error="unsubscribed")
    logger.info("member %s unsubscribed from %s", user_id, list_name)
    return True


# --- Notifications --------------------------------------------------------------------------


# A fan-out's counts are sent to the members' sockets but not kept in the cache past this
# many members (5,000 keys with their expiry were a tenth of a fan-out's CPU, for members
# most of whom will not load a page before the keys expire); their next page counts once.
REMEMBER_AT_MOST = 500


def publish_unread(user_ids: Iterable[int]) -> None:
    """Send each member's unread count to their /ws/me/ socket after commit, and keep it for
    the header bell (for at most REMEMBER_AT_MOST members; the others' are forgotten)."""
    user_ids = list(set(user_ids))
    if not user_ids:
        return
    counts = selectors.unread_counts(user_ids)
    kept = {user_id: counts.get(user_id, 0) for user_id in user_ids}
    selectors.forget_unread_counts(user_ids)
    if len(kept) <= REMEMBER_AT_MOST:
        transaction.on_commit(lambda: selectors.remember_unread_counts(kept))
    publish_many_on_commit([
        (user_group(user_id), {"type": "notifications", "unread": counts.get(user_id, 0)})
        for user_id in user_ids
    ])


def notify(
    recipient: User, kind: str, *, actor: User | None = None, thread: Thread | None = None,
    post: Post | None = None, detail: str = "", message: str = "", key: str = "",
    require_visible: bool | None = None,
) -> Notification | None:
    """Tell one member something. Returns the notification, or None if it was not made.

    The thread or post is linked only if the recipient may see it now (community.permissions).
    When it is not visible: the notification is dropped (`require_visible`, the default for
    everything but moderation and clinician decisions) or made without the link. A non-empty
    `key` makes it happen at most once for that recipient ("moderation:post:12:hidden").
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if require_visible is None:
        require_visible = kind not in (Kind.MODERATION, Kind.CLINICIAN_DECIDED)
    if not recipient.is_active:
        return None
    if post is not None:
        thread = post.thread
    visible = True
    if post is not None:
        visible = permissions.can_view_post(recipient, post)
    elif thread is not None:
        visible = permissions.can_view_thread(recipient, thread)
    if not visible:
        if require_visible:
            return None
        thread = post = None
    if actor is not None and _hide_actor(recipient, thread, post):
        actor = None
    now = timezone.now()
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, actor=actor, thread=thread, post=post,
                detail=detail[:40], message=message[:300], key=key[:120],
                created_at=now, updated_at=now,
            )
    except IntegrityError:  # this key was already notified
        return None
    publish_unread([recipient.pk])
    if kind in REPLY_KINDS or kind == Kind.MENTION:
        immediate.queue_one(notification)
    return notification


def notifications_for_post(*, post_id: int) -> list[int]:
    """A post became public: tell the thread's author, its followers and whoever it mentions.
    Returns the ids of the notifications made.

    One notification per member and post (an edit that is screened again does not repeat
    it); the post author is never told about their own post.
    """
    post = (
        Post.objects.select_related("thread__community", "author")
        .filter(pk=post_id).first()
    )
    if post is None or not permissions.post_is_public(post):
        return []
    thread = post.thread
    plan: dict[int, str] = {}

    def want(user_id: int | None, kind: str) -> None:
        if user_id is None:
            return
        if _PRIORITY[kind] > _PRIORITY.get(plan.get(user_id), 0):
            plan[user_id] = kind

    if not post.is_first:
        muted = Membership.objects.filter(
            community=thread.community_id, level=Membership.Level.MUTED
        ).values("user_id")
        followers = ThreadFollow.objects.filter(thread=thread).exclude(user_id__in=muted)
        for user_id in followers.values_list("user_id", flat=True):
            want(user_id, Kind.FOLLOWED_REPLY)
        if thread.is_question and post.is_clinician_answer:
            want(thread.author_id, Kind.CLINICIAN_ANSWER)
        else:
            want(thread.author_id, Kind.REPLY)
    names = mentioned_names(post.body)
    if names:
        mentioned = User.objects.annotate(lname=Lower("username")).filter(
            lname__in=names,
            memberships__community=thread.community_id,
            memberships__status=Membership.Status.ACTIVE,
        )
        for user_id in mentioned.values_list("pk", flat=True):
            want(user_id, Kind.MENTION)
    plan.pop(post.author_id, None)
    for user_id in set(plan) - permissions.members_reached_by(post, plan):
        del plan[user_id]  # they block its author (a silent block: nobody is told)
    if not plan:
        _fanout_done(post, [])
        return []
    key = f"post:{post.pk}"
    # Those already told of this post (a post screened again), by the post's own index.
    already = set(Notification.objects.filter(post=post, key=key)
                  .values_list("recipient_id", flat=True))
    recipients = list(
        User.objects.filter(pk__in=selectors.ids_in(pk for pk in plan if pk not in already),
                            is_active=True))
    # by their ids (select_related joined every member's settings)
    selectors.prime_settings(recipients)
    # Every check below concerns this post's community: only those memberships are loaded,
    # and only if a check asks for one (a public post in a public community needs none).
    selectors.prime_memberships(recipients, community_id=thread.community_id, lazy=True)
    now = timezone.now()
    readers = [user for user in recipients if permissions.can_view_post(user, post)]
    with transaction.atomic():
        rows = [(user.pk, plan[user.pk],
                 None if _hide_actor(user, thread, post) else post.author_id)
                for user in readers]
        ids = _insert_notifications(rows, thread=thread, post=post, key=key, now=now)
        made = [immediate.Made(user, kind, thread.pk, post.pk, ids[user.pk])
                for user, (_user_id, kind, _actor_id) in zip(readers, rows, strict=True)
                if user.pk in ids]
        if made:
            publish_unread(ids)
            immediate.queue_made(made, post=post, eligible=selectors.emailable(readers))
        _fanout_done(post, made)
    return list(ids.values())


def _insert_notifications(rows: list[tuple[int, str, int | None]], *, thread: Thread,
                          post: Post, key: str, now) -> dict[int, int]:
    """The fan-out's notifications, rows (recipient id, kind, actor id): {recipient id: new
    notification id}; one already made (the same key) is skipped.

    On PostgreSQL one INSERT ... SELECT FROM unnest(...) ... RETURNING of up to 10,000 rows
    (the ORM's bulk_create built a model and adapted twelve fields for each); elsewhere (SQLite)
    bulk_create, and one query for the ids."""
    if not rows:
        return {}
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create(
            [Notification(recipient_id=user_id, kind=kind, actor_id=actor_id, thread=thread,
                          post=post, key=key, created_at=now, updated_at=now)
             for user_id, kind, actor_id in rows],
            ignore_conflicts=True, batch_size=outbox.CHUNK)
        return dict(Notification.objects.filter(
            post=post, key=key, created_at=now, recipient_id__in=[r[0] for r in rows],
        ).values_list("recipient_id", "pk"))
    table = Notification._meta.db_table  # noqa: SLF001
    sql = (
        f'INSERT INTO "{table}" (recipient_id, kind, actor_id, thread_id, post_id, count, '  # noqa: S608
        "detail, message, key, read_at, created_at, updated_at) "
        "SELECT r, k, a, %s, %s, 1, '', '', %s, NULL, %s, %s "
        "FROM unnest(%s::bigint[], %s::text[], %s::bigint[]) AS t(r, k, a) "
        "ON CONFLICT DO NOTHING RETURNING recipient_id, id"
    )
    ids: dict[int, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), outbox.ARRAY_CHUNK):
            user_ids, kinds, actor_ids = zip(*rows[start:start + outbox.ARRAY_CHUNK],
                                             strict=True)
            cursor.execute(sql, [thread.pk, post.pk, key, now, now, list(user_ids),
                                 list(kinds), list(actor_ids)])
            ids.update(cursor.fetchall())
    return ids


def _fanout_done(post: Post, created: list) -> None:
    """Record that this post's fan-out happened (once; a sweep run again adds nothing)."""
    PostFanout.objects.get_or_create(post_id=post.pk, defaults={"notified": len(created)})


FANOUT_SWEEP_AFTER = timedelta(minutes=2)  # the task and its retries have had their chance
FANOUT_SWEEP_WINDOW = timedelta(days=2)  # older news is no longer worth a notification


def fanout_due_post_ids(*, limit: int = 200) -> list[int]:
    """Public posts published a couple of minutes ago or more (in the last two days) whose
    fan-out never completed: the task failed for good, or was lost with the broker."""
    now = timezone.now()
    return list(
        permissions.public_posts(Post.objects.all())
        .filter(published_at__gte=now - FANOUT_SWEEP_WINDOW,
                published_at__lte=now - FANOUT_SWEEP_AFTER)
        .exclude(Exists(PostFanout.objects.filter(post_id=OuterRef("pk"))))
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def fanout_sweep() -> int:
    """Finish the fan-out of every post that is due one; returns how many were finished."""
    finished = 0
    for post_id in fanout_due_post_ids():
        try:
            notifications_for_post(post_id=post_id)
        except DatabaseError:
            logger.warning("fan-out of post %s failed again; the next sweep retries", post_id,
                           exc_info=True)
            continue
        finished += 1
    return finished


def notifications_for_reaction(*, reaction_id: int) -> Notification | None:
    """Reactions are grouped: one unread notification per post and kind, with the number
    of people who reacted so ("3 people found your post helpful")."""
    reaction = (
        Reaction.objects.select_related("post__thread__community", "post__author")
        .filter(pk=reaction_id).first()
    )
    if reaction is None:
        return None
    post = reaction.post
    recipient = post.author
    if recipient is None or recipient.pk == reaction.user_id or not recipient.is_active:
        return None
    if not permissions.can_view_post(recipient, post):
        return None
    # only the people whose reactions reach the author (one read of the blocks): a member they
    # block is not counted, and their reaction tells the author nothing
    reaching = permissions.actors_reaching(recipient.pk, Reaction.objects.filter(
        post=post, kind=reaction.kind).values_list("user_id", flat=True))
    if reaction.user_id not in reaching:
        return None
    count = len(reaching)
    key = f"reactions:{post.pk}:{reaction.kind}"
    now = timezone.now()
    unread = Notification.objects.filter(
        recipient=recipient, kind=Kind.REACTIONS, key=key, read_at__isnull=True
    )
    notification = None
    if not unread.update(count=count, updated_at=now):
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient, kind=Kind.REACTIONS, thread=post.thread, post=post,
                    detail=reaction.kind, count=count, key=key, created_at=now, updated_at=now,
                )
        except IntegrityError:  # another reaction made it a moment ago
            unread.update(count=count, updated_at=now)
    publish_unread([recipient.pk])
    return notification or unread.first()


def notifications_for_accepted(*, post_id: int, by_id: int | None) -> Notification | None:
    post = Post.objects.select_related("thread__community", "author").filter(pk=post_id).first()
    if post is None or post.author is None or post.author_id == by_id:
        return None
    actor = User.objects.filter(pk=by_id).first() if by_id else None
    return notify(
        post.author, Kind.ANSWER_ACCEPTED, actor=actor, post=post, key=f"accepted:{post.pk}"
    )


def notification_open(*, user: User, notification_id: int) -> Notification | None:
    """Mark one of the member's notifications read; None if it isn't theirs."""
    notification = (
        Notification.objects.select_related("thread__community", "post__thread__community")
        .filter(pk=notification_id, recipient=user).first()
    )
    if notification is None:
        return None
    if notification.read_at is None:
        # the whole line it is shown on ("maria and 2 others replied ...") is read
        notification.read_at = timezone.now()
        Notification.objects.filter(selectors.same_group(notification), recipient=user,
                                    read_at__isnull=True).update(read_at=notification.read_at)
        publish_unread([user.pk])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    now = timezone.now()
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now
    )
    publish_unread([user.pk])
    return marked


def checkin_answer(*, user_id: int, month: str, answer: str, now=None) -> CheckIn | None:
    """The monthly check-in answered from its signed link: records the answer, and a second
    click changes it (one row per member and month). None when no check-in was asked of this
    member that month (a forged month, or a deleted account)."""
    if answer not in CheckIn.Answer.values:
        raise ValueError(answer)
    now = now or timezone.now()
    with transaction.atomic():
        checkin = (CheckIn.objects.select_for_update()
                   .filter(user_id=user_id, month=month, user__is_active=True).first())
        if checkin is None:
            return None
        if checkin.answer != answer:
            checkin.answer, checkin.answered_at = answer, now
            checkin.save(update_fields=["answer", "answered_at"])
    return checkin
