"""Every write to conversations, blocks, message settings and the patient-experience inbox.
Each validates, writes in one transaction and publishes live events after commit."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_in_good_standing, is_verified_clinician
from community.markdown import render_markdown
from hearth.lib.live import publish_many_on_commit, user_group
from hearth.lib.notices import notice_add
from moderation.models import ModerationItem
from moderation.screening import ESCALATE, IDENTIFIER, REVIEW, SPAM, Context, screen
from moderation.services import target_item_open

from . import permissions
from .models import (
    MAX_MEMBERS,
    AskEntry,
    AskRequest,
    Block,
    Conversation,
    ConversationMember,
    MemberFollow,
    Message,
    MessageReport,
    MessageSettings,
)

logger = logging.getLogger(__name__)
User = get_user_model()

BODY_MAX = 5000
# (count, seconds): messages a member sends; conversations a member starts; conversations
# started with one recipient by one sender; conversations one recipient receives from anyone.
RATE_MESSAGES = (30, 60)
RATE_NEW_CONVERSATIONS = (10, 3600)
RATE_SAME_RECIPIENT = (3, 86400)
RATE_RECIPIENT_INBOX = (20, 3600)
RATE_ASK = (5, 3600)
RATE_ASK_REPLY = (30, 3600)  # a member's replies to their own requests
REPORT_REASONS = ("spam", "harassment", "scam", "personal_info", "crisis", "other")
ASK_GROUP = "ask.team"


class MessagingError(ValidationError):
    pass


class RateLimited(MessagingError):
    pass


class IdentifiersFound(MessagingError):
    """The text holds a phone number, an address...: the sender must confirm, after a clear
    warning, that they mean to share it."""

    def __init__(self, labels):
        self.labels = [str(label) for label in labels]
        super().__init__(_("Your message seems to contain %(what)s.")
                         % {"what": ", ".join(self.labels)})


def _rate(key: str, limit: tuple[int, int]) -> bool:
    """Count one more under `key`; False once over the limit. Redis down: allowed (the
    database is the truth, and a write must not fail because a counter is unreachable)."""
    count, window = limit
    try:
        cache.add(key, 0, timeout=window)
        return cache.incr(key) <= count
    except Exception:  # noqa: BLE001
        return True


def _too_fast() -> RateLimited:
    return RateLimited(_("You're sending messages quickly. Please wait a little and try "
                         "again; your text is kept."))


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise MessagingError(_("Write a message first."))
    if len(body) > BODY_MAX:
        raise MessagingError(_("Messages can be at most %(max)s characters.") % {"max": BODY_MAX})
    return body


# --- Settings, follows, blocks -------------------------------------------------------------


def settings_for(user) -> MessageSettings:
    found = MessageSettings.objects.filter(user=user).first()
    return found or MessageSettings(user=user)


def message_settings_update(*, user, allow_from: str) -> MessageSettings:
    if allow_from not in MessageSettings.AllowFrom.values:
        raise MessagingError(_("Choose who may message you."))
    found, _created = MessageSettings.objects.update_or_create(
        user=user, defaults={"allow_from": allow_from})
    return found


def member_follow_set(*, user, member, follow: bool) -> None:
    if not is_in_good_standing(user) or member.pk == user.pk:
        raise Http404
    if follow:
        MemberFollow.objects.get_or_create(follower=user, followed=member)
    else:
        MemberFollow.objects.filter(follower=user, followed=member).delete()


def block_set(*, user, member, blocked: bool) -> None:
    """Silent: the blocked member is told nothing and sees no difference on their side."""
    if not user.is_authenticated or member.pk == user.pk:
        raise Http404
    with transaction.atomic():
        if blocked:
            Block.objects.get_or_create(blocker=user, blocked=member)
        else:
            Block.objects.filter(blocker=user, blocked=member).delete()
    _publish_unread([user.pk])


# --- Conversations -------------------------------------------------------------------------


def _screened(*, sender, body: str, confirm_identifiers: bool) -> tuple[str, bool, object]:
    """(status, shared_identifiers, result). Identifiers need the sender's confirmation;
    spam and a new member's links wait for a moderator."""
    new = permissions.is_new_for_messaging(sender)
    result = screen(body, context=Context(links_allowed=not new))
    identifiers = result.kinds_in(IDENTIFIER)
    if identifiers and not confirm_identifiers:
        raise IdentifiersFound(result.labels_for(identifiers))
    status = Message.Status.HELD if result.kinds_in(SPAM) else Message.Status.SENT
    return status, bool(identifiers), result


def _after_screening(message: Message, result, conversation: Conversation) -> None:
    community_id = conversation.community_id or _shared_community_id(message.sender)
    if message.status == Message.Status.HELD:
        target_item_open(kind=ModerationItem.Kind.HELD, target_type="message", target=message,
                         reason=result.kinds_in(SPAM)[0], community_id=community_id,
                         subject_user=message.sender, detail=_("A private message"))
    outcome = result.crisis_outcome
    if outcome == ESCALATE:
        Message.objects.filter(pk=message.pk).update(is_crisis=True)
        target_item_open(kind=ModerationItem.Kind.CRISIS, target_type="message", target=message,
                         reason="crisis", community_id=community_id,
                         subject_user=message.sender, detail=", ".join(result.crisis_kinds))
        sender_id = message.sender_id
        transaction.on_commit(lambda: notice_add(
            user_id=sender_id, template="moderation/_crisis_resources.html"), robust=True)
    elif outcome == REVIEW:
        target_item_open(kind=ModerationItem.Kind.CRISIS, target_type="message", target=message,
                         reason="possible_crisis", community_id=community_id,
                         subject_user=message.sender, detail=f"{result.crisis_score:.2f}")
        sender_id = message.sender_id
        transaction.on_commit(lambda: notice_add(
            user_id=sender_id, template="moderation/_support_note.html"), robust=True)


def _shared_community_id(user, other=None) -> int | None:
    """A community of the member's (one they share with `other` first), so that its
    moderators see the queue item; None: staff only."""
    if user is None:
        return None
    from community.permissions import memberships_of

    def active(member) -> set[int]:
        return {cid for cid, m in memberships_of(member).items() if m.status == "active"}

    ids = active(user)
    shared = ids & active(other) if other is not None else set()
    chosen = sorted(shared or ids)
    return chosen[0] if chosen else None


def _new_message(*, conversation: Conversation, sender, body: str, status: str,
                 shared: bool) -> Message:
    badge = sender.clinician.badge if is_verified_clinician(sender) else ""
    message = Message.objects.create(
        conversation=conversation, sender=sender, body=body, body_html=render_markdown(body),
        status=status, shared_identifiers=shared, clinician_badge=str(badge)[:120])
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
    ConversationMember.objects.filter(conversation=conversation, user=sender).update(
        last_read_id=message.pk)
    return message


def conversation_start(*, sender, recipients: list, body: str, subject: str = "", post=None,
                       confirm_identifiers: bool = False) -> Conversation:
    """Start a conversation with one or more members (at most MAX_MEMBERS in all)."""
    if not permissions.can_start_conversations(sender):
        raise MessagingError(_("New members can start conversations after a few days. You "
                               "can still reply when someone writes to you."))
    community = None
    if post is not None:
        if not permissions.can_message_from_post(sender, post):
            raise Http404
        community = post.thread.community
    recipients = list({r.pk: r for r in recipients if r.pk != sender.pk}.values())
    if not recipients:
        raise MessagingError(_("Choose at least one member to write to."))
    if len(recipients) + 1 > MAX_MEMBERS:
        raise MessagingError(_("A conversation can have at most %(n)s members.")
                             % {"n": MAX_MEMBERS})
    refused = [r.username for r in recipients if not permissions.can_message(sender, r)]
    if refused:
        raise MessagingError(_("You can't message %(names)s.") % {"names": ", ".join(refused)})
    body = _clean_body(body)
    status, shared, result = _screened(sender=sender, body=body,
                                       confirm_identifiers=confirm_identifiers)
    if not _rate(f"rate:msg:new:{sender.pk}", RATE_NEW_CONVERSATIONS):
        raise _too_fast()
    for recipient in recipients:
        if not (_rate(f"rate:msg:pair:{sender.pk}:{recipient.pk}", RATE_SAME_RECIPIENT)
                and _rate(f"rate:msg:inbox:{recipient.pk}", RATE_RECIPIENT_INBOX)):
            raise _too_fast()
    with transaction.atomic():
        conversation = Conversation.objects.create(started_by=sender, subject=subject[:120],
                                                   community=community)
        ConversationMember.objects.bulk_create(
            [ConversationMember(conversation=conversation, user=member)
             for member in [sender, *recipients]])
        message = _new_message(conversation=conversation, sender=sender, body=body,
                               status=status, shared=shared)
        _after_screening(message, result, conversation)
        _announce(message)
    return conversation


def message_send(*, sender, conversation: Conversation, body: str,
                 confirm_identifiers: bool = False) -> Message:
    if not permissions.can_view_conversation(sender, conversation):
        raise Http404
    if not permissions.can_send_in(sender, conversation):
        raise MessagingError(_("You can't send messages now."))
    body = _clean_body(body)
    status, shared, result = _screened(sender=sender, body=body,
                                       confirm_identifiers=confirm_identifiers)
    if not _rate(f"rate:msg:send:{sender.pk}", RATE_MESSAGES):
        raise _too_fast()
    with transaction.atomic():
        message = _new_message(conversation=conversation, sender=sender, body=body,
                               status=status, shared=shared)
        _after_screening(message, result, conversation)
        _announce(message)
    return message


def _audience(message: Message) -> list[int]:
    """Who is told of a message: the members of its conversation who may see it (not the
    ones who block its sender; only the sender while it is held)."""
    members = list(ConversationMember.objects.filter(conversation_id=message.conversation_id)
                   .values_list("user_id", flat=True))
    if message.status != Message.Status.SENT:
        return [message.sender_id] if message.sender_id in members else []
    blockers = set(Block.objects.filter(blocked_id=message.sender_id, blocker_id__in=members)
                   .values_list("blocker_id", flat=True))
    return [uid for uid in members if uid not in blockers]


def _announce(message: Message) -> None:
    """A live hint to each member who may see the message; the page then fetches what is new
    (so a reconnecting page catches up the same way). Their header counts are refreshed."""
    audience = _audience(message)
    event = {"type": "message.new", "conversation": message.conversation_id,
             "message": message.pk}
    publish_many_on_commit([(user_group(uid), event) for uid in audience])
    _store_unread(audience)


def _store_unread(user_ids) -> dict[int, int]:
    """Count each member's unread conversations (on the write, never on a page) and keep the
    counts for the header (selectors.cached_unread_count); counted and kept again once the
    write commits, when another write that committed meanwhile is counted too (a count
    made inside two concurrent transactions misses the other's message, and is kept with no
    expiry)."""
    user_ids = set(user_ids)
    counts = _count_and_keep(user_ids)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _count_and_keep(user_ids), robust=True)
    return counts


def _count_and_keep(user_ids) -> dict[int, int]:
    from . import selectors

    counts = {uid: selectors.unread_count(user=User(pk=uid)) for uid in user_ids}
    try:
        cache.set_many({selectors.unread_key(uid): n for uid, n in counts.items()},
                       timeout=None)
    except Exception:  # noqa: BLE001 - Redis down: the header shows no count, pages still work
        logger.warning("message counts not stored")
    return counts


def _publish_unread(user_ids) -> None:
    counts = _store_unread(user_ids)
    publish_many_on_commit([(user_group(uid), {"type": "messages", "unread": n})
                            for uid, n in counts.items()])


def conversation_read(*, user, conversation: Conversation, up_to: int) -> None:
    updated = ConversationMember.objects.filter(
        conversation=conversation, user=user, last_read_id__lt=up_to).update(last_read_id=up_to)
    if updated:
        _publish_unread([user.pk])


def message_report(*, user, message: Message, reason: str, note: str = "") -> MessageReport:
    """Report a message: it goes to the review queue, where a moderator sees it with the
    conversation around it (and only from the report)."""
    if not permissions.can_view_message(user, message):
        raise Http404
    if not permissions.can_report_message(user, message):
        raise MessagingError(_("You can't report this message."))
    if reason not in REPORT_REASONS:
        raise MessagingError(_("Choose a reason."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = MessageReport.objects.create(message=message, reporter=user,
                                                      reason=reason, note=(note or "")[:500])
        except IntegrityError:
            raise MessagingError(_("You already reported this message. Thank you.")) from None
        kind = ModerationItem.Kind.CRISIS if reason == "crisis" else ModerationItem.Kind.FLAG
        community_id = message.conversation.community_id or _shared_community_id(
            message.sender, user) or _shared_community_id(user)
        target_item_open(kind=kind, target_type="message", target=message, reason=reason,
                         community_id=community_id, subject_user=message.sender,
                         detail=(note or "")[:300], automatic=False)
    return report


def message_hide(item, *, user, reason: str) -> Message | None:
    """A moderator removes a reported or held message (moderation.targets' reject)."""
    message = Message.objects.filter(pk=item.target_id).first()
    if message is None:
        return None
    Message.objects.filter(pk=message.pk).update(status=Message.Status.HIDDEN)
    _publish_unread(ConversationMember.objects.filter(
        conversation_id=message.conversation_id).values_list("user_id", flat=True))
    return message


def message_release(item, *, user) -> None:
    """A moderator lets a held message through (moderation.targets' approve)."""
    message = Message.objects.filter(pk=item.target_id, status=Message.Status.HELD).first()
    if message is None:
        return
    Message.objects.filter(pk=message.pk).update(status=Message.Status.SENT)
    message.status = Message.Status.SENT
    _announce(message)


# --- Ask the hospital ----------------------------------------------------------------------


def _ask_changed(request: AskRequest, *, member_too: bool = True) -> None:
    """Tell the team's open inboxes, and the member's open page, that a request changed."""
    event = {"type": "ask.changed", "request": request.pk}
    messages = [(ASK_GROUP, event)]
    if member_too and request.member_id:
        messages.append((user_group(request.member_id), event))
    publish_many_on_commit(messages)


def ask_create(*, member, topic: str, subject: str, body: str) -> AskRequest:
    if not permissions.can_ask(member):
        raise Http404
    if topic not in AskRequest.Topic.values:
        raise MessagingError(_("Choose a topic."))
    subject = (subject or "").strip()
    if not subject:
        raise MessagingError(_("Give your request a subject."))
    body = _clean_body(body)
    if not _rate(f"rate:ask:{member.pk}", RATE_ASK):
        raise _too_fast()
    result = screen(f"{subject}\n\n{body}")
    with transaction.atomic():
        request = AskRequest.objects.create(member=member, topic=topic, subject=subject[:120],
                                            is_crisis=result.crisis_outcome == ESCALATE)
        AskEntry.objects.create(request=request, author=member, kind=AskEntry.Kind.MEMBER,
                                body=body)
        if result.crisis_outcome == ESCALATE:
            target_item_open(kind=ModerationItem.Kind.CRISIS, target_type="askrequest",
                             target=request, reason="crisis", community_id=None,
                             subject_user=member, detail=", ".join(result.crisis_kinds))
            transaction.on_commit(lambda: notice_add(
                user_id=member.pk, template="moderation/_crisis_resources.html"), robust=True)
        _ask_changed(request, member_too=False)
    return request


def _work(user, request_id: int) -> AskRequest:
    request = AskRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None or not permissions.can_work_request(user, request):
        raise Http404
    return request


def ask_claim(*, user, request_id: int) -> AskRequest:
    with transaction.atomic():
        request = _work(user, request_id)
        if request.claimed_by_id and request.claimed_by_id != user.pk:
            raise MessagingError(_("%(name)s is already working on this request.")
                                 % {"name": request.claimed_by.username})
        request.claimed_by = user
        request.save(update_fields=["claimed_by"])
        _ask_changed(request, member_too=False)
    return request


def ask_reply(*, user, request_id: int, body: str) -> AskEntry:
    """A reply the member sees in Hearth and is emailed about (a link, never the words)."""
    body = _clean_body(body)
    with transaction.atomic():
        request = _work(user, request_id)
        entry = AskEntry.objects.create(request=request, author=user, kind=AskEntry.Kind.REPLY,
                                        body=body)
        fields = []
        if request.first_reply_at is None:
            request.first_reply_at = entry.created_at
            fields.append("first_reply_at")
        if request.claimed_by_id is None:
            request.claimed_by = user
            fields.append("claimed_by")
        if fields:
            request.save(update_fields=fields)
        _ask_email(request, entry)
        _ask_changed(request)
    return entry


def ask_note(*, user, request_id: int, body: str) -> AskEntry:
    body = _clean_body(body)
    with transaction.atomic():
        request = _work(user, request_id)
        entry = AskEntry.objects.create(request=request, author=user, kind=AskEntry.Kind.NOTE,
                                        body=body)
        _ask_changed(request, member_too=False)
    return entry


def ask_resolve(*, user, request_id: int) -> AskRequest:
    with transaction.atomic():
        request = _work(user, request_id)
        if request.status != AskRequest.Status.RESOLVED:
            request.status, request.resolved_at = AskRequest.Status.RESOLVED, timezone.now()
            request.save(update_fields=["status", "resolved_at"])
        _ask_changed(request)
    return request


def ask_reopen(*, user, request_id: int) -> AskRequest:
    with transaction.atomic():
        request = _work(user, request_id)
        request.status, request.resolved_at = AskRequest.Status.OPEN, None
        request.save(update_fields=["status", "resolved_at"])
        _ask_changed(request)
    return request


def ask_member_reply(*, member, request_id: int, body: str) -> AskEntry:
    body = _clean_body(body)
    with transaction.atomic():
        request = AskRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.member_id != member.pk or not permissions.can_ask(member):
            raise Http404
        if not _rate(f"rate:ask:reply:{member.pk}", RATE_ASK_REPLY):
            raise _too_fast()
        entry = AskEntry.objects.create(request=request, author=member,
                                        kind=AskEntry.Kind.MEMBER, body=body)
        if request.status == AskRequest.Status.RESOLVED:
            request.status, request.resolved_at = AskRequest.Status.OPEN, None
            request.save(update_fields=["status", "resolved_at"])
        _ask_changed(request, member_too=False)
    return entry


def ask_rate(*, member, request_id: int, rating: int, comment: str = "") -> AskRequest:
    with transaction.atomic():
        request = AskRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or not permissions.can_view_request(member, request):
            raise Http404
        if not permissions.can_rate_request(member, request):
            raise MessagingError(_("You can rate the answer once the team has replied."))
        if rating not in range(1, 6):
            raise MessagingError(_("Choose from 1 to 5."))
        request.rating, request.rating_comment = rating, (comment or "")[:500]
        request.save(update_fields=["rating", "rating_comment"])
        _ask_changed(request, member_too=False)
    return request


def _ask_email(request: AskRequest, entry: AskEntry) -> None:
    """One email per reply through the outbox (its dedupe key makes it once), only to a
    member who may be emailed; a link to the request, never what anyone wrote."""
    from notifications import emails
    from notifications.models import Outbox
    from notifications.services import _dispatch, eligible_for_email

    member = request.member
    if member is None or not eligible_for_email(User.objects.filter(pk=member.pk)).exists():
        return
    key = f"ask:{request.pk}:reply:{entry.pk}"
    link = emails.absolute(reverse("messaging:ask_detail", kwargs={"pk": request.pk}))
    subject, text, html = emails.render_email(
        "messaging/ask_reply", {"link": link, "request": request}, user=member)
    row = Outbox.objects.create(
        recipient=member, kind=Outbox.Kind.REPLY, dedupe_key=key, subject=subject, text=text,
        html=html, headers={"Auto-Submitted": "auto-generated",
                            "Message-ID": emails.message_id(key)})
    from notifications.tasks import outbox_send_batch

    ids = [row.pk]
    transaction.on_commit(lambda: _dispatch(outbox_send_batch, ids), robust=True)


# --- Export and erasure --------------------------------------------------------------------


def export_conversations(user) -> list[dict]:
    """The member's conversations as they see them (messages from people they block left
    out, as on the page)."""
    from . import selectors

    out = []
    for conversation in selectors.conversation_list(user=user):
        messages, before = [], None
        while True:  # every message, a page at a time (the selector gives the newest page)
            page = selectors.messages_of(user=user, conversation=conversation, before=before)
            messages[:0] = page
            if len(page) < selectors.PAGE:
                break
            before = page[0].pk
        out.append({
            "id": conversation.pk, "subject": conversation.subject,
            "members": [m.user.username for m in conversation.members.all()],
            "messages": [{"from": m.sender.username if m.sender else "Former member",
                          "at": m.created_at.isoformat(), "text": m.body,
                          "status": m.status} for m in messages],
        })
    return out


def export_requests(user) -> list[dict]:
    return [{
        "id": r.pk, "topic": r.topic, "subject": r.subject, "status": r.status,
        "created_at": r.created_at.isoformat(), "rating": r.rating,
        "entries": [{"kind": e.kind, "at": e.created_at.isoformat(), "text": e.body}
                    for e in r.entries.all() if e.kind != AskEntry.Kind.NOTE],
    } for r in AskRequest.objects.filter(member=user).prefetch_related("entries")]


def erase_member(user, *, keep_posts: bool = False, **kwargs) -> None:
    """Account deletion. The others keep their conversations: with `keep_posts` the member's
    messages stay, signed "Former member" (the sender is emptied when the account goes);
    without it they are deleted. Conversations nobody else is left in go. Requests to the
    hospital lose the member's words and their link to the member (the figures stay)."""
    if not keep_posts:
        Message.objects.filter(sender=user).delete()
    ConversationMember.objects.filter(user=user).delete()
    Conversation.objects.filter(members__isnull=True).delete()
    AskEntry.objects.filter(request__member=user, kind=AskEntry.Kind.MEMBER).delete()
    AskRequest.objects.filter(member=user).update(member=None, rating_comment="")
