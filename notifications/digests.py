"""Daily and weekly digests: who is due, what goes in, and building them into the outbox.

A member is due when digests are on, it is morning (or later) in their time zone, they have
not had this period's digest (a unique row per member and period), and they have not visited
since their last digest. Content is gathered for a batch of members with a fixed number of
queries; every item is checked with community.permissions for that member, when the digest
is built and again when it is sent.
"""

from __future__ import annotations

import functools
import logging
import re
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.models import User
from accounts.permissions import is_verified_clinician
from community import permissions
from community.models import Membership, Post, Thread
from events.models import Event
from events.permissions import can_view_event
from events.selectors import archives_for_digest

from . import emails, tokens
from . import outbox as outbox_rows
from .models import CheckIn, DigestClick, DigestRun, NotificationSettings, Outbox
from .selectors import eligible_for_email, prime_memberships, settings_for

logger = logging.getLogger(__name__)

Frequency = NotificationSettings.Frequency
INTERVALS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
BATCH_SIZE = 100
THREADS_PER_COMMUNITY = 5
POOL_PER_COMMUNITY = 60
QUESTIONS = 5
WAITING_FOR_CLINICIAN = 10
WAITING_POOL_PER_COMMUNITY = 30
WAITING_MAX_AGE = timedelta(days=30)
CLINICIAN_ANSWERS = 5


def morning_hour() -> int:
    return getattr(settings, "HEARTH_DIGEST_HOUR", 7)


def member_zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def period_for(frequency: str, local: datetime) -> str:
    if frequency == Frequency.DAILY:
        return local.date().isoformat()
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Due:
    user: User
    frequency: str
    period: str
    since: datetime


def _due(user, *, now, runs: set, frequency: str | None, ignore_morning: bool) -> Due | None:
    prefs = settings_for(user)
    freq = prefs.digest_frequency
    if freq == Frequency.NEVER or (frequency and freq != frequency):
        return None
    local = now.astimezone(member_zone(user))
    if not ignore_morning and local.hour < morning_hour():
        return None
    period = period_for(freq, local)
    if (user.pk, freq, period) in runs:
        return None
    since = prefs.last_digest_at or now - INTERVALS[freq]
    # Only members who have not been back since their last digest (as Discourse does).
    if user.last_seen_at and user.last_seen_at >= since:
        return None
    return Due(user=user, frequency=freq, period=period, since=since)


def due_user_ids(*, now: datetime | None = None, frequency: str | None = None,
                 ignore_morning: bool = False) -> list[int]:
    """Members due a digest now (a hint for the batches, which check it all again)."""
    now = now or timezone.now()
    members = eligible_for_email().select_related("notification_settings").only(
        "pk", "time_zone", "last_seen_at", "email",
        "notification_settings__digest_frequency", "notification_settings__last_digest_at",
    ).exclude(notification_settings__digest_frequency=Frequency.NEVER)
    recent = now - timedelta(days=8)
    runs = set(
        DigestRun.objects.filter(created_at__gte=recent).values_list("user_id", "frequency",
                                                                    "period")
    )
    return [
        user.pk
        for user in members.order_by("pk").iterator(chunk_size=2000)
        if _due(user, now=now, runs=runs, frequency=frequency, ignore_morning=ignore_morning)
    ]


# --- Content --------------------------------------------------------------------------------


@dataclass
class Content:
    communities: list[tuple[object, list[Thread]]] = field(default_factory=list)
    questions: list[Thread] = field(default_factory=list)
    waiting: list[Thread] = field(default_factory=list)
    answers: list[Post] = field(default_factory=list)
    # Expert Q&A events that ended with answers (they ride along: never a digest alone).
    events: list = field(default_factory=list)

    @property
    def thread_ids(self) -> list[int]:
        ids = [t.pk for _c, threads in self.communities for t in threads]
        ids += [t.pk for t in self.questions] + [t.pk for t in self.waiting]
        ids += [p.thread_id for p in self.answers]
        return list(dict.fromkeys(ids))

    @property
    def count(self) -> int:
        return len(self.thread_ids)


def thread_fits(user, thread: Thread) -> bool:
    """May this thread be in this member's digest? The pages' own access rule, and never a
    hidden, held, deleted or crisis-flagged thread."""
    return (
        thread.status == Thread.Status.PUBLISHED
        and not thread.is_crisis
        and permissions.can_view_thread(user, thread)
    )


def _engagement():
    return (
        F("reply_count") + F("reaction_count") + F("clinician_answer_count") * 3
        + Case(When(accepted_post__isnull=False, then=Value(2)), default=Value(0),
               output_field=IntegerField())
    )


def collect(dues: list[Due], *, now: datetime) -> dict[int, Content]:
    """Each member's digest content: five queries whatever the number of members."""
    if not dues:
        return {}
    users = [d.user for d in dues]
    prime_memberships(users)  # 1 query
    following: dict[int, list] = defaultdict(list)
    community_ids: set[int] = set()
    for user in users:
        for membership in permissions.memberships_of(user).values():
            if membership.status == Membership.Status.ACTIVE:
                community_ids.add(membership.community_id)
    if not community_ids:
        return {d.user.pk: Content() for d in dues}
    earliest = min(d.since for d in dues)
    score = _engagement()
    pool = list(  # 1 query: the most engaging threads of each community since `earliest`
        Thread.objects.filter(
            community_id__in=community_ids, status=Thread.Status.PUBLISHED, is_crisis=False,
            last_activity_at__gte=earliest,
        )
        .select_related("community")
        .annotate(
            score=score,
            rank=Window(RowNumber(), partition_by=[F("community_id")],
                        order_by=[score.desc(), F("last_activity_at").desc(), F("pk").desc()]),
        )
        .filter(rank__lte=POOL_PER_COMMUNITY)
        .order_by("community_id", "rank")
    )
    by_community: dict[int, list[Thread]] = defaultdict(list)
    for thread in pool:
        by_community[thread.community_id].append(thread)
    questions = list(  # 1 query: questions still waiting for a clinician's answer
        Thread.objects.filter(
            community_id__in=community_ids, status=Thread.Status.PUBLISHED, is_crisis=False,
            kind=Thread.Kind.QUESTION, clinician_answer_count=0,
            created_at__gte=now - WAITING_MAX_AGE,
        )
        .select_related("community")
        .annotate(rank=Window(RowNumber(), partition_by=[F("community_id")],
                              order_by=[F("created_at").desc(), F("pk").desc()]))
        .filter(rank__lte=WAITING_POOL_PER_COMMUNITY)
        .order_by("created_at", "pk")
    )
    answers = (  # 1 query: clinician answers in threads these members follow
        Post.objects.filter(
            is_clinician_answer=True, status=Post.Status.PUBLISHED,
            screening__in=permissions.PUBLIC_SCREENING, created_at__gte=earliest,
            thread__status=Thread.Status.PUBLISHED, thread__is_crisis=False,
            thread__follows__user__in=[u.pk for u in users],
        )
        .select_related("thread__community")
        # a row per post and follower: not the text, the HTML and the search vector
        .defer("body", "body_html", "search_vector")
        .annotate(follower_id=F("thread__follows__user_id"))
        .order_by("-created_at", "-pk")
    )
    for post in answers:
        following[post.follower_id].append(post)
    archives = archives_for_digest(community_ids=community_ids, since=earliest, now=now)  # 1
    return {
        d.user.pk: _content_for(d, by_community, questions, following.get(d.user.pk, []),
                                archives)
        for d in dues
    }


def _content_for(due: Due, by_community, questions, answers, archives=None) -> Content:
    user, since = due.user, due.since
    content = Content()
    shown: set[int] = set()
    memberships = sorted(
        (m for m in permissions.memberships_of(user).values()
         if m.status == Membership.Status.ACTIVE and m.level != Membership.Level.MUTED),
        key=lambda m: m.community_id,
    )
    joined = {m.community_id for m in memberships}
    # Questions first, so that a question waiting for help is listed where it asks for it.
    if is_verified_clinician(user):
        for thread in questions:
            if thread.community_id in joined and thread_fits(user, thread):
                content.waiting.append(thread)
                shown.add(thread.pk)
                if len(content.waiting) == WAITING_FOR_CLINICIAN:
                    break
    else:
        for thread in reversed(questions):  # newest first
            if (thread.community_id in joined and thread.reply_count == 0
                    and thread.created_at >= since and thread.author_id != user.pk
                    and thread_fits(user, thread)):
                content.questions.append(thread)
                shown.add(thread.pk)
                if len(content.questions) == QUESTIONS:
                    break
    for post in answers:
        if len(content.answers) == CLINICIAN_ANSWERS:
            break
        if post.author_id != user.pk and post.created_at >= since and \
                post.thread_id not in shown and thread_fits(user, post.thread) and \
                permissions.can_view_post(user, post):
            content.answers.append(post)
            shown.add(post.thread_id)
    for membership in memberships:
        top = []
        for thread in by_community.get(membership.community_id, []):
            if thread.pk not in shown and thread.last_activity_at >= since and \
                    thread_fits(user, thread):
                top.append(thread)
                shown.add(thread.pk)
                if len(top) == THREADS_PER_COMMUNITY:
                    break
        if top:
            content.communities.append((top[0].community, top))
        content.events += [event for event in (archives or {}).get(membership.community_id, [])
                           if event.ends_at >= since and can_view_event(user, event)]
    return content


# --- Rendering ------------------------------------------------------------------------------


_URL_SLOT = "__HEARTH_LINK__"


def _click_url(user_id: int, thread: Thread, due: Due, signer=None) -> str:
    token = tokens.click_token(user_id=user_id, thread_id=thread.pk, frequency=due.frequency,
                               period=due.period, signer=signer)
    return _click_prefix().replace(_URL_SLOT, token)


@functools.cache
def _click_prefix() -> str:
    return emails.absolute(reverse("notifications:click", kwargs={"token": _URL_SLOT}))


def dedupe_key(due: Due) -> str:
    return f"digest:{due.user.pk}:{due.frequency}:{due.period}"


_SLOT = re.compile(r"__HEARTH_SLOT_([A-Z]+)__")
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def _slot(name: str) -> str:
    return f"__HEARTH_SLOT_{name}__"


def _fill(template: str, values: dict[str, str]) -> str:
    """The template's slots replaced in one pass (what is put in is never read again)."""
    return _SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), template)


class _Placeholder:
    """Stands for the member in the parts rendered once for everyone."""

    public_name = _slot("NAME")
    language = ""


class Writer:
    """Writes a batch's digests. Everything that is the same for many members is rendered
    once per language (and batch) by the templates, its CSS inlined once: the frame of the
    email (digest.html and .txt, per frequency), each section's heading
    (_digest_part.html/.txt), each discussion's and Q&A's lines (_thread, _event), the
    check-in, the subject (per frequency and count). A member's digest is those parts put
    together, with their name, their signed links and their unsubscribe link filled into
    slots. (Rendering and inlining each member's email was most of a batch's time.)"""

    def __init__(self) -> None:
        self._cache: dict = {}
        self.unsubscribe_signer = tokens.unsubscribe_signer()
        self.click_signer = tokens.click_signer()

    def _cached(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # --- parts rendered once per language ---------------------------------------------------

    def frame(self, language: str, frequency: str) -> tuple[str, str, str]:
        """(text, html, css) of digest.txt/.html with slots for the name, the content and
        the unsubscribe link; the html's CSS inlined."""
        def make():
            context = {
                **emails.site_context(), "settings_url": emails._settings_url(),  # noqa: SLF001
                "member": _Placeholder(), "frequency": frequency,
                "content": mark_safe(_slot("CONTENT")),  # noqa: S308 - a constant
                "unsubscribe_url": _slot("UNSUBSCRIBE"),
            }
            with translation.override(language):
                text = render_to_string("email/notifications/digest.txt", context)
                raw = render_to_string("email/notifications/digest.html", context)
            css = "\n".join(_STYLE.findall(raw))
            return text, emails.inline_css(raw), css
        return self._cached(("frame", language, frequency), make)

    def _inline(self, html: str, language: str) -> str:
        return emails.inline_fragment(html, self.frame(language, Frequency.WEEKLY)[2])

    def part(self, language: str, part: str, name: str = "") -> tuple[str, str]:
        """A section's heading, with a slot for its lines."""
        def make():
            context = {"part": part, "name": name,
                       "items": mark_safe(_slot("ITEMS"))}  # noqa: S308 - a constant
            with translation.override(language):
                text = render_to_string("email/notifications/_digest_part.txt", context)
                html = render_to_string("email/notifications/_digest_part.html", context)
            return text, self._inline(html, language)
        return self._cached(("part", language, part, name), make)

    def checkin(self, language: str) -> tuple[str, str]:
        """The check-in section, with a slot for the member's token in its links."""
        def make():
            links = [(value, label, _checkin_prefix(value)) for value, label in
                     CheckIn.Answer.choices]
            context = {"part": "checkin", "checkin": links}
            with translation.override(language):
                links = [(value, str(label), url) for value, label, url in links]
                context["checkin"] = links
                text = render_to_string("email/notifications/_digest_part.txt", context)
                html = render_to_string("email/notifications/_digest_part.html", context)
            return text, self._inline(html, language)
        return self._cached(("checkin", language), make)

    def thread(self, thread: Thread, language: str) -> tuple[str, str]:
        """A discussion's lines, with a slot for the member's own link."""
        def make():
            context = {"item": {"thread": thread, "url": _URL_SLOT}}
            with translation.override(language):
                text = render_to_string("email/notifications/_thread.txt", context)
                html = render_to_string("email/notifications/_thread.html", context)
            return text, self._inline(html, language)
        return self._cached(("thread", thread.pk, language), make)

    def event(self, event, language: str) -> tuple[str, str]:
        def make():
            context = {"e": {"event": event, "url": emails.absolute(event.get_absolute_url())}}
            with translation.override(language):
                text = render_to_string("email/notifications/_event.txt", context)
                html = render_to_string("email/notifications/_event.html", context)
            return text, self._inline(html, language)
        return self._cached(("event", event.pk, language), make)

    def subject(self, language: str, frequency: str, count: int) -> str:
        def make():
            with translation.override(language):
                subject = render_to_string("email/notifications/digest_subject.txt", {
                    **emails.site_context(), "frequency": frequency, "count": count})
            return " ".join(subject.split())[:250]
        return self._cached(("subject", language, frequency, count), make)

    # --- one member's digest ---------------------------------------------------------------

    def digest(self, due: Due, content: Content, *, checkin: str | None = None
               ) -> tuple[str, str, str, str]:
        """(subject, text, html, unsubscribe link) of the member's digest."""
        user = due.user
        language = emails.member_language(user)
        texts: list[str] = []
        htmls: list[str] = []

        def section(part: str, lines: list[tuple[str, str]], name: str = "") -> None:
            text, html = self.part(language, part, name)
            texts.append(_fill(text, {"ITEMS": "".join(t for t, _h in lines)}))
            htmls.append(_fill(html, {"ITEMS": "".join(h for _t, h in lines)}))

        def threads(items: list[Thread]) -> list[tuple[str, str]]:
            lines = []
            for thread in items:
                url = _click_url(user.pk, thread, due, signer=self.click_signer)
                text, html = self.thread(thread, language)
                # the lines were escaped when rendered; the link is URL-safe characters
                lines.append((text.replace(_URL_SLOT, url),
                              html.replace(_URL_SLOT, escape(url))))
            return lines

        for community, items in content.communities:
            section("community", threads(items), community.name)
        for part, items in (("answers", [p.thread for p in content.answers]),
                            ("questions", content.questions), ("waiting", content.waiting)):
            if items:
                section(part, threads(items))
        if content.events:
            section("events", [self.event(e, language) for e in content.events])
        if checkin:
            token = tokens.checkin_token(user_id=user.pk, month=checkin)
            text, html = self.checkin(language)
            texts.append(_fill(text, {"TOKEN": token}))
            htmls.append(_fill(html, {"TOKEN": escape(token)}))
        unsubscribe = emails._unsubscribe_prefix().replace(  # noqa: SLF001
            emails._SLOT,  # noqa: SLF001
            tokens.unsubscribe_token(user.pk, "digest", signer=self.unsubscribe_signer))
        frame_text, frame_html, _css = self.frame(language, due.frequency)
        name = user.public_name
        text = _fill(frame_text, {"NAME": name, "CONTENT": "".join(texts),
                                  "UNSUBSCRIBE": unsubscribe}).strip() + "\n"
        html = _fill(frame_html, {"NAME": escape(name), "CONTENT": "".join(htmls),
                                  "UNSUBSCRIBE": escape(unsubscribe)})
        return self.subject(language, due.frequency, content.count), text, html, unsubscribe


def _checkin_prefix(answer: str) -> str:
    return emails.absolute(reverse("notifications:checkin",
                                   kwargs={"token": _slot("TOKEN"), "answer": answer}))


def digest_click_record(*, user_id: int, frequency: str, period: str, thread_id: int
                        ) -> DigestClick | None:
    """A member opened a discussion from their digest (the dashboard counts these). A link
    from a digest that was never sent records nothing."""
    run = (DigestRun.objects.filter(user_id=user_id, frequency=frequency, period=period,
                                    outbox__isnull=False).only("outbox_id").first())
    if run is None:
        return None
    return DigestClick.objects.create(outbox_id=run.outbox_id, user_id=user_id,
                                      thread_id=thread_id)


def checkin_month(now: datetime) -> str:
    """The month (UTC) a digest's check-in asks about: "2026-10"."""
    return now.astimezone(UTC).strftime("%Y-%m")


def checkin_links(user_id: int, month: str) -> list[tuple[str, str, str]]:
    """(answer, label, absolute signed link) for each answer of the monthly check-in."""
    token = tokens.checkin_token(user_id=user_id, month=month)
    return [
        (value, label, emails.absolute(reverse("notifications:checkin",
                                               kwargs={"token": token, "answer": value})))
        for value, label in CheckIn.Answer.choices
    ]


def render(due: Due, content: Content, writer: Writer | None = None, *,
           checkin: str | None = None) -> Outbox:
    user = due.user
    subject, text, html, unsubscribe = (writer or Writer()).digest(due, content,
                                                                   checkin=checkin)
    key = dedupe_key(due)
    return Outbox(
        recipient=user, kind=Outbox.Kind.DIGEST, dedupe_key=key, subject=subject, text=text,
        html=html,
        headers={
            **emails.list_headers(user_id=user.pk, list_name="digest", dedupe_key=key,
                                  unsubscribe=unsubscribe),
            "Precedence": "bulk",
        },
    )


# --- Building -------------------------------------------------------------------------------


@dataclass
class BuildResult:
    outbox_ids: list[int] = field(default_factory=list)
    empty: int = 0
    not_due: int = 0

    @property
    def built(self) -> int:
        return len(self.outbox_ids)


def build_batch(user_ids: list[int], *, now: datetime | None = None,
                frequency: str | None = None, ignore_morning: bool = False,
                dry_run: bool = False) -> BuildResult:
    """Build the digests of up to BATCH_SIZE members into the outbox, in one transaction.

    A fixed number of queries whatever the number of members. Idempotent: a member whose
    digest for this period exists already is skipped (and the unique constraints stop a
    concurrent batch; the batch then runs again without them).
    """
    for attempt in range(3):
        try:
            return _build_batch(user_ids, now=now or timezone.now(), frequency=frequency,
                                ignore_morning=ignore_morning, dry_run=dry_run)
        except IntegrityError:
            if attempt == 2:
                raise
            logger.info("digest batch raced another one; building it again")
    raise AssertionError("unreachable")


def _build_batch(user_ids, *, now, frequency, ignore_morning, dry_run) -> BuildResult:
    users = list(
        eligible_for_email(User.objects.filter(pk__in=user_ids))
        .select_related("notification_settings", "clinician")
    )
    runs = set(
        DigestRun.objects.filter(user__in=user_ids, created_at__gte=now - timedelta(days=8))
        .values_list("user_id", "frequency", "period")
    )
    dues = [
        d for d in (
            _due(u, now=now, runs=runs, frequency=frequency, ignore_morning=ignore_morning)
            for u in users
        ) if d is not None
    ]
    result = BuildResult(not_due=len(user_ids) - len(dues))
    contents = collect(dues, now=now)
    # The monthly check-in rides in the member's first digest of the month (one query).
    month = checkin_month(now)
    asked = set(CheckIn.objects.filter(user__in=[d.user.pk for d in dues], month=month)
                .values_list("user_id", flat=True)) if dues else set()
    rows, runs_to_make, checkins = [], [], []
    writer = Writer()
    for due in dues:
        content = contents[due.user.pk]
        if content.count:
            ask = due.user.pk not in asked
            rows.append((due, render(due, content, writer, checkin=month if ask else None),
                         content.thread_ids))
            if ask:
                checkins.append(CheckIn(user=due.user, month=month, asked_at=now))
        else:
            result.empty += 1
            runs_to_make.append(DigestRun(
                user=due.user, frequency=due.frequency, period=due.period,
                status=DigestRun.Status.EMPTY, since=due.since, created_at=now,
            ))
    if dry_run:
        result.outbox_ids = [0] * len(rows)
        return result
    if not dues:
        return result
    with transaction.atomic():
        outbox = outbox_rows.insert_rendered([row for _due, row, _ids in rows])
        for (due, _row, thread_ids), saved in zip(rows, outbox, strict=True):
            runs_to_make.append(DigestRun(
                user=due.user, frequency=due.frequency, period=due.period,
                status=DigestRun.Status.QUEUED, outbox=saved, thread_ids=thread_ids,
                since=due.since, created_at=now,
            ))
        DigestRun.objects.bulk_create(runs_to_make)
        CheckIn.objects.bulk_create(checkins, ignore_conflicts=True)
        NotificationSettings.objects.bulk_create(
            [
                NotificationSettings(
                    user=d.user, digest_frequency=settings_for(d.user).digest_frequency,
                    last_digest_at=now,
                )
                for d in dues
            ],
            update_conflicts=True, unique_fields=["user"], update_fields=["last_digest_at"],
        )
    result.outbox_ids = [row.pk for row in outbox]
    return result


# --- At send time ---------------------------------------------------------------------------


def recheck_reasons(rows: list[Outbox]) -> dict[int, str]:
    """The outbox's recheck for digests (outbox.register_recheck): a digest is cancelled
    when the member turned digests off, or when nothing is left in it that they may see."""
    reasons = {row.pk: "digests turned off" for row in rows
               if settings_for(row.recipient).digest_frequency == Frequency.NEVER}
    rest = [row for row in rows if row.pk not in reasons]
    wanted = recheck_at_send(rest) if rest else {}
    reasons.update({pk: "nothing left the member may see" for pk, ok in wanted.items() if not ok})
    return reasons


EVENT_LINK = re.compile(r"/events/(\d+)/")


def recheck_at_send(rows: list[Outbox]) -> dict[int, bool]:
    """Is each digest still right to send? Every thread and expert Q&A in it is checked again
    for its member; a digest with one they may no longer see is rebuilt without it (or
    cancelled when nothing is left). Three queries for the batch (four with Q&As), more only
    to rebuild."""
    runs = {
        run.outbox_id: run
        for run in DigestRun.objects.filter(outbox__in=[r.pk for r in rows])
    }
    thread_ids = {pk for run in runs.values() for pk in run.thread_ids}
    threads = Thread.objects.select_related("community").in_bulk(thread_ids)
    # A digest's Q&As are the event links in its text (the run records its threads only).
    event_ids = {row.pk: {int(pk) for pk in EVENT_LINK.findall(row.text)} for row in rows}
    wanted_events = set().union(*event_ids.values())
    events = Event.objects.select_related("community").in_bulk(wanted_events) \
        if wanted_events else {}
    users = {r.recipient_id: r.recipient for r in rows}
    prime_memberships(users.values())
    verdict = {}
    for row in rows:
        run = runs.get(row.pk)
        if run is None:
            verdict[row.pk] = False
            continue
        user = users[row.recipient_id]
        ok = all(
            pk in threads and thread_fits(user, threads[pk]) and _not_muted(user, threads[pk])
            for pk in run.thread_ids
        ) and all(pk in events and can_view_event(user, events[pk]) for pk in event_ids[row.pk])
        verdict[row.pk] = ok or _rebuild(row, run, user)
    return verdict


def _not_muted(user, thread: Thread) -> bool:
    membership = permissions.memberships_of(user).get(thread.community_id)
    return membership is None or membership.level != Membership.Level.MUTED


def _rebuild(row: Outbox, run: DigestRun, user) -> bool:
    due = Due(user=user, frequency=run.frequency, period=run.period, since=run.since)
    content = collect([due], now=timezone.now())[user.pk]
    if not content.count:
        DigestRun.objects.filter(pk=run.pk).update(status=DigestRun.Status.EMPTY, thread_ids=[])
        return False
    asked = CheckIn.objects.filter(user=user, month=checkin_month(run.created_at),
                                   asked_at=run.created_at).exists()
    fresh = render(due, content, checkin=checkin_month(run.created_at) if asked else None)
    row.subject, row.text, row.html, row.headers = fresh.subject, fresh.text, fresh.html, \
        fresh.headers
    Outbox.objects.filter(pk=row.pk).update(
        subject=row.subject, text=row.text, html=row.html, headers=row.headers
    )
    DigestRun.objects.filter(pk=run.pk).update(thread_ids=content.thread_ids)
    logger.info("digest %s rebuilt at send time: an item was no longer visible", row.pk)
    return True


def batches(ids: list[int], size: int = BATCH_SIZE):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
