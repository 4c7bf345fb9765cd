"""Outcomes and reach: what members say helped them, and whom the communities reach.

Definitions (also on the page and in the README):

- "Did this answer help?" votes count in the period of their latest change (a member who
  changes their mind counts once, with their last answer). Its response rate is the share of
  the members who opened a discussion with a clinician's or an accepted answer in the period
  (after that answer, not its author, not staff) who voted in the period.
- The monthly check-in counts when it was asked (a digest carries it once a month); its
  response rate is the share of those asked who answered.
- Members helped: different members who, in the period, said an answer helped them, answered
  the check-in "yes" or "somewhat", or got a clinician's answer to a question of theirs.
- Reach groups members by the language of their account and by community. Any figure of
  fewer than 5 members, and any percentage made from fewer than 5 members, is suppressed.

Every function here runs a fixed number of queries whatever the size of the data.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q

from community.models import AnswerVote, Community, Membership, Thread, ThreadRead
from notifications.models import CheckIn

from . import definitions, facts, metrics, windows
from .metrics import _in, _pct, memberships_in, public_posts, published_threads
from .periods import today

SMALL = 5
LANGUAGES = {"en": "English", "es": "Español"}


def _votes(community_ids):
    votes = AnswerVote.objects.filter(user__is_staff=False)
    if community_ids is not None:
        votes = votes.filter(post__thread__community_id__in=community_ids)
    return votes


def _checkins(community_ids):
    checkins = CheckIn.objects.filter(user__is_staff=False)
    if community_ids is not None:
        checkins = checkins.filter(
            Exists(memberships_in(community_ids).filter(user=OuterRef("user"))))
    return checkins


def votable_answers(community_ids):
    """Clinicians' answers and accepted answers that members can see."""
    return public_posts(community_ids).filter(position__gt=1).filter(
        Q(is_clinician_answer=True) | Q(thread__accepted_post=F("pk")))


def outcome_figures(community_ids, windows) -> dict:
    """Answer-helped votes and the check-in, with their response rates (four queries)."""
    result = _votes(community_ids).aggregate(**{
        key: value for p, w in windows.items() for key, value in {
            f"answer_votes__{p}": Count("pk", filter=_in("updated_at", w)),
            f"answer_helped_yes__{p}": Count("pk", filter=_in("updated_at", w) & Q(helped=True)),
            f"answer_voters__{p}": Count("user", distinct=True, filter=_in("updated_at", w)),
        }.items()
    })
    answers = votable_answers(community_ids)
    readers = ThreadRead.objects.filter(user__is_staff=False, user__is_active=True)
    read_counts = {}
    for p, w in windows.items():
        read_after = answers.filter(
            thread=OuterRef("thread"), created_at__lte=OuterRef("last_visit_at"),
        ).exclude(author=OuterRef("user"))
        read_counts[f"answer_readers__{p}"] = Count(
            "user", distinct=True, filter=_in("last_visit_at", w) & Q(Exists(read_after)))
    result.update(readers.aggregate(**read_counts))
    result.update(_checkins(community_ids).aggregate(**{
        key: value for p, w in windows.items() for key, value in {
            f"checkin_asked__{p}": Count("pk", filter=_in("asked_at", w)),
            f"checkin_answered__{p}": Count("pk", filter=_in("asked_at", w) & ~Q(answer="")),
            f"checkin_yes__{p}": Count("pk", filter=_in("asked_at", w) & Q(answer="yes")),
            f"checkin_somewhat__{p}": Count("pk", filter=_in("asked_at", w)
                                            & Q(answer="somewhat")),
            f"checkin_no__{p}": Count("pk", filter=_in("asked_at", w) & Q(answer="no")),
        }.items()
    }))
    result.update(members_helped(community_ids, windows))
    for p in windows:
        result[f"answer_helped_pct__{p}"] = _pct(result[f"answer_helped_yes__{p}"],
                                                 result[f"answer_votes__{p}"])
        result[f"answer_response_pct__{p}"] = _pct(result[f"answer_voters__{p}"],
                                                   result[f"answer_readers__{p}"])
        result[f"checkin_response_pct__{p}"] = _pct(result[f"checkin_answered__{p}"],
                                                    result[f"checkin_asked__{p}"])
        result[f"checkin_helped_pct__{p}"] = _pct(
            result[f"checkin_yes__{p}"] + result[f"checkin_somewhat__{p}"],
            result[f"checkin_answered__{p}"])
    return result


def members_helped(community_ids, windows) -> dict:
    """Members helped in each window (one query: who voted "helped", answered the check-in
    "yes" or "somewhat", or got a clinician's answer to their question over the windows'
    span, each read once from its own rows; the windows are told apart here, by time)."""
    first = min(w.start for w in windows.values())
    last = max(w.end for w in windows.values())
    outside = definitions.not_members().values("pk")  # insights' rule of who is a member
    votes = (_votes(community_ids).filter(helped=True, updated_at__gte=first,
                                          updated_at__lt=last)
             .exclude(user_id__in=outside).values_list("user_id", "updated_at"))
    checkins = (_checkins(community_ids).filter(answer__in=("yes", "somewhat"),
                                                answered_at__gte=first, answered_at__lt=last)
                .exclude(user_id__in=outside).values_list("user_id", "answered_at"))
    questions = (published_threads(community_ids)
                 .filter(kind=Thread.Kind.QUESTION, first_clinician_answer_at__gte=first,
                         first_clinician_answer_at__lt=last)
                 .exclude(author_id__in=outside)
                 .values_list("author_id", "first_clinician_answer_at"))
    helped: dict = {p: set() for p in windows}
    for user, when in votes.union(checkins, questions, all=True):
        for p, w in windows.items():
            if w.start <= when < w.end:
                helped[p].add(user)
    return {f"members_helped__{p}": len(users) for p, users in helped.items()}


# --- Reach ---------------------------------------------------------------------------------


def _reach_row(label: str, key: str, row: dict) -> dict:
    return {
        "label": label, "key": key,
        "members": row["members"], "new": row["new"], "active": row["active"],
        "active_pct": _pct(row["active"], row["members"]),
        "helped": row["helped"],
        "helped_pct": _pct(row["helped"], row["members"]),
    }


def reach(community_ids, period) -> dict:
    """Members, new members, active members and members who said Hearth helped them, by the
    member's language and by community, exact (four queries); `suppressed()` readies them
    for any page or file."""
    members = definitions.members()
    if community_ids is not None:
        members = members.filter(
            Exists(memberships_in(community_ids).filter(user=OuterRef("pk"))))
    # who was active: the stored facts (insights.facts), and the days not rolled up yet
    live = facts.live_activity(period.first_day, period.last_day)
    scopes = list(community_ids if community_ids is not None
                  else Community.objects.values_list("pk", flat=True))
    # who said they were helped: two small sets of ids (the period's votes and check-ins),
    # never a look-up per member or membership
    helped_votes = _votes(None).filter(helped=True, updated_at__gte=period.start,
                                       updated_at__lt=period.end)
    checkin_users = CheckIn.objects.filter(answer__in=("yes", "somewhat"),
                                           answered_at__gte=period.start,
                                           answered_at__lt=period.end).values("user_id")
    said_helped = Q(pk__in=helped_votes.filter(
        **({} if community_ids is None else {"post__thread__community_id__in": community_ids}))
        .values("user_id").union(checkin_users, all=True))
    # who was active, for a period of a stored length ending today: the rollup's window
    # counts plus today's members (insights.windows); else counted from the facts below
    stored_languages = stored_communities = None
    if period.last_day == today():
        if community_ids is None:
            stored_languages = windows.counts([facts.ALL_SCOPE], {"p": period}, {},
                                              by="language")
        stored_communities = windows.counts(scopes, {"p": period}, {})
    # members and new members by language: the figures' one pass over the accounts
    # (metrics.member_rows, read once per request); who said they were helped (and, when
    # not stored, who was active) from the members among those few ids
    languages: dict[str, dict] = {}
    for row in metrics.member_rows(community_ids, period):
        if not row["members_total__cur"]:
            continue  # no member yet at the period's end
        bucket = languages.setdefault(windows.language_code(row["language"]),
                                      dict.fromkeys(("members", "new", "active", "helped"), 0))
        bucket["members"] += row["members_total__cur"]
        bucket["new"] += row["signups__cur"]
    counted = {"helped": Count("pk", filter=said_helped)}
    among = members.filter(said_helped)
    if stored_languages is None:
        # for some communities, only their members' facts are read (not every member's);
        # counted over the members (a filter "helped or active" would not hash the ids)
        counted["active"] = Count("pk", filter=Q(pk__in=facts.active_user_ids(
            period, live, among=(None if community_ids is None
                                 else memberships_in(community_ids).values("user_id")))))
        among = members
    for row in (among.filter(date_joined__lt=period.end).values("language")
                .annotate(**counted).order_by()):
        bucket = languages.get(windows.language_code(row["language"]))
        if bucket is not None:
            for key in counted:
                bucket[key] += row[key]
    if stored_languages is not None:
        for code, counted_here in stored_languages[facts.ALL_SCOPE].items():
            if code in languages:
                languages[code]["active"] = counted_here["active:p"]
    # members' memberships: every membership but those of the few staff and closed accounts
    # (a small hashed set), not a join of every membership with every account (2x at 100k)
    memberships = Membership.objects.filter(
        status=Membership.Status.ACTIVE, joined_at__lt=period.end).exclude(
        user_id__in=definitions.not_members().values("pk"))
    if community_ids is not None:
        memberships = memberships.filter(community_id__in=community_ids)
    vote_here = helped_votes.filter(user=OuterRef("user"),
                                    post__thread__community_id=OuterRef("community_id"))
    voted_here = Membership.objects.filter(
        Exists(vote_here), user_id__in=helped_votes.values("user_id")).values("pk")
    active = ({} if stored_communities is not None else
              {"active": Count("pk", filter=Q(pk__in=facts.active_membership_ids(
                  scopes, period, live)))})
    by_community = list(
        memberships.values("community_id", "community__name")
        .annotate(
            members=Count("pk"),
            new=Count("pk", filter=_in("joined_at", period)),
            helped=Count("pk", filter=Q(pk__in=voted_here) | Q(user_id__in=checkin_users)),
            **active,
        )
        .order_by("community__name")
    )
    if stored_communities is not None:
        for row in by_community:
            row["active"] = sum(counted["active:p"] for counted
                                in stored_communities[row["community_id"]].values())
    questions = {
        row["author__language"]: row["n"]
        for row in published_threads(community_ids).filter(
            kind=Thread.Kind.QUESTION, created_at__gte=period.start, created_at__lt=period.end,
            author__is_staff=False)
        .values("author__language").annotate(n=Count("author", distinct=True)).order_by()
    }
    asking: dict[str, int] = {}
    for language, n in questions.items():
        code = (language or "en")[:2].lower()
        asking[code] = asking.get(code, 0) + n
    language_rows = []
    for code in sorted(languages, key=lambda c: (c not in LANGUAGES, c)):
        row = _reach_row(LANGUAGES.get(code, code), code, languages[code])
        row["askers"] = asking.get(code, 0)
        language_rows.append(row)
    community_rows = [
        _reach_row(row["community__name"], str(row["community_id"]), row)
        for row in by_community
    ]
    return {"languages": language_rows, "communities": community_rows}


SUPPRESSED = "<5"
MEMBER_CELLS = ("members", "new", "active", "helped", "askers")
PERCENT_CELLS = {"active_pct": ("active", "members"), "helped_pct": ("helped", "members")}


def suppressed(rows: list[dict]) -> list[dict]:
    """The rows as anyone may read them: every count of fewer than 5 members reads "<5", and a
    percentage made from fewer than 5 members (above or below the line) is left out (None),
    never printed as "<5"."""
    out = []
    for row in rows:
        safe = dict(row)
        for key in MEMBER_CELLS:
            if key in safe and safe[key] is not None and safe[key] < SMALL:
                safe[key] = SUPPRESSED
        for key, (part, whole) in PERCENT_CELLS.items():
            if row.get(part) is None or row[part] < SMALL or row[whole] < SMALL:
                safe[key] = None
                safe[f"{key}_suppressed"] = True
        out.append(safe)
    return out
