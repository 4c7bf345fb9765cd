"""Every write of expert Q&A events: scheduling, registration, questions (screened like posts),
votes, live answers, the moderator's hide/release/order (audited), staff's edit and cancel
(audited; a cancellation is emailed to registered members), attendance, and the
reminders the day before and an hour before (through the outbox, in the member's language,
with an .ics attachment)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_new_member
from community.markdown import render_markdown
from community.models import Community
from hearth.lib.notices import notice_add
from moderation.audit import audit_record
from moderation.models import ModerationItem
from moderation.screening import ESCALATE, REVIEW, Context, screen
from moderation.services import target_item_open

from . import live, permissions
from .models import Event, Question, QuestionVote, Registration

logger = logging.getLogger(__name__)

QUESTION_MAX = 2000
QUESTION_RATE = (5, 300)  # questions per member and window (seconds)
REMINDERS = {"day": datetime.timedelta(hours=24), "hour": datetime.timedelta(hours=1)}
# The day's reminder goes between 24 and 12 hours before (a member who registers later gets
# the hour's only).
DAY_REMINDER_FROM = datetime.timedelta(hours=12)


class RateLimited(Exception):
    pass


def _check_event(*, expert, starts_at, ends_at) -> None:
    if not permissions.can_be_expert(expert):
        raise ValidationError({"expert": _("The expert must be a verified clinician.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The event must end after it starts.")})


def event_schedule(*, by, community: Community, title: str, expert, starts_at, ends_at,
                   description: str = "") -> Event:
    if not permissions.can_schedule_in(by, community):
        raise Http404
    _check_event(expert=expert, starts_at=starts_at, ends_at=ends_at)
    with transaction.atomic():
        event = Event.objects.create(
            community=community, title=title, description=description,
            description_html=render_markdown(description), expert=expert,
            starts_at=starts_at, ends_at=ends_at, created_by=by)
        audit_record(actor=by, action="event_schedule", target=event,
                     community_id=community.pk)
    return event


def event_update(*, by, event: Event, title: str, expert, starts_at, ends_at,
                 description: str = "") -> Event:
    """Staff change a scheduled event (audited). Registered members are reminded of the new
    time by the reminders that are still due."""
    if not permissions.can_edit_event(by, event):
        raise Http404
    _check_event(expert=expert, starts_at=starts_at, ends_at=ends_at)
    with transaction.atomic():
        event.title, event.description, event.expert = title, description, expert
        event.description_html = render_markdown(description)
        event.starts_at, event.ends_at = starts_at, ends_at
        event.save(update_fields=["title", "description", "description_html", "expert",
                                  "starts_at", "ends_at"])
        audit_record(actor=by, action="event_edit", target=event,
                     community_id=event.community_id)
    return event


def event_cancel(*, by, event: Event, reason: str = "") -> int:
    """Staff cancel a scheduled event (audited): every registered member who may still see it
    gets an email through the outbox, in their language, and open pages reload. Returns the
    number of emails queued."""
    if not permissions.can_cancel_event(by, event):
        raise Http404
    with transaction.atomic():
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status"])
        audit_record(actor=by, action="event_cancel", target=event, reason=reason,
                     community_id=event.community_id)
        made = _email_registered(event, kind="cancelled", template="events/cancelled",
                                 context={"reason": reason})
        live.event_reload_on_commit(event.pk)
    return made


def event_register(*, user, event: Event) -> Registration:
    if not permissions.can_register(user, event):
        if not permissions.can_view_event(user, event):
            raise Http404
        raise PermissionDenied(_("Join this community to register."))
    registration, _created = Registration.objects.get_or_create(event=event, user=user)
    return registration


def event_unregister(*, user, event: Event) -> None:
    Registration.objects.filter(event=event, user=user).delete()


def event_attend(*, user, event: Event, now=None) -> bool:
    """A registered member who opens the event while it is live attended it (once)."""
    if not user.is_authenticated or event.phase(now) != "live":
        return False
    return bool(Registration.objects.filter(event=event, user=user, attended_at__isnull=True)
                .update(attended_at=now or timezone.now()))


def _check_rate(user) -> None:
    count, window = QUESTION_RATE
    key = f"rate:event-question:{user.pk}"
    try:
        cache.add(key, 0, timeout=window)
        used = cache.incr(key)
    except Exception:  # noqa: BLE001 - Redis down: asking still works
        return
    if used > count:
        raise RateLimited(_("You're asking quickly. Please wait a few minutes and try again."))


def question_ask(*, author, event: Event, body: str, anonymous: bool = False) -> Question:
    if not permissions.can_ask(author, event):
        if not permissions.can_view_event(author, event):
            raise Http404
        raise PermissionDenied(_("Join this community to ask a question."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write your question.")})
    if len(body) > QUESTION_MAX:
        raise ValidationError({"body": _("Keep your question under 2000 characters.")})
    if anonymous and not event.community.allow_anonymous:
        raise ValidationError({"anonymous": _("This community does not allow anonymous posts.")})
    _check_rate(author)
    result = screen(body, context=Context(links_allowed=not is_new_member(author)))
    held = result.is_held
    with transaction.atomic():
        question = Question.objects.create(
            event=event, author=author, body=body, body_html=render_markdown(body),
            is_anonymous=anonymous, is_crisis=result.crisis_outcome == ESCALATE,
            status=Question.Status.HELD if held else Question.Status.PUBLISHED)
        if held:
            target_item_open(kind=ModerationItem.Kind.HELD, target_type="question",
                             target=question, reason=result.held_kinds[0],
                             community_id=event.community_id, subject_user=author,
                             detail=_("A question for an expert Q&A"))
        outcome = result.crisis_outcome
        if outcome in (ESCALATE, REVIEW):
            target_item_open(kind=ModerationItem.Kind.CRISIS, target_type="question",
                             target=question,
                             reason="crisis" if outcome == ESCALATE else "possible_crisis",
                             community_id=event.community_id, subject_user=author,
                             detail=", ".join(result.crisis_kinds))
            template = ("moderation/_crisis_resources.html" if outcome == ESCALATE
                        else "moderation/_support_note.html")
            author_id = author.pk
            transaction.on_commit(lambda: notice_add(user_id=author_id, template=template),
                                  robust=True)
        if question.status == Question.Status.PUBLISHED:
            live.question_changed_on_commit(question)
    return question


def question_vote(*, user, question: Question) -> bool:
    """Toggle the member's vote; True when it is now counted."""
    if not permissions.can_view_question(user, question):
        raise Http404
    if not permissions.can_vote(user, question):
        raise PermissionDenied(_("You cannot vote on this question."))
    with transaction.atomic():
        deleted, _rows = QuestionVote.objects.filter(question=question, user=user).delete()
        if deleted:
            Question.objects.filter(pk=question.pk).update(vote_count=F("vote_count") - 1)
        else:
            try:
                with transaction.atomic():
                    QuestionVote.objects.create(question=question, user=user)
            except IntegrityError:
                return True
            Question.objects.filter(pk=question.pk).update(vote_count=F("vote_count") + 1)
        question.refresh_from_db()
        live.question_changed_on_commit(question)
    return not deleted


def question_answer(*, expert, question: Question, body: str) -> Question:
    if not permissions.can_view_question(expert, question):
        raise Http404
    if not permissions.can_answer(expert, question.event):
        raise PermissionDenied(_("Only the event's expert answers."))
    if question.status != Question.Status.PUBLISHED:
        raise PermissionDenied(_("This question is not published."))
    body = body.strip()
    if not body:
        raise ValidationError({"answer": _("Write an answer.")})
    with transaction.atomic():
        question.answer = body
        question.answer_html = render_markdown(body)
        question.answered_at = timezone.now()
        question.answered_by = expert
        question.save(update_fields=["answer", "answer_html", "answered_at", "answered_by"])
        live.question_changed_on_commit(question)
    return question


def question_moderate(*, moderator, question: Question, action: str, reason: str = "",
                      order: int | None = None) -> Question:
    """hide, release (a held or hidden question becomes public) or order; audited."""
    if not permissions.can_moderate_event(moderator, question.event):
        raise Http404
    with transaction.atomic():
        if action == "hide":
            question.status = Question.Status.HIDDEN
        elif action == "release":
            question.status = Question.Status.PUBLISHED
        elif action == "order":
            question.order = order
        else:
            raise ValidationError(_("Unknown action."))
        question.save(update_fields=["status", "order"])
        audit_record(actor=moderator, action=f"event_question_{action}", target=question,
                     reason=reason, community_id=question.event.community_id)
        live.question_changed_on_commit(question)
    return question


# --- moderation.targets: the review queue's approve and reject of a held question ----------


def _question_for(item) -> Question | None:
    return Question.objects.select_related("event__community").filter(
        pk=item.target_id).first()


def question_release_item(item, *, user) -> None:
    question = _question_for(item)
    if question is not None:
        question_moderate(moderator=user, question=question, action="release")


def question_hide_item(item, *, user, reason: str):
    question = _question_for(item)
    if question is not None:
        return question_moderate(moderator=user, question=question, action="hide",
                                 reason=reason)
    return None


# --- Reminders -----------------------------------------------------------------------------


def _due(kind: str, now) -> list[Event]:
    ahead = REMINDERS[kind]
    window = (now, now + ahead)
    return list(Event.objects.filter(status=Event.Status.SCHEDULED, starts_at__gt=window[0],
                                     starts_at__lte=window[1]).select_related("community",
                                                                              "expert"))


def reminders_send(*, now=None) -> int:
    """The day-before and hour-before reminders due now: one outbox row per event, member and
    kind (its dedupe key), to registered members who may still see the event and be emailed.
    A member registering 3 hours before gets only the hour's."""
    now = now or timezone.now()
    made = 0
    for kind in ("hour", "day"):
        for event in _due(kind, now):
            if kind == "day" and event.starts_at - now <= DAY_REMINDER_FROM:
                continue  # too close for "tomorrow": the hour's reminder covers it
            made += _email_registered(event, kind=f"reminder:{kind}",
                                      template=f"events/reminder_{kind}")
    return made


def _email_registered(event: Event, *, kind: str, template: str,
                      context: dict | None = None) -> int:
    """One outbox row per registered member who may see the event and be emailed (dedupe key
    events:<kind>:<event>:<member>), rendered in the member's language and time zone; sent
    after commit."""
    from notifications import emails
    from notifications.models import Outbox
    from notifications.services import _dispatch, eligible_for_email
    from notifications.tasks import outbox_send_batch

    prefix, _sep, suffix = kind.partition(":")
    made: list[int] = []
    registered = Registration.objects.filter(event=event).values("user_id")
    link = emails.absolute(event.get_absolute_url())
    for member in eligible_for_email().filter(pk__in=registered):
        if not permissions.can_view_event(member, event):
            continue
        key = f"events:{prefix}:{event.pk}:{member.pk}" + (f":{suffix}" if suffix else "")
        if Outbox.objects.filter(dedupe_key=key).exists():
            continue
        with timezone.override(_zone(member)):
            subject, text, html = emails.render_email(
                template, {"event": event, "link": link, **(context or {})}, user=member)
        with transaction.atomic():
            try:
                row = Outbox.objects.create(
                    recipient=member, kind=Outbox.Kind.REPORT, dedupe_key=key,
                    subject=subject, text=text, html=html,
                    headers={"Auto-Submitted": "auto-generated",
                             "Message-ID": emails.message_id(key)})
            except IntegrityError:
                continue
        made.append(row.pk)
    if made:
        transaction.on_commit(lambda: _dispatch(outbox_send_batch, made), robust=True)
    return len(made)


def _zone(member):
    """The member's time zone (the site's if theirs is unknown)."""
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(member.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def ics_for(event: Event) -> bytes:
    """The event as an iCalendar file (RFC 5545) with icalendar."""
    import icalendar

    from hearth.lib.emails import absolute, site_host

    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Expert Q&A//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = icalendar.Event()
    entry.add("uid", f"event-{event.pk}@{site_host()}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    entry.add("url", absolute(event.get_absolute_url()))
    entry.add("description", absolute(event.get_absolute_url()))
    calendar.add_component(entry)
    return calendar.to_ical()


def ics_attachment(row) -> tuple[str, bytes, str] | None:
    """For notifications.emails: the .ics of the event a reminder row is about."""
    try:
        event_id = int(row.dedupe_key.split(":")[2])
    except (IndexError, ValueError):
        return None
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return None
    return "event.ics", ics_for(event), "text/calendar; method=PUBLISH; charset=utf-8"
