"""A fixed data set with known timestamps, for figures computed by hand.

This period: 1–7 March 2025 (end 8 March 00:00 UTC); previous period: 22–28 February 2025.
Communities: diabetes (D), heart (H), mental (M). Twelve members plus one staff account.
Every expected value in the tests was worked out by hand from the comments below.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accounts.models import User
from community.models import AnswerVote, Membership, Post, Reaction, Thread, ThreadRead
from moderation.models import ModerationItem
from notifications.models import CheckIn, DigestClick, Outbox
from tests.factories import join, make_clinician, make_community, make_user

QUERY = "period=custom&start=2025-03-01&end=2025-03-07"


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


class World:
    pass


def _member(username, joined, source, communities, *, seen=None, clinician=False,
            role=Membership.Role.MEMBER):
    user = make_user(username, joined=joined, signup_source=source, last_seen_at=seen)
    for community in communities:
        join(user, community, role, joined_at=joined)
    if clinician:
        make_clinician(user, specialty="Cardiology")
    return user


def _thread(community, author, created, *, kind="question", status="published"):
    thread = Thread.objects.create(community=community, author=author, title=f"T by {author}",
                                   kind=kind, status=status, created_at=created,
                                   last_activity_at=created)
    post = _post(thread, author, created, status=status if status != "published" else
                 "published")
    return thread, post


def _post(thread, author, created, *, clinician=False, status="published"):
    position = thread.posts.count() + 1
    screening = Post.Screening.HELD if status == "held" else Post.Screening.CLEAN
    post = Post.objects.create(thread=thread, author=author, position=position, body="x",
                               body_html="<p>x</p>", status=status, screening=screening,
                               is_clinician_answer=clinician, created_at=created)
    Thread.objects.filter(pk=thread.pk).update(last_position=position)
    return post


def _answered(thread, *, first_reply, first_clinician=None, accepted=None):
    Thread.objects.filter(pk=thread.pk).update(first_reply_at=first_reply,
                                               first_clinician_answer_at=first_clinician,
                                               accepted_post=accepted)


@pytest.fixture
def world(db):
    w = World()
    D, H, M = (make_community("diabetes"), make_community("heart"),
               make_community("mental", private=True))
    w.D, w.H, w.M = D, H, M
    # Members: joined (= date_joined and every membership's joined_at), source, communities.
    w.ana = _member("ana", at(1, 10), "x", [D, H], seen=at(3, 7, 18))
    w.ben = _member("ben", at(1, 15), "facebook", [D], seen=at(3, 3, 8))
    w.cat = _member("cat", at(2, 23), "email", [D, M], seen=at(2, 28, 23, 30))
    w.dan = _member("dan", at(2, 25), "x", [H], seen=at(3, 8, 0, 5))  # after the end
    w.eve = _member("eve", at(3, 2), "x", [D], seen=at(3, 3, 12))
    w.fay = _member("fay", at(3, 3), "facebook", [H], seen=at(3, 7, 23, 59))
    w.gus = _member("gus", at(3, 4), "email", [M], seen=at(3, 6, 20))
    w.hal = _member("hal", at(3, 5), "", [D], seen=at(3, 5, 12))
    w.ivy = _member("ivy", at(3, 6), "other", [D], seen=at(3, 6, 10))
    w.drkim = _member("drkim", at(12, 1).replace(year=2024), "", [D, H], seen=at(3, 2, 14, 5),
                      clinician=True)
    w.drpat = _member("drpat", at(2, 24), "email", [D, M], seen=at(3, 3, 9, 30), clinician=True)
    w.sam = _member("sam", at(11, 1).replace(year=2024), "", [D], seen=at(2, 23, 9),
                    role=Membership.Role.MODERATOR)
    w.admin = make_user("admin", staff=True, joined=at(10, 1).replace(year=2024))

    # Threads and posts. "q" questions, "d" discussions.
    w.T1, _ = _thread(D, w.ana, at(3, 2, 10))
    w.T1_ben = _post(w.T1, w.ben, at(3, 2, 11, 30))
    w.T1_kim = _post(w.T1, w.drkim, at(3, 2, 14), clinician=True)
    _answered(w.T1, first_reply=at(3, 2, 11, 30), first_clinician=at(3, 2, 14),
              accepted=w.T1_kim)
    w.T1_ivy_held = _post(w.T1, w.ivy, at(3, 6, 10), status="held")

    w.T2, _ = _thread(D, w.eve, at(3, 3, 9))
    w.T2_pat = _post(w.T2, w.drpat, at(3, 3, 9, 30), clinician=True)
    _answered(w.T2, first_reply=at(3, 3, 9, 30), first_clinician=at(3, 3, 9, 30))

    w.T3, _ = _thread(H, w.fay, at(3, 4, 8))
    _post(w.T3, w.dan, at(3, 5, 8))
    _answered(w.T3, first_reply=at(3, 5, 8))

    w.T4, _ = _thread(D, w.hal, at(3, 5, 12))  # never answered: waiting at the end
    w.T5, _ = _thread(M, w.gus, at(3, 6, 20))  # never answered, but asked < 48 h before end

    w.T6, w.T6_first = _thread(H, w.ana, at(3, 1), kind="discussion")  # on the first instant
    _post(w.T6, w.fay, at(3, 7, 23, 59))
    _post(w.T6, w.dan, at(3, 8))  # on the end instant: the next period
    _answered(w.T6, first_reply=at(3, 7, 23, 59))

    w.T7, _ = _thread(D, w.cat, at(2, 25, 10))
    w.T7_ben = _post(w.T7, w.ben, at(2, 25, 12))
    w.T7_kim = _post(w.T7, w.drkim, at(2, 26, 10), clinician=True)
    _answered(w.T7, first_reply=at(2, 25, 12), first_clinician=at(2, 26, 10), accepted=w.T7_ben)

    w.T8, _ = _thread(M, w.cat, at(2, 28, 23), kind="discussion")
    _post(w.T8, w.drpat, at(3, 1, 1))  # a clinician's reply in a discussion: not an answer
    _answered(w.T8, first_reply=at(3, 1, 1))

    w.T9, _ = _thread(D, w.ben, at(2, 20))  # before both periods, never answered

    w.T10, _ = _thread(H, w.dan, at(2, 27, 12))
    w.T10_kim = _post(w.T10, w.drkim, at(3, 2, 12), clinician=True)
    _answered(w.T10, first_reply=at(3, 2, 12), first_clinician=at(3, 2, 12))

    w.T11, _ = _thread(D, w.ivy, at(3, 6, 9), status="hidden")  # hidden: never counted

    # Reactions.
    for user, post, kind, when in [
        (w.ana, w.T1_kim, "helpful", at(3, 2, 15)),
        (w.eve, w.T2_pat, "helpful", at(3, 3, 10)),
        (w.ben, w.T1_kim, "thanks", at(3, 3, 8)),
        (w.cat, w.T7_kim, "helpful", at(2, 26, 12)),
        (w.dan, w.T6_first, "support", at(3, 2, 9)),
        (w.ana, w.T1_ben, "helpful", at(3, 2, 12)),
        (w.hal, w.T1_ivy_held, "helpful", at(3, 6, 11)),  # on a held post: not counted
    ]:
        Reaction.objects.create(user=user, post=post, kind=kind, created_at=when)

    # Reads (latest visit of each member to each discussion).
    for user, thread, when in [
        (w.ana, w.T1, at(3, 2, 16)),
        (w.eve, w.T1, at(3, 3, 12)),
        (w.ben, w.T1, at(3, 2, 13)),  # before drkim answered
        (w.drkim, w.T1, at(3, 2, 14, 5)),  # the clinician themself
        (w.eve, w.T2, at(3, 3, 9, 45)),
        (w.admin, w.T2, at(3, 3, 10)),  # staff
        (w.dan, w.T10, at(3, 2, 13)),
        (w.cat, w.T7, at(2, 26, 11)),
        (w.ben, w.T7, at(2, 26, 9)),  # before drkim answered
    ]:
        ThreadRead.objects.create(user=user, thread=thread, last_visit_at=when,
                                  last_read_position=1)

    # Moderation items.
    for kind, reason, community, created, first_action, resolved in [
        ("crisis", "crisis", D, at(3, 2, 10), at(3, 2, 10, 10), at(3, 2, 11)),
        ("crisis", "crisis", M, at(3, 6, 20), at(3, 6, 20, 30), None),
        ("held", "link", D, at(3, 3, 12), at(3, 3, 13), at(3, 3, 14)),
        ("flag", "spam", H, at(3, 4, 8), None, at(3, 5, 8)),
        ("flag", "spam", H, at(2, 27, 9), None, at(2, 27, 10)),
        ("clinician", "application", None, at(3, 2), None, None),  # not a safety item
    ]:
        ModerationItem.objects.create(
            kind=kind, reason=reason, community=community, created_at=created,
            first_action_at=first_action, resolved_at=resolved,
            status="resolved" if resolved else "open")

    # Digests and clicks.
    def outbox(user, sent, *, kind="digest", status="sent"):
        return Outbox.objects.create(recipient=user, kind=kind, status=status, sent_at=sent,
                                     dedupe_key=f"{kind}:{user.pk}:{sent.isoformat()}",
                                     subject="s", text="t", created_at=sent)

    o1 = outbox(w.ana, at(3, 2, 7))
    o2 = outbox(w.ben, at(3, 2, 7))
    outbox(w.cat, at(3, 2, 7))  # never clicked
    o4 = outbox(w.eve, at(3, 3, 7))
    o5 = outbox(w.dan, at(2, 24, 7))
    outbox(w.cat, at(3, 4, 7), status="failed")
    outbox(w.ana, at(3, 2, 8), kind="reply")
    for box, user, thread, when in [
        (o1, w.ana, w.T6, at(3, 2, 8)),  # ana posts T1 at 10:00
        (o1, w.ana, w.T6, at(3, 2, 8, 30)),
        (o2, w.ben, w.T9, at(3, 2, 8)),  # ben replies at 11:30
        (o4, w.eve, w.T1, at(3, 3, 8)),  # eve asks T2 at 09:00
        (o5, w.dan, w.T7, at(2, 24, 8)),  # dan's next post is 3 days later
    ]:
        DigestClick.objects.create(outbox=box, user=user, thread=thread, created_at=when)

    # Two members write in Spanish.
    User.objects.filter(pk__in=[w.gus.pk, w.hal.pk]).update(language="es")

    # "Did this answer help?" (counted when last changed).
    for user, post, helped, created, updated in [
        (w.ana, w.T1_kim, True, at(3, 2, 16), at(3, 2, 16)),
        (w.eve, w.T1_kim, True, at(3, 3, 12), at(3, 3, 12)),
        (w.eve, w.T2_pat, False, at(3, 3, 10), at(3, 3, 10)),
        (w.dan, w.T10_kim, True, at(2, 28, 13), at(3, 2, 13)),  # changed in this period
        (w.cat, w.T7_kim, True, at(2, 26, 12), at(2, 26, 12)),
    ]:
        AnswerVote.objects.create(user=user, post=post, helped=helped, created_at=created,
                                  updated_at=updated)

    # The monthly check-in: asked (in a digest), answered.
    for user, month, asked, answer, answered in [
        (w.ana, "2025-03", at(3, 2, 7), "yes", at(3, 2, 9)),
        (w.ben, "2025-03", at(3, 2, 7), "somewhat", at(3, 3, 8)),
        (w.cat, "2025-03", at(3, 2, 7), "", None),
        (w.eve, "2025-03", at(3, 3, 7), "no", at(3, 3, 8)),
        (w.dan, "2025-02", at(2, 24, 7), "yes", at(2, 24, 9)),
        (w.fay, "2025-02", at(2, 26, 7), "", None),
    ]:
        CheckIn.objects.create(user=user, month=month, asked_at=asked, answer=answer,
                               answered_at=answered)
    return w
