"""Moderation writes: screening decisions, flags, queue items, actions on posts, threads and
people. Each action writes its audit row in the same transaction."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as accounts
from accounts.models import User
from accounts.permissions import is_new_member, is_staff_member, is_verified_clinician
from community import services as forum
from community.models import Community, Post, Thread
from hearth.lib.signals import send_on_commit

from . import live, permissions, signals
from .audit import audit_record
from .models import Flag, ModerationItem, StaffNote, WatchedWord
from .screening import NONE, Context, post_text, redact, screen
from .watched import apply_replacements, find_hits

logger = logging.getLogger(__name__)

PRIORITY = {ModerationItem.Kind.CRISIS: 0, ModerationItem.Kind.HELD: 20,
            ModerationItem.Kind.FLAG: 40, ModerationItem.Kind.CLINICIAN: 60}
FLAGS_TO_HIDE = 3
# The crisis model is unsure: above held posts and flags, below certain crisis items.
POSSIBLE_CRISIS = "possible_crisis"
PRIORITY_POSSIBLE_CRISIS = 10


class ModerationError(ValidationError):
    pass


def _open_item(*, kind: str, post: Post, reason: str, detail: str = "",
               automatic: bool = True, highlight: tuple[int, int] | None = None
               ) -> ModerationItem:
    start, end = highlight or (None, None)
    priority = PRIORITY_POSSIBLE_CRISIS if reason == POSSIBLE_CRISIS else PRIORITY[kind]
    item, created = ModerationItem.objects.get_or_create(
        post=post, kind=kind, reason=reason, status=ModerationItem.Status.OPEN,
        defaults={"community_id": post.thread.community_id, "priority": priority,
                  "subject_user": post.author, "detail": detail[:300], "automatic": automatic,
                  "highlight_start": start, "highlight_end": end},
    )
    if created:
        live.queue_changed_on_commit(community_id=post.thread.community_id, item=item)
    return item


def target_item_open(*, kind: str, target_type: str, target, reason: str,
                     community_id: int | None, subject_user: User | None, detail: str = "",
                     automatic: bool = True) -> ModerationItem:
    """A queue item about something that is not a forum post (moderation.targets): a
    reported or held private message, a crisis in a message or a request to the hospital.
    Audited; a crisis item is emailed to the on-call address as for posts."""
    priority = PRIORITY[kind]
    item, created = ModerationItem.objects.get_or_create(
        target_type=target_type, target_id=target.pk, kind=kind, reason=reason,
        status=ModerationItem.Status.OPEN,
        defaults={"community_id": community_id, "priority": priority,
                  "subject_user": subject_user, "detail": detail[:300],
                  "automatic": automatic},
    )
    if created:
        audit_record(actor=None, action=f"{target_type}.{kind}", target=target, reason=reason,
                     community_id=community_id)
        live.queue_changed_on_commit(community_id=community_id, item=item)
        if kind == ModerationItem.Kind.CRISIS:
            transaction.on_commit(lambda: _crisis_email(item.pk), robust=True)
            _crisis_escalated_on_commit(item)
    return item


def _premoderated(post: Post) -> bool:
    community: Community = post.thread.community
    author = post.author
    if author is None or is_staff_member(author) or is_verified_clinician(author):
        return False
    if community.premoderate_days and author.date_joined > timezone.now() - timedelta(
            days=community.premoderate_days):
        return True
    if community.premoderate_posts:
        approved = Post.objects.filter(
            author=author, thread__community=community, status=Post.Status.PUBLISHED,
            screening__in=(Post.Screening.CLEAN, Post.Screening.FLAGGED),
        ).count()
        return approved < community.premoderate_posts
    return False


def post_screen(*, post_id: int) -> Post | None:
    """Screen a post once: hold what must wait for a moderator, publish the rest.

    Idempotent: a post already screened is left alone, so a task delivered twice, or a sweep
    racing the task, changes nothing.
    """
    post = Post.objects.select_related("thread__community", "author").filter(pk=post_id).first()
    if post is None or post.screening != Post.Screening.PENDING:
        return post
    text = post_text(post.thread.title if post.is_first else "", post.body)
    result = screen(text, context=Context(links_allowed=not is_new_member(post.author)))
    words = words_for_community(post.thread.community_id)
    hits = find_hits(text, words)
    held_kinds = list(result.held_kinds)
    reasons = [str(label) for label in result.labels_for(held_kinds)]
    word_hold = [h for h in hits if h.timed_out or h.word.action in (
        WatchedWord.Action.HOLD, WatchedWord.Action.BLOCK)]
    if word_hold:
        reasons.append(_("a watched word"))
    premoderated = not held_kinds and not word_hold and _premoderated(post)
    if premoderated:
        reasons.append(_("new members' first posts are reviewed"))
    held = bool(held_kinds or word_hold or premoderated)
    reason = ", ".join(reasons)
    with transaction.atomic():
        if any(h.word.action == WatchedWord.Action.REPLACE for h in hits):
            forum.post_body_replace(post=post, body=apply_replacements(post.body, words))
        post = forum.post_screened(
            post=post, held=held,
            flagged=bool(result.flag_kinds) or result.crisis_outcome != NONE or any(
                h.word.action == WatchedWord.Action.FLAG for h in hits),
            reason=reason,
        )
        community_id = post.thread.community_id
        if held:
            item_reason = held_kinds[0] if held_kinds else (
                "watched_word" if word_hold else "new_member")
            _open_item(kind=ModerationItem.Kind.HELD, post=post, reason=item_reason,
                       detail=reason)
            audit_record(actor=None, action="post.hold", target=post, reason=reason,
                         community_id=community_id)
        if result.is_crisis:
            item = _open_item(kind=ModerationItem.Kind.CRISIS, post=post, reason="crisis",
                              detail=", ".join(result.crisis_kinds),
                              highlight=result.crisis_highlight)
            forum.thread_mark_crisis(thread=post.thread)
            audit_record(actor=None, action="post.crisis", target=post,
                         reason=", ".join(result.crisis_kinds), community_id=community_id)
            transaction.on_commit(lambda: _crisis_email(item.pk), robust=True)
            _crisis_escalated_on_commit(item)
        elif result.crisis_review:
            # Unsure: the post stays published; a moderator looks before ordinary items.
            _open_item(kind=ModerationItem.Kind.CRISIS, post=post, reason=POSSIBLE_CRISIS,
                       detail=f"{result.crisis_score:.2f}", highlight=result.crisis_highlight)
            audit_record(actor=None, action="post.possible_crisis", target=post,
                         reason=f"model score {result.crisis_score:.2f}",
                         community_id=community_id)
        flag_reasons = list(result.flag_kinds) + [
            "watched_word" for h in hits if h.word.action == WatchedWord.Action.FLAG]
        for kind in dict.fromkeys(flag_reasons):
            _open_item(kind=ModerationItem.Kind.FLAG, post=post, reason=kind)
            audit_record(actor=None, action="post.flag", target=post, reason=kind,
                         community_id=community_id)
    return post


def _crisis_escalated_on_commit(item: ModerationItem, *, escalated: bool = False) -> None:
    """signals.crisis_escalated after commit (the api app's webhooks listen)."""
    send_on_commit(signals.crisis_escalated, sender=ModerationItem, item=item,
                   escalated=escalated)


def _crisis_email(item_id: int) -> None:
    from .tasks import crisis_alert

    try:
        crisis_alert.delay(item_id)
    except Exception:  # noqa: BLE001 - the item is in the queue; staff see it live
        logger.warning("crisis alert for item %s not queued", item_id)


def crisis_alert_send(*, item_id: int) -> bool:
    """Email the on-call address about a crisis item: a link, never the post's words. Text
    and HTML in Hearth's email layout, in the site's language (the address is no member)."""
    from django.core.mail import EmailMultiAlternatives

    from hearth.lib import emails

    address = settings.HEARTH_CRISIS_ONCALL_EMAIL
    item = ModerationItem.objects.select_related("community").filter(pk=item_id).first()
    if not address or item is None:
        return False
    context = {"community": item.community.name if item.community else "-",
               "url": emails.absolute("/moderation/?kind=crisis")}
    subject, text, html = emails.render("moderation/crisis", context,
                                        language=settings.LANGUAGE_CODE)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[address],
                                     from_email=settings.DEFAULT_FROM_EMAIL)
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def unscreened_post_ids(*, older_than: timedelta = timedelta(minutes=1), limit: int = 500):
    cutoff = timezone.now() - older_than
    return list(
        Post.objects.filter(screening=Post.Screening.PENDING, created_at__lte=cutoff)
        .order_by("created_at").values_list("pk", flat=True)[:limit]
    )


# --- The review queue ---------------------------------------------------------------------


def _item_for(user: User, item_id: int) -> ModerationItem:
    item = ModerationItem.objects.select_related("community", "post__thread__community",
                                                 "post__author").filter(pk=item_id).first()
    if item is None or not permissions.can_act_on_item(user, item):
        raise Http404
    return item


def _touch(item: ModerationItem) -> None:
    if item.first_action_at is None:
        item.first_action_at = timezone.now()


def _resolve(item: ModerationItem, *, resolution: str) -> None:
    _touch(item)
    item.status = ModerationItem.Status.RESOLVED
    item.resolved_at = timezone.now()
    item.resolution = resolution
    item.save(update_fields=["status", "resolved_at", "resolution", "first_action_at"])
    live.queue_changed_on_commit(community_id=item.community_id, item=item)


def _resolve_others(post: Post, resolution: str) -> None:
    for other in ModerationItem.objects.filter(post=post, status=ModerationItem.Status.OPEN):
        _resolve(other, resolution=resolution)


def _judge_flags(post: Post, *, upheld: bool) -> None:
    Flag.objects.filter(post=post, upheld__isnull=True).update(upheld=upheld)


def item_claim(*, user: User, item_id: int) -> ModerationItem:
    with transaction.atomic():
        item = _item_for(user, item_id)
        claimed = ModerationItem.objects.filter(pk=item.pk, claimed_by__isnull=True).update(
            claimed_by=user, first_action_at=item.first_action_at or timezone.now())
        item.refresh_from_db()
        if not claimed and item.claimed_by_id != user.pk:
            raise ModerationError(_("%(name)s is already working on this item.")
                                  % {"name": item.claimed_by.username})
        audit_record(actor=user, action="item.claim", target=item,
                     community_id=item.community_id)
    return item


def item_approve(*, user: User, item_id: int, reason: str = "") -> ModerationItem:
    """Let the post through (publish a held post; dismiss a flag or a crisis item). Dismissing
    a crisis item needs a reason, kept in the audit log."""
    reason = (reason or "").strip()
    with transaction.atomic():
        item = _item_for(user, item_id)
        if item.status != ModerationItem.Status.OPEN:
            return item
        if item.kind == ModerationItem.Kind.CRISIS and not reason:
            raise ModerationError(_("Say why this is not a crisis: it is kept in the audit "
                                    "log."))
        if item.post is not None:
            post = item.post
            if post.status in (Post.Status.HELD, Post.Status.HIDDEN):
                if post.status == Post.Status.HIDDEN:
                    forum.post_restore(post=post)
                else:
                    forum.post_approve(post=post)
            if item.kind == ModerationItem.Kind.HELD:
                _decided(post.author, "approved", post=post)
            _judge_flags(post, upheld=False)
            audit_record(actor=user, action="post.approve", target=post,
                         reason=f"{item.get_kind_display()}: {reason}" if reason
                         else item.get_kind_display(), community_id=item.community_id)
        if item.post is None and item.target_type:
            from . import targets

            targets.approve(item, user=user)
            audit_record(actor=user, action=f"{item.target_type}.dismiss", target=item,
                         reason=reason, community_id=item.community_id)
        _resolve(item, resolution="approved")
        if item.post is not None and item.kind == ModerationItem.Kind.HELD:
            _resolve_others(item.post, "approved")
    return item


def item_reject(*, user: User, item_id: int, reason: str) -> ModerationItem:
    """Hide the post with a reason its author sees."""
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("Give a reason: the author will see it."))
    with transaction.atomic():
        item = _item_for(user, item_id)
        if item.status != ModerationItem.Status.OPEN:
            return item
        if item.post is not None:
            forum.post_hide(post=item.post, reason=reason)
            _decided(item.post.author, "rejected", reason, post=item.post)
            _judge_flags(item.post, upheld=True)
            audit_record(actor=user, action="post.reject", target=item.post, reason=reason,
                         community_id=item.community_id)
            _resolve_others(item.post, "rejected")
        elif item.target_type:
            from . import targets

            acted_on = targets.reject(item, user=user, reason=reason)
            if acted_on is not None:
                audit_record(actor=user, action=f"{item.target_type}.reject", target=acted_on,
                             reason=reason, community_id=item.community_id)
        _resolve(item, resolution="rejected")
    return item


def item_escalate(*, user: User, item_id: int, note: str = "") -> ModerationItem:
    """Send the item to staff: top priority, unclaimed, marked escalated (by whom, when)."""
    with transaction.atomic():
        item = _item_for(user, item_id)
        item.priority = min(item.priority, 5)
        item.claimed_by = None
        item.escalated_at, item.escalated_by = timezone.now(), user
        _touch(item)
        item.save(update_fields=["priority", "claimed_by", "first_action_at", "escalated_at",
                                 "escalated_by"])
        audit_record(actor=user, action="item.escalate", target=item, reason=note,
                     community_id=item.community_id)
        live.queue_changed_on_commit(community_id=item.community_id, item=item)
        _crisis_escalated_on_commit(item, escalated=True)
    return item


def item_reach_out(*, user: User, item_id: int, note: str) -> ModerationItem:
    """Record that a moderator reached out to the member behind a crisis item (a check-in
    message, a call from the care team): who, when, and what they did, in the audit log. The
    item stays open until someone decides it."""
    note = (note or "").strip()
    if not note:
        raise ModerationError(_("Say how you reached out: it is kept in the audit log."))
    with transaction.atomic():
        item = _item_for(user, item_id)
        if item.kind != ModerationItem.Kind.CRISIS:
            raise ModerationError(_("Only crisis items have this action."))
        item.reached_out_at, item.reached_out_by = timezone.now(), user
        _touch(item)
        item.save(update_fields=["reached_out_at", "reached_out_by", "first_action_at"])
        audit_record(actor=user, action="item.reach_out", target=item, reason=note,
                     community_id=item.community_id)
        live.queue_changed_on_commit(community_id=item.community_id, item=item)
    return item


def items_bulk(*, user: User, item_ids: list[int], action: str, reason: str = "") -> int:
    done = 0
    for item_id in item_ids:
        if action == "approve":
            item_approve(user=user, item_id=item_id, reason=reason)
        elif action == "reject":
            item_reject(user=user, item_id=item_id, reason=reason)
        else:
            raise ModerationError(_("Choose approve or reject."))
        done += 1
    return done


def post_redact(*, user: User, post: Post) -> Post:
    """Remove personal identifiers from a post (a moderator's edit), keeping a revision."""
    if not permissions.can_act_on_community(user, post.thread.community):
        raise Http404
    with transaction.atomic():
        redacted = redact(post.body)
        forum.post_body_replace(post=post, body=redacted, editor=user)
        _decided(post.author, "edited", post=post)
        audit_record(actor=user, action="post.redact", target=post,
                     community_id=post.thread.community_id)
    return post


# --- Actions on posts and threads ------------------------------------------------------------


def post_hide(*, user: User, post: Post, reason: str) -> Post:
    if not permissions.can_act_on_community(user, post.thread.community):
        raise Http404
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("Give a reason: the author will see it."))
    with transaction.atomic():
        forum.post_hide(post=post, reason=reason)
        _decided(post.author, "hidden", reason, post=post)
        audit_record(actor=user, action="post.hide", target=post, reason=reason,
                     community_id=post.thread.community_id)
    return post


def post_restore(*, user: User, post: Post) -> Post:
    if not permissions.can_act_on_community(user, post.thread.community):
        raise Http404
    with transaction.atomic():
        forum.post_restore(post=post)
        _decided(post.author, "restored", post=post)
        audit_record(actor=user, action="post.restore", target=post,
                     community_id=post.thread.community_id)
    return post


def thread_lock(*, user: User, thread: Thread, locked: bool, reason: str = "") -> Thread:
    if not permissions.can_act_on_community(user, thread.community):
        raise Http404
    with transaction.atomic():
        forum.thread_set_flags(thread=thread, locked=locked)
        audit_record(actor=user, action="thread.lock" if locked else "thread.unlock",
                     target=thread, reason=reason, community_id=thread.community_id)
    return thread


def thread_pin(*, user: User, thread: Thread, pinned: bool) -> Thread:
    if not permissions.can_act_on_community(user, thread.community):
        raise Http404
    with transaction.atomic():
        forum.thread_set_flags(thread=thread, pinned=pinned)
        audit_record(actor=user, action="thread.pin" if pinned else "thread.unpin",
                     target=thread, community_id=thread.community_id)
    return thread


def thread_move(*, user: User, thread: Thread, to: Community, reason: str = "") -> Thread:
    if not (permissions.can_act_on_community(user, thread.community)
            and permissions.can_act_on_community(user, to)):
        raise Http404
    with transaction.atomic():
        origin = thread.community
        forum.thread_move(thread=thread, to=to)
        audit_record(actor=user, action="thread.move", target=thread,
                     reason=f"{origin.slug} → {to.slug}. {reason}".strip(),
                     community_id=to.pk)
    return thread


# --- Actions on people ----------------------------------------------------------------------


def member_warn(*, user: User, member: User, reason: str, community=None) -> None:
    if not permissions.can_act_on_member(user, member, community):
        raise Http404
    if not reason.strip():
        raise ModerationError(_("Say what the warning is about."))
    with transaction.atomic():
        audit_record(actor=user, action="member.warn", target=member, reason=reason,
                     community_id=getattr(community, "pk", None))
        _decided(member, "warned", reason)


def member_suspend(*, user: User, member: User, until: datetime, reason: str,
                   community=None) -> User:
    if not permissions.can_act_on_member(user, member, community):
        raise Http404
    if until <= timezone.now():
        raise ModerationError(_("Choose a time in the future."))
    if not reason.strip():
        raise ModerationError(_("Give a reason: the member will see it."))
    with transaction.atomic():
        accounts.user_suspend(user=member, until=until, reason=reason)
        _decided(member, "suspended", reason)
        audit_record(actor=user, action="member.suspend", target=member,
                     reason=f"until {until:%Y-%m-%d %H:%M} UTC. {reason}",
                     community_id=getattr(community, "pk", None))
    return member


def member_ban(*, user: User, member: User, reason: str, community=None) -> User:
    if not permissions.can_act_on_member(user, member, community):
        raise Http404
    if not reason.strip():
        raise ModerationError(_("Give a reason for the ban."))
    with transaction.atomic():
        accounts.user_ban(user=member, reason=reason)
        audit_record(actor=user, action="member.ban", target=member, reason=reason,
                     community_id=getattr(community, "pk", None))
    return member


def staff_note_add(*, user: User, member: User, body: str) -> StaffNote:
    if not permissions.can_use_queue(user):
        raise Http404
    body = body.strip()
    if not body:
        raise ModerationError(_("The note is empty."))
    with transaction.atomic():
        note = StaffNote.objects.create(member=member, author=user, body=body[:2000])
        audit_record(actor=user, action="member.note", target=member)
    return note


def _decided(member: User | None, detail: str, text: str = "", post: Post | None = None) -> None:
    """Tell the member what was decided about their post or account, after commit."""
    if member is None:
        return
    send_on_commit(signals.moderation_decided, sender=User, member=member, detail=detail,
                   text=text, post=post)


# --- Flags ----------------------------------------------------------------------------------


def _is_trusted(user: User) -> bool:
    return (is_staff_member(user) or is_verified_clinician(user)
            or (user.date_joined < timezone.now() - timedelta(days=90)
                and Flag.objects.filter(user=user, upheld=True).count() >= 3))


def flag_create(*, user: User, post: Post, reason: str, note: str = "") -> Flag:
    from community import permissions as forum_permissions

    if not forum_permissions.can_view_post(user, post) or not user.is_authenticated:
        raise Http404
    if reason not in Flag.Reason.values:
        raise ModerationError(_("Choose a reason."))
    if reason == Flag.Reason.OTHER and not note.strip():
        raise ModerationError(_("Tell us a little about what's wrong."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                flag = Flag.objects.create(user=user, post=post, reason=reason, note=note[:500])
        except IntegrityError:
            raise ModerationError(_("You already reported this post. Thank you.")) from None
        kind = ModerationItem.Kind.CRISIS if reason == Flag.Reason.CRISIS else \
            ModerationItem.Kind.FLAG
        _open_item(kind=kind, post=post, reason=reason, detail=note, automatic=False)
        distinct = Flag.objects.filter(post=post, upheld__isnull=True).count()
        hide = distinct >= FLAGS_TO_HIDE or _is_trusted(user) or \
            forum_permissions.can_moderate_community(user, post.thread.community)
        if hide and forum_permissions.post_is_public(post):
            forum.post_hide(post=post, reason=_("Hidden while a moderator reviews reports."))
            audit_record(actor=None, action="post.hide", target=post,
                         reason=f"flags: {distinct}", community_id=post.thread.community_id)
        if reason == Flag.Reason.CRISIS:
            forum.thread_mark_crisis(thread=post.thread)
    return flag


def flagger_accuracy(user: User) -> float | None:
    judged = Flag.objects.filter(user=user, upheld__isnull=False)
    total = judged.count()
    return None if not total else judged.filter(upheld=True).count() / total


# --- Watched words -------------------------------------------------------------------------


def words_for_community(community_id: int | None) -> list[WatchedWord]:
    """The words that screen a post in this community: every community's and its own."""
    return list(WatchedWord.objects.filter(
        Q(community__isnull=True) | Q(community_id=community_id)))


def watched_word_add(*, user: User, pattern: str, is_regex: bool, action: str,
                     replacement: str = "", community: Community | None = None) -> WatchedWord:
    from .watched import PatternError, compile_word

    if not permissions.can_manage_words(user):
        raise Http404
    if not permissions.can_manage_words_of(user, community):
        raise Http404
    pattern = pattern.strip()
    if not pattern:
        raise ModerationError(_("Enter a word or pattern."))
    try:
        compile_word(pattern, is_regex=is_regex)
    except PatternError as exc:
        raise ModerationError(_("That pattern doesn't work: %(error)s") % {"error": exc}) \
            from None
    with transaction.atomic():
        word, _created = WatchedWord.objects.update_or_create(
            pattern=pattern[:200], action=action, community=community,
            defaults={"is_regex": is_regex, "replacement": replacement[:100],
                      "created_by": user})
        audit_record(actor=user, action="word.add", target=word, reason=pattern[:200],
                     community_id=word.community_id)
    return word


def watched_word_delete(*, user: User, word: WatchedWord) -> None:
    if not permissions.can_manage_words(user):
        raise Http404
    if not permissions.can_manage_words_of(user, word.community):
        raise Http404
    with transaction.atomic():
        audit_record(actor=user, action="word.delete", target=word, reason=word.pattern,
                     community_id=word.community_id)
        word.delete()
