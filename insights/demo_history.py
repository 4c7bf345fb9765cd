"""Six months of demo history, so that every insights chart shows a trend on a fresh demo.

180 days of realistic activity (seed_demo calls `seed_history`): membership grows, August is
slow (summer), and a sign-up campaign six weeks ago brings a spike from Facebook and X. Posts,
replies, accepted answers, reactions, reads and "Did this answer help?" go through the forum's
services with the clock set to the moment they happen (timestamps the services take from the
clock; the few a model stamps by default are set right after). Digests and their clicks are
outbox rows as the sender leaves them; the monthly check-in is asked in the month's first
digest and answered through its service. Finally the days are rolled up for the charts.

Deterministic (a fixed seed) and idempotent: a second run finds the history and adds nothing.
History members have no verified address, so they are never emailed.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

from django.db import transaction
from django.db.models import Count

from accounts.models import ClinicianProfile, User
from community import services as forum
from community import signals
from community.models import Community, Membership, Post, Reaction, Thread
from notifications import services as notifications
from notifications.models import CheckIn, DigestClick, Outbox

from . import rollup
from .periods import today

DAYS = 180
SEED = 21
MARKER = "hx-ana"  # the first history member: present means the history is there
SOURCES = (("direct", 40), ("email", 20), ("x", 15), ("facebook", 15), ("other", 10))
CAMPAIGN_SOURCES = (("facebook", 55), ("x", 35), ("direct", 10))
NAMES = (
    "ana", "bo", "cruz", "dee", "eli", "fern", "gia", "hank", "ines", "jo", "kai", "lu", "mo",
    "nia", "oli", "pau", "quin", "rae", "sol", "tea", "uma", "vic", "wren", "xio", "yara",
    "zed",
)
TOPICS = {
    "type-2-diabetes": ["glucose after meals", "starting metformin", "A1C results",
                        "foot care", "carb counting", "night-time lows"],
    "heart-health": ["blood pressure readings", "statins and muscle aches", "cardiac rehab",
                     "low-salt cooking", "walking after a stent"],
    "breast-cancer": ["radiation fatigue", "hair loss", "scan anxiety", "going back to work"],
    "caregivers": ["respite care", "medicines for a parent", "sleep as a carer",
                   "talking to siblings"],
    "mental-health": ["bad days", "starting therapy", "sleep and worry"],
}
WEIGHTS = {"type-2-diabetes": 5, "heart-health": 4, "breast-cancer": 3, "caregivers": 3,
           "mental-health": 2}
REPLIES = ("Thank you, this helps.", "Same here: what worked for me was small steps.",
           "I asked my nurse about this last month.", "You're not alone in this.",
           "Keep a log for two weeks and take it to your appointment.")
ANSWERS = ("This is common. Keep a record and bring it to your care team; they can adjust "
           "the plan.", "Talk to your pharmacist as well: a medication review often helps.",
           "General information: small, regular changes work better than big ones.")


@dataclass
class Plan:
    first_day: date
    campaign: tuple[date, date]

    def level(self, day: date) -> float:
        """How busy a day is: growth over the half year, a slow August, weekends quieter."""
        growth = 0.45 + 1.1 * (day - self.first_day).days / DAYS
        if day.month == 8:
            growth *= 0.35
        if day.weekday() >= 5:
            growth *= 0.7
        return growth

    def in_campaign(self, day: date) -> bool:
        return self.campaign[0] <= day <= self.campaign[1]


@contextmanager
def clock_at(moment: datetime):
    """The services read the clock through django.utils.timezone.now."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@contextmanager
def quiet():
    """Live events and the forum's signals are hints for what is happening now: months-old
    history has no open page to update and is no longer news worth a notification (the
    fan-out sweep, too, leaves posts older than two days alone)."""
    with mock.patch("community.live.post_published_on_commit"), \
            mock.patch("community.live.reactions_on_commit"), \
            mock.patch("community.live.thread_state_on_commit"), \
            mock.patch("community.services.posting.send_on_commit"), \
            mock.patch.object(signals.reaction_added, "send"), \
            mock.patch.object(signals.answer_accepted, "send"):
        yield


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(hour=rng.randint(7, 22), minute=rng.randint(0, 59)),
                            tzinfo=UTC)


def seed_history(*, days: int = DAYS, until: date | None = None, rollup_days: bool = True,
                 rollup_later: bool = False, progress=None) -> bool:
    """Build the history (once). Returns whether anything was made. Its days are rolled up
    at once, or with `rollup_later` by the worker once it runs (`make run` serves sooner)."""
    if User.objects.filter(username=MARKER).exists():
        return False
    until = until or today() - timedelta(days=1)
    first = until - timedelta(days=days - 1)
    plan = Plan(first_day=first, campaign=(until - timedelta(days=45),
                                           until - timedelta(days=39)))
    rng = random.Random(SEED)
    communities = {c.slug: c for c in Community.objects.filter(slug__in=TOPICS)}
    if not communities:
        return False
    clinicians = list(User.objects.filter(clinician__status=ClinicianProfile.Status.VERIFIED,
                                          is_active=True))
    with quiet(), transaction.atomic():
        members = _members(rng, plan, first, until, communities)
        clinicians += _clinicians(first, communities)
        _activity(rng, plan, first, until, members, clinicians, communities, progress)
    if rollup_later:
        from .tasks import rollup_metrics_range

        transaction.on_commit(lambda: rollup_metrics_range.delay(str(first), str(until)))
    elif rollup_days:
        with transaction.atomic():  # one commit, not one a day
            rollup.rollup_range(first, until)
    return True


def _new_user(username: str, joined: datetime, *, language: str, source: str) -> User:
    user = User(username=username, email=f"{username}@example.org", date_joined=joined,
                language=language, signup_source=source, last_seen_at=joined)
    user.set_unusable_password()
    return user


def _members(rng, plan: Plan, first: date, until: date, communities) -> list[User]:
    """About 45 members at the start, growing to about 120; a campaign week brings 30."""
    people: list[tuple[User, list[str]]] = []
    public = [slug for slug in TOPICS if slug in communities and slug != "mental-health"]

    def pick_source(table):
        return rng.choices([s for s, _w in table], weights=[w for _s, w in table])[0]

    def add(joined: datetime, table) -> None:
        n = len(people)
        name = f"hx-{NAMES[n % len(NAMES)]}{'' if n < len(NAMES) else n // len(NAMES)}"
        language = "es" if rng.random() < 0.28 else "en"
        user = _new_user(name, joined, language=language, source=pick_source(table))
        chosen = rng.sample(public, k=min(len(public), rng.choice((1, 1, 2, 2, 3))))
        if rng.random() < 0.2 and "mental-health" in communities:
            chosen.append("mental-health")
        people.append((user, chosen))

    start = datetime.combine(first, time(9), tzinfo=UTC)
    for i in range(45):
        add(start - timedelta(days=30 + i * 3), SOURCES)
    day = first
    while day <= until:
        expected = 0.25 * plan.level(day) + (4.5 if plan.in_campaign(day) else 0)
        for _ in range(int(expected) + (1 if rng.random() < expected % 1 else 0)):
            add(_moment(rng, day), CAMPAIGN_SOURCES if plan.in_campaign(day) else SOURCES)
        day += timedelta(days=1)
    User.objects.bulk_create([user for user, _slugs in people])
    saved = {u.username: u for u in User.objects.filter(
        username__in=[user.username for user, _slugs in people])}
    memberships = []
    for user, chosen in people:
        user = saved[user.username]
        memberships.extend(
            Membership(user=user, community=communities[slug], role=Membership.Role.MEMBER,
                       status=Membership.Status.ACTIVE, joined_at=user.date_joined)
            for slug in chosen)
    Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    for row in (Membership.objects.filter(status=Membership.Status.ACTIVE)
                .values("community_id").annotate(n=Count("pk")).order_by()):
        Community.objects.filter(pk=row["community_id"]).update(member_count=row["n"])
    return sorted(saved.values(), key=lambda u: u.date_joined)


def _clinicians(first: date, communities) -> list[User]:
    made = []
    joined = datetime.combine(first - timedelta(days=60), time(9), tzinfo=UTC)
    for username, specialty in (("hx-drnguyen", "Cardiology"), ("hx-drsilva", "Oncology")):
        user = _new_user(username, joined, language="en", source="direct")
        user.save()
        ClinicianProfile.objects.create(
            user=user, credentials="MD", specialty=specialty,
            organisation="Hearth General Hospital", npi="1234567893",
            status=ClinicianProfile.Status.VERIFIED, decided_at=joined)
        Membership.objects.bulk_create([
            Membership(user=user, community=c, role=Membership.Role.MEMBER,
                       status=Membership.Status.ACTIVE, joined_at=joined)
            for c in communities.values()], ignore_conflicts=True)
        made.append(user)
    return made


def _post(thread: Thread, author: User, body: str, at: datetime) -> Post:
    post = forum._new_post(thread=thread, author=author, body=body, anonymous=False)
    Post.objects.filter(pk=post.pk).update(created_at=at)  # read back by post_screened
    return forum.post_screened(post=post, held=False)


def _activity(rng, plan: Plan, first: date, until: date, members, clinicians, communities,
              progress) -> None:
    by_community: dict[str, list[User]] = {slug: [] for slug in communities}
    slug_of = {c.pk: slug for slug, c in communities.items()}
    for membership in Membership.objects.filter(
            user__in=members, status=Membership.Status.ACTIVE).select_related("user"):
        by_community[slug_of[membership.community_id]].append(membership.user)
    reaction_times: list[tuple[int, datetime]] = []
    digests: list[Outbox] = []
    clicks: list[tuple[int, int, int, datetime]] = []  # digest index, user, thread, when
    asked: dict[tuple[int, str], datetime] = {}
    answers: list[tuple[int, str, str, datetime]] = []
    recent: list[Thread] = []
    order = [slug for slug in TOPICS if slug in communities]
    days = [first + timedelta(days=i) for i in range((until - first).days + 1)]
    for day in progress(days) if progress else days:
        level = plan.level(day) * (1.6 if plan.in_campaign(day) else 1.0)
        joined_by = datetime.combine(day, time(23, 59), tzinfo=UTC)
        for _ in range(int(1.1 * level) + (1 if rng.random() < (1.1 * level) % 1 else 0)):
            slug = rng.choices(order, weights=[WEIGHTS[s] for s in order])[0]
            pool = [u for u in by_community[slug] if u.date_joined <= joined_by]
            if not pool:
                continue
            asker = rng.choice(pool)
            at = _moment(rng, day)
            kind = Thread.Kind.QUESTION if rng.random() < 0.55 else Thread.Kind.DISCUSSION
            topic = rng.choice(TOPICS[slug])
            with clock_at(at):
                thread = Thread.objects.create(
                    community=communities[slug], author=asker, kind=kind,
                    title=f"{'Question' if kind == Thread.Kind.QUESTION else 'Talking'} "
                          f"about {topic}", status=Thread.Status.HELD, created_at=at,
                    last_activity_at=at)
                _post(thread, asker, f"Has anyone dealt with {topic}? What helped you?", at)
            thread.refresh_from_db()
            recent.append(thread)
            reply_at = at
            for _r in range(rng.choice((0, 1, 1, 2, 2, 3))):
                reply_at += timedelta(minutes=rng.randint(20, 600))
                replier = rng.choice(pool)
                if replier.pk == asker.pk:
                    continue
                with clock_at(reply_at):
                    post = _post(thread, replier, rng.choice(REPLIES), reply_at)
                    if rng.random() < 0.5:
                        forum.reaction_toggle(user=asker, post=post, kind=rng.choice(
                            (Reaction.Kind.HELPFUL, Reaction.Kind.THANKS,
                             Reaction.Kind.SUPPORT)))
                        reaction_times.append((post.pk, reply_at))
            if kind == Thread.Kind.QUESTION and rng.random() < 0.7 and slug != "mental-health":
                # A clinician answers: faster as the programme matures.
                hours = rng.uniform(0.5, 30 if day < plan.campaign[0] else 12)
                answer_at = at + timedelta(hours=hours)
                clinician = rng.choice(clinicians)
                with clock_at(answer_at):
                    answer = _post(thread, clinician, rng.choice(ANSWERS), answer_at)
                read_at = answer_at + timedelta(hours=rng.uniform(1, 20))
                with clock_at(read_at):
                    forum.thread_mark_read(user=asker, thread=thread, position=answer.position)
                    if rng.random() < 0.45:
                        forum.post_accept(user=asker, post=answer)
                    if rng.random() < 0.6:
                        forum.answer_vote(user=asker, post=answer, helped=rng.random() < 0.82,
                                          now=read_at)
                for reader in rng.sample(pool, k=min(len(pool), rng.randint(0, 4))):
                    if reader.pk == asker.pk:
                        continue
                    seen = read_at + timedelta(hours=rng.uniform(1, 48))
                    with clock_at(seen):
                        forum.thread_mark_read(user=reader, thread=thread,
                                               position=answer.position)
                        if rng.random() < 0.35:
                            forum.answer_vote(user=reader, post=answer,
                                              helped=rng.random() < 0.75, now=seen)
        _digests_of_the_day(rng, day, members, recent[-40:], digests, clicks, asked, answers)
    _save_reactions(reaction_times)
    _save_digests(digests, clicks, asked, answers)


def _digests_of_the_day(rng, day, members, threads, digests, clicks, asked, answers) -> None:
    """Weekly digests on Mondays to a third of the members; some click back; the month's first
    digest asks the check-in."""
    if day.weekday() != 0 or not threads:
        return
    sent_at = datetime.combine(day, time(7), tzinfo=UTC)
    month = f"{day:%Y-%m}"
    for member in members:
        if member.date_joined > sent_at or member.pk % 3 != day.isocalendar()[1] % 3:
            continue
        index = len(digests)
        digests.append(Outbox(
            recipient=member, kind=Outbox.Kind.DIGEST, status=Outbox.Status.SENT,
            dedupe_key=f"digest:{member.pk}:weekly:{day:%G-W%V}", subject="Your weekly digest",
            text="(demo history)", sent_at=sent_at, created_at=sent_at))
        if rng.random() < 0.3:
            clicks.append((index, member.pk, rng.choice(threads).pk,
                           sent_at + timedelta(hours=rng.uniform(0.2, 30))))
        if (member.pk, month) not in asked:
            asked[(member.pk, month)] = sent_at
            if rng.random() < 0.42:
                answer = rng.choices(("yes", "somewhat", "no"), weights=(50, 32, 18))[0]
                answers.append((member.pk, month, answer,
                                sent_at + timedelta(hours=rng.uniform(0.5, 72))))


def _save_reactions(reaction_times) -> None:
    for post_id, at in reaction_times:  # Reaction.created_at is stamped by its model
        Reaction.objects.filter(post_id=post_id, created_at__gt=at).update(created_at=at)


def _save_digests(digests, clicks, asked, answers) -> None:
    saved = Outbox.objects.bulk_create(digests, batch_size=500)
    DigestClick.objects.bulk_create([
        DigestClick(outbox_id=saved[index].pk, user_id=user_id, thread_id=thread_id,
                    created_at=when)
        for index, user_id, thread_id, when in clicks], batch_size=500)
    CheckIn.objects.bulk_create([
        CheckIn(user_id=user_id, month=month, asked_at=at)
        for (user_id, month), at in asked.items()], batch_size=500)
    for user_id, month, answer, when in answers:
        notifications.checkin_answer(user_id=user_id, month=month, answer=answer, now=when)
