"""Who may message whom, who sees which conversation and message, and who works the
patient-experience inbox. What a member may not see is a 404, like what does not exist.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.permissions import (
    can_read_as_member,
    is_in_good_standing,
    is_staff_member,
    is_verified_clinician,
)
from community import permissions as forum

from .models import (
    AskEntry,
    AskRequest,
    Block,
    CommunityMessaging,
    Conversation,
    ConversationMember,
    MemberFollow,
    Message,
    MessageSettings,
)

PATIENT_EXPERIENCE_GROUP = "Patient experience"


def _rules() -> dict:
    return settings.HEARTH_MESSAGING


# --- Members ------------------------------------------------------------------------------


def is_new_for_messaging(user) -> bool:
    """Too new to start a conversation: the deployment's days and posts (staff, moderators and
    verified clinicians never are)."""
    if is_staff_member(user) or is_verified_clinician(user) or forum.is_moderator_anywhere(user):
        return False
    rules = _rules()
    if user.date_joined > timezone.now() - timedelta(days=rules["min_days"]):
        return True
    if rules["min_posts"]:
        from community.models import Post

        written = Post.objects.filter(author=user, status=Post.Status.PUBLISHED).count()
        return written < rules["min_posts"]
    return False


def is_new_in_community(user, community) -> bool:
    """A community's own, stricter rule for conversations started from its posts."""
    rules = CommunityMessaging.objects.filter(community=community).first()
    if rules is None or is_staff_member(user) or forum.can_moderate_community(user, community):
        return False
    if rules.min_days and user.date_joined > timezone.now() - timedelta(days=rules.min_days):
        return True
    if rules.min_posts:
        from community.models import Post

        written = Post.objects.filter(author=user, thread__community=community,
                                      status=Post.Status.PUBLISHED).count()
        return written < rules.min_posts
    return False


def can_use_messages(user) -> bool:
    """The Messages pages: any signed-in member who may read (a suspended member still reads
    their conversations, and cannot write)."""
    return can_read_as_member(user)


def can_start_conversations(user) -> bool:
    return is_in_good_standing(user) and not is_new_for_messaging(user)


def blocks(blocker, blocked) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def blockers_among(author_id: int, member_ids) -> set[int]:
    """Which of these members block this author (one query): registered with
    community.permissions, whose post_reaches keeps a blocked member's replies and mentions
    from reaching the blocker."""
    return set(Block.objects.filter(blocked_id=author_id, blocker_id__in=list(member_ids))
               .values_list("blocker_id", flat=True))


def blocked_among(member_id: int, actor_ids) -> set[int]:
    """Which of these people this member blocks (one query): registered with
    community.permissions, whose actors_reaching keeps a blocked member's reactions from
    reaching the blocker."""
    return set(Block.objects.filter(blocker_id=member_id, blocked_id__in=list(actor_ids))
               .values_list("blocked_id", flat=True))


def allows_messages_from(recipient, sender) -> bool:
    """The recipient's own choice: everyone, members they follow, or nobody. Staff and
    moderators may always write (a check-in after a crisis)."""
    if is_staff_member(sender) or forum.is_moderator_anywhere(sender):
        return True
    choice = MessageSettings.objects.filter(user=recipient).values_list(
        "allow_from", flat=True).first() or MessageSettings.AllowFrom.EVERYONE
    if choice == MessageSettings.AllowFrom.EVERYONE:
        return True
    if choice == MessageSettings.AllowFrom.FOLLOWING:
        return MemberFollow.objects.filter(follower=recipient, followed=sender).exists()
    return False


def may_message_clinician(sender, clinician) -> bool:
    """A verified clinician is messaged only by members of a community that allows it (or by
    staff and moderators)."""
    if is_staff_member(sender) or forum.is_moderator_anywhere(sender):
        return True
    shared = set(forum.memberships_of(sender)) & set(
        clinician.memberships.filter(status="active").values_list("community_id", flat=True))
    return CommunityMessaging.objects.filter(community_id__in=shared,
                                             allow_clinicians=True).exists()


def can_message(sender, recipient) -> bool:
    """May `sender` put `recipient` in a new conversation? A block is not checked here: the
    blocked member is not told (their messages are simply never shown to the blocker)."""
    if not can_start_conversations(sender):
        return False
    if recipient.pk == sender.pk or not can_read_as_member(recipient):
        return False
    if not allows_messages_from(recipient, sender):
        return False
    return not is_verified_clinician(recipient) or may_message_clinician(sender, recipient)


def can_message_from_post(user, post) -> bool:
    """"Message this member" under a post: never under an anonymous post or thread (it would
    lead to its author), never to oneself, only from a post the member may read."""
    if post.is_anonymous or post.thread.is_anonymous or post.author_id is None:
        return False
    if not forum.can_view_post(user, post):
        return False
    return not is_new_in_community(user, post.thread.community)


# --- Conversations and messages ------------------------------------------------------------


def membership_in(user, conversation: Conversation) -> ConversationMember | None:
    if not can_use_messages(user):
        return None
    return ConversationMember.objects.filter(conversation=conversation, user=user).first()


def can_view_conversation(user, conversation: Conversation) -> bool:
    return membership_in(user, conversation) is not None


def can_send_in(user, conversation: Conversation) -> bool:
    return is_in_good_standing(user) and can_view_conversation(user, conversation)


def can_view_message(user, message: Message) -> bool:
    """A member of its conversation; a held message only its sender; never one from someone
    the member blocks."""
    if not can_view_conversation(user, message.conversation):
        return False
    if message.sender_id == user.pk:
        return True
    if message.status != Message.Status.SENT:
        return False
    return not (message.sender_id and blocks(user, message.sender))


def can_report_message(user, message: Message) -> bool:
    return (is_in_good_standing(user) and message.sender_id != user.pk
            and can_view_message(user, message))


def conversations_visible_to(user, queryset: QuerySet[Conversation] | None = None
                             ) -> QuerySet[Conversation]:
    """Conversations the member belongs to and in which they can see at least one message
    (a conversation only a blocked member wrote in does not show)."""
    queryset = Conversation.objects.all() if queryset is None else queryset
    if not can_use_messages(user):
        return queryset.none()
    visible = messages_visible_to(user, Message.objects.filter(conversation=OuterRef("pk")))
    return queryset.filter(members__user=user).filter(Exists(visible))


def messages_visible_to(user, queryset: QuerySet[Message] | None = None) -> QuerySet[Message]:
    """The queryset twin of can_view_message."""
    queryset = Message.objects.all() if queryset is None else queryset
    if not can_use_messages(user):
        return queryset.none()
    blocked = Block.objects.filter(blocker=user).values("blocked_id")
    mine = Q(sender=user)
    theirs = Q(status=Message.Status.SENT) & ~Q(sender_id__in=blocked)
    in_mine = ConversationMember.objects.filter(user=user).values("conversation_id")
    return queryset.filter(conversation_id__in=in_mine).filter(mine | theirs)


# --- Ask the hospital ---------------------------------------------------------------------


def ask_is_open() -> bool:
    return bool(settings.HEARTH_ASK["enabled"])


def is_patient_experience(user) -> bool:
    """Staff of the patient-experience team: members of its group, signed in and active."""
    if not (user.is_authenticated and user.is_active and not user.is_banned):
        return False
    return user.groups.filter(name=PATIENT_EXPERIENCE_GROUP).exists()


def can_ask(user) -> bool:
    return ask_is_open() and is_in_good_standing(user)


def can_view_own_requests(user) -> bool:
    return ask_is_open() and can_read_as_member(user)


def can_view_request(user, request: AskRequest) -> bool:
    if not ask_is_open():
        return False
    if is_patient_experience(user):
        return True
    return can_read_as_member(user) and request.member_id == user.pk


def can_work_request(user, request: AskRequest) -> bool:
    return ask_is_open() and is_patient_experience(user) and is_in_good_standing(user)


def can_rate_request(user, request: AskRequest) -> bool:
    return (is_in_good_standing(user) and request.member_id == user.pk
            and request.first_reply_at is not None)


def requests_visible_to(user, queryset: QuerySet[AskRequest] | None = None
                        ) -> QuerySet[AskRequest]:
    queryset = AskRequest.objects.all() if queryset is None else queryset
    if not ask_is_open():
        return queryset.none()
    if is_patient_experience(user):
        return queryset
    if not can_read_as_member(user):
        return queryset.none()
    return queryset.filter(member=user)


def entries_visible_to(user, request: AskRequest,
                       queryset: QuerySet[AskEntry] | None = None) -> QuerySet[AskEntry]:
    """Internal notes are the team's alone."""
    queryset = AskEntry.objects.filter(request=request) if queryset is None else queryset
    if is_patient_experience(user):
        return queryset
    if not can_view_request(user, request):
        return queryset.none()
    return queryset.exclude(kind=AskEntry.Kind.NOTE)
