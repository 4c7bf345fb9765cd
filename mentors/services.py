"""Every write of volunteer mentoring: applying, staff's decision (audited), and the welcome a
mentor sends a new member once (screened like posts; held ones wait for a moderator)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.markdown import render_markdown
from community.models import Community
from hearth.lib.notices import notice_add
from moderation.audit import audit_record
from moderation.models import ModerationItem
from moderation.screening import ESCALATE, REVIEW, Context, screen
from moderation.services import target_item_open

from . import permissions
from .models import MentorApplication, Welcome
from .selectors import forget_mentors


def mentor_apply(*, user, community: Community, motivation: str) -> MentorApplication:
    if not permissions.can_apply(user, community):
        raise Http404
    motivation = motivation.strip()
    if not motivation:
        raise ValidationError({"motivation": _("Tell us a little about why.")})
    application, created = MentorApplication.objects.get_or_create(
        user=user, community=community, defaults={"motivation": motivation})
    if not created and application.status in (MentorApplication.Status.REJECTED,
                                              MentorApplication.Status.REVOKED):
        application.status = MentorApplication.Status.PENDING
        application.motivation = motivation
        application.save(update_fields=["status", "motivation"])
    return application


def mentor_decide(*, staff, application: MentorApplication, approve: bool,
                  reason: str = "") -> MentorApplication:
    if not permissions.can_review_mentors(staff):
        raise Http404
    with transaction.atomic():
        application.status = (MentorApplication.Status.APPROVED if approve
                              else MentorApplication.Status.REJECTED)
        application.decided_by = staff
        application.decided_at = timezone.now()
        application.decision_reason = reason
        application.save(update_fields=["status", "decided_by", "decided_at",
                                        "decision_reason"])
        audit_record(actor=staff, action="mentor_approve" if approve else "mentor_reject",
                     target=application, reason=reason, community_id=application.community_id)
        community_id = application.community_id
        transaction.on_commit(lambda: forget_mentors(community_id), robust=True)
    return application


def mentor_revoke(*, staff, application: MentorApplication, reason: str = "") -> None:
    if not permissions.can_review_mentors(staff):
        raise Http404
    with transaction.atomic():
        application.status = MentorApplication.Status.REVOKED
        application.save(update_fields=["status"])
        audit_record(actor=staff, action="mentor_revoke", target=application, reason=reason,
                     community_id=application.community_id)
        community_id = application.community_id
        transaction.on_commit(lambda: forget_mentors(community_id), robust=True)


def welcome_send(*, mentor, member, community: Community, body: str) -> Welcome:
    if not permissions.can_open_queue(mentor, community):
        raise Http404
    if not permissions.can_welcome(mentor, member, community):
        raise PermissionDenied(_("This member has been welcomed already or is no longer new."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a welcome.")})
    result = screen(body, context=Context(links_allowed=True))
    held = result.is_held or result.crisis_outcome in (ESCALATE, REVIEW)
    with transaction.atomic():
        try:
            with transaction.atomic():
                welcome = Welcome.objects.create(
                    mentor=mentor, member=member, community=community, body=body,
                    body_html=render_markdown(body),
                    status=Welcome.Status.HELD if held else Welcome.Status.SENT)
        except IntegrityError:
            raise PermissionDenied(_("This member has been welcomed already.")) from None
        if held:
            target_item_open(kind=ModerationItem.Kind.HELD, target_type="welcome",
                             target=welcome, reason=(result.held_kinds or ("crisis",))[0],
                             community_id=community.pk, subject_user=mentor,
                             detail=_("A mentor's welcome"))
        else:
            _deliver_on_commit(welcome)
    return welcome


# A welcome waits for the member's next page for as long as they count as new.
WELCOME_NOTICE_TTL = 14 * 24 * 3600


def welcome_notice_add(welcome: Welcome) -> None:
    """The member's one-time notice of a welcome (shown on their next page)."""
    notice_add(user_id=welcome.member_id, template="mentors/_welcome_notice.html",
               ttl=WELCOME_NOTICE_TTL,
               context={"welcome": welcome.pk, "body_html": welcome.body_html,
                        "mentor": welcome.mentor.public_name if welcome.mentor else "",
                        "community": welcome.community.name})


def _deliver_on_commit(welcome: Welcome) -> None:
    transaction.on_commit(lambda: welcome_notice_add(welcome), robust=True)


def welcome_notices_on_sign_in(*, user) -> int:
    """At sign-in, the welcomes the member has not said they read come back as notices (a
    notice lost from the cache, or shown once on a page they left at once). One query."""
    unseen = list(Welcome.objects.filter(member=user, status=Welcome.Status.SENT,
                                         seen_at__isnull=True)
                  .select_related("mentor", "community"))
    for welcome in unseen:
        welcome_notice_add(welcome)
    return len(unseen)


def welcome_seen(*, member, welcome: Welcome) -> None:
    """The member read their welcome ("Thank you"): it is not shown again."""
    if welcome.member_id != member.pk or welcome.status != Welcome.Status.SENT:
        raise Http404
    Welcome.objects.filter(pk=welcome.pk, seen_at__isnull=True).update(seen_at=timezone.now())


def welcome_release_item(item, *, user) -> None:
    welcome = Welcome.objects.filter(pk=item.target_id, status=Welcome.Status.HELD).first()
    if welcome is not None:
        Welcome.objects.filter(pk=welcome.pk).update(status=Welcome.Status.SENT)
        _deliver_on_commit(welcome)


def welcome_reject_item(item, *, user, reason: str):
    return Welcome.objects.filter(pk=item.target_id).first()


def welcome_text(*, mentor, member, community: Community) -> str:
    """The templated welcome the mentor edits before sending."""
    return _("Welcome to %(community)s, %(member)s! I'm %(mentor)s, a volunteer mentor here "
             "(not a clinician). Ask anything, or tell us a little about yourself when you "
             "feel ready. The community guidelines are at the top of the page.") % {
        "community": community.name, "member": member.public_name,
        "mentor": mentor.public_name}
