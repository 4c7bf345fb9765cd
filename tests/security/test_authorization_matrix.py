"""The authorization matrix: every URL pattern the resolver knows × the world's roles × the object
states, with the expected status of each cell.

A URL that is added later and not classified here fails `test_every_url_pattern_is_classified`
until someone writes down who may reach it. Hearth's own URLs have a row each; the admin and
allauth are classified by prefix (and still requested, every pattern, by every role).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction

from notifications import tokens

from .urls import fill, url_patterns
from .world import MISSING_PK, OBJECTS, ROLES, World

pytestmark = pytest.mark.django_db

ANONYMOUS = {"visitor", "deactivated"}  # a deactivated member's session no longer signs in
SIGNED_IN = set(ROLES) - ANONYMOUS
GOOD_STANDING = SIGNED_IN - {"suspended", "banned"}
EVERYONE = set(ROLES)
# Who may open a thread or post in each state (community.permissions.can_view_thread).
READERS = {
    "public": EVERYONE,
    "anonymous": EVERYONE,
    "private": {"member_a", "mod_a", "staff", "suspended"},
    "held": {"member_a", "mod_a", "staff"},  # its author and the moderators
    "hidden": {"mod_a", "staff"},
    "deleted": {"mod_a", "staff"},
    "missing": set(),
}
MODERATORS = {obj: ({"staff"} if obj in ("public", "anonymous") else {"mod_a", "staff"})
              for obj in OBJECTS}
MODERATORS["missing"] = set()
# Who may edit a post: its author in good standing (member_a wrote all but "anonymous"),
# or a moderator; never a deleted post.
EDITORS = {obj: MODERATORS[obj] | ({"member_a"} & READERS[obj]) for obj in OBJECTS}
EDITORS["anonymous"] = {"staff"}
EDITORS["deleted"] = set()
ACTED = frozenset({200, 302, 400})  # the view did its work (or rejected the form)
LOGIN = "login"
STAFF_AREA = "staff-area"


@dataclass
class Spec:
    method: str
    expect: Callable[[str, str], object]
    objects: tuple[str, ...] = ("-",)
    args: Callable[[World, str], dict] = lambda world, obj: {}
    query: str = ""
    data: dict = field(default_factory=dict)


def signed_in(rule: Callable[[str, str], object]) -> Callable[[str, str], object]:
    """login_required: visitors are sent to the login page."""
    return lambda role, obj: LOGIN if role in ANONYMOUS else rule(role, obj)


def only(roles: set[str], yes: object = 200, no: object = 404):
    return lambda role, obj: yes if role in roles else no


def thread_args(world: World, obj: str) -> dict:
    thread = world.threads.get(obj)
    return {"pk": thread.pk if thread else MISSING_PK,
            "slug": thread.slug if thread else "missing"}


def post_args(world: World, obj: str) -> dict:
    post = world.posts.get(obj)
    return {"pk": post.pk if post else MISSING_PK}


def community_args(world: World, obj: str) -> dict:
    community = world.communities.get(obj)
    return {"slug": community.slug if community else "no-such-community"}


def user_args(world: World, obj: str) -> dict:
    user = world.users.get(obj)
    return {"username": user.username if user else "nobody-here"}


def extra_pk(key: str):
    return lambda world, obj: {"pk": world.extra[key].pk if obj == "own" else MISSING_PK}


THREADS = OBJECTS
COMMUNITIES = ("public", "a", "b", "missing")
COMMUNITY_READERS = {"public": EVERYONE, "a": READERS["private"],
                     "b": {"member_b", "staff"}, "missing": set()}
POSTERS = {"public": GOOD_STANDING - {"staff"}, "a": {"member_a", "mod_a"},
           "b": {"member_b"}, "missing": set()}
COMMUNITY_MODERATORS = {"public": {"staff"}, "a": {"mod_a", "staff"}, "b": {"staff"},
                        "missing": set()}
QUEUE = {"mod_a", "staff"}


def _checkin_args(world: World, obj: str) -> dict:
    from notifications.models import CheckIn

    member = world.users["member_a"]
    CheckIn.objects.get_or_create(user=member, month="2025-03")
    token = tokens.checkin_token(user_id=member.pk, month="2025-03")
    return {"token": token if obj == "valid" else "forged.token", "answer": "yes"}


def _insights(role: str, obj: str):
    if role == "staff":
        return 404 if obj == "missing" else 200
    if role == "mod_a":
        return 200 if obj in ("-", "a") else 404
    return 404


def _accept(role: str, obj: str):
    """The thread's author, a verified clinician or a moderator, in good standing; never for
    their own post (the post here is the thread's first, written by its author)."""
    if role not in READERS[obj]:
        return 404
    may = ({"clinician"} | MODERATORS[obj]) & GOOD_STANDING
    return 302 if role in may else 403


def _delete(role: str, obj: str):
    if role not in READERS[obj]:
        return 404
    if role == "member_a" and obj in ("public", "private", "held"):
        return 302
    return 403


def _react(role: str, obj: str):
    if role not in READERS[obj]:
        return 404
    return 400  # an unknown kind: the form is checked before anything else


def _moderate(status_ok):
    return lambda role, obj: status_ok if role in MODERATORS[obj] and role in GOOD_STANDING \
        else 404


# Who may reply to each thread (community.permissions.can_reply): a published, unlocked thread,
# a member in good standing of its community.
REPLIERS = {"public": {"newbie", "member_a", "member_b", "clinician", "mod_a", "pex"},
            "private": {"member_a", "mod_a"}, "held": set(), "hidden": set(), "deleted": set(),
            "missing": set()}
REPLIERS["anonymous"] = REPLIERS["public"]


def _draft_reply(role: str, obj: str):
    """A draft is kept only for someone who may post it: 404 unseen, 403 seen but not theirs to
    reply to, 204 kept."""
    if role not in READERS[obj]:
        return 404
    return 204 if role in REPLIERS[obj] else 403


def _draft_thread(role: str, obj: str):
    if role not in COMMUNITY_READERS[obj]:
        return 404
    return 204 if role in POSTERS[obj] else 403


def _clinician_review(role: str, obj: str):
    return 200 if role == "staff" and obj == "own" else 404


def _member_page(role: str, obj: str):
    """Staff open any member's page; a community moderator only their members' pages."""
    if role not in QUEUE or obj == "missing":
        return 404
    if role == "staff":
        return 200
    return 200 if obj == "member_a" else 404


# --- messaging: a conversation of member_a and member_b (member_b wrote its message) and a
# request member_a made to the hospital, made on first use. Only `pex` is on the
# patient-experience team: the inbox is 404 to everyone else, staff and moderators included,
# and pex reaches nothing of moderation (every other row says so).
MESSAGE_READERS = {"member_a", "member_b"}
TEAM = {"pex"}
MESSAGES_USERS = SIGNED_IN - {"banned"}  # a suspended member still reads their messages


def _exists(world: World, key: str) -> bool:
    """Made in an earlier test of the module, whose rows were rolled back?"""
    found = world.extra.get(key)
    return found is not None and type(found).objects.filter(pk=found.pk).exists()


def _messaging_object(key: str, make: Callable[[World], object]):
    def args(world: World, obj: str) -> dict:
        if obj != "own":
            return {"pk": MISSING_PK}
        if not _exists(world, key):
            world.extra[key] = make(world)
        return {"pk": world.extra[key].pk}
    return args


def _make_conversation(world: World):
    from messaging.models import Conversation, ConversationMember, Message
    conversation = Conversation.objects.create(started_by=world.users["member_b"])
    for name in ("member_a", "member_b"):
        ConversationMember.objects.create(conversation=conversation, user=world.users[name])
    world.extra["message"] = Message.objects.create(
        conversation=conversation, sender=world.users["member_b"], body="Hello",
        body_html="<p>Hello</p>")
    return conversation


def _make_message(world: World):
    if not _exists(world, "conversation"):
        world.extra["conversation"] = _make_conversation(world)
    return world.extra["message"]


def _make_ask_request(world: World):
    from messaging.models import AskRequest
    return AskRequest.objects.create(member=world.users["member_a"], topic="billing",
                                     subject="A bill")


def _block(role: str, obj: str):
    if role not in MESSAGES_USERS or obj == "missing" or role == obj:
        return 404
    return 302


def _follow(role: str, obj: str):
    if role not in GOOD_STANDING or obj == "missing" or role == obj:
        return 404
    return 302


# --- api: the REST API answers 401 (not a login redirect) to whoever is not signed in; the
# pages (tokens in settings, staff's webhooks) are like every other page.
API_SIGNED_IN = {"visitor": 401, "deactivated": 401}


def api_signed_in(rule: Callable[[str, str], object]) -> Callable[[str, str], object]:
    return lambda role, obj: API_SIGNED_IN.get(role) or rule(role, obj)


def _api_object(key: str, make: Callable[[World], object]):
    """An object made on first use (a token, an endpoint, a delivery), kept for the test."""
    def args(world: World, obj: str) -> dict:
        if obj != "own":
            return {"pk": MISSING_PK}
        kept = world.extra.get(key)
        if kept is None or not type(kept).objects.filter(pk=kept.pk).exists():
            world.extra[key] = make(world)  # the world outlives each test's rows
        return {"pk": world.extra[key].pk}
    return args


def _make_token(world: World):
    from api import services as api_services
    return api_services.token_create(user=world.users["member_a"], name="matrix",
                                     scopes=["read"], days=30)[0]


def _make_endpoint(world: World):
    from api.models import WebhookEndpoint
    return WebhookEndpoint.objects.create(url="https://hooks.example.org/hearth",
                                          secret="whsec_" + "A" * 44, events=["thread.created"])


def _make_delivery(world: World):
    from api.models import WebhookDelivery
    endpoint = _make_endpoint(world)
    return WebhookDelivery.objects.create(endpoint=endpoint, event="thread.created",
                                          dedupe_key="matrix", msg_id="msg_matrix",
                                          payload={"type": "thread.created", "data": {}})


def _api_insights(role: str, obj: str):
    return API_SIGNED_IN.get(role) or _insights(role, obj)


# --- learn: an article in the public community (by the clinician), one in A (by staff) and a
# draft in the public community (by the clinician); learn.permissions.
ARTICLES = ("public", "a", "draft", "missing")
WRITERS = {"clinician", "staff"}
ARTICLE_EDITORS = {"public": WRITERS, "a": {"staff"}, "draft": WRITERS, "missing": set()}
ARTICLE_READERS = {"public": EVERYONE, "a": COMMUNITY_READERS["a"], "draft": WRITERS,
                   "missing": set()}


def article_args(world: World, obj: str) -> dict:
    article = world.extra.get(f"article_{obj}")
    return {"pk": article.pk if article else MISSING_PK,
            "slug": article.slug if article else "missing"}


def _article_helpful(role: str, obj: str):
    if role not in ARTICLE_READERS[obj]:
        return 404
    return 302 if obj != "draft" and role in GOOD_STANDING else 403


def _article_ask(role: str, obj: str):
    return 200 if role in ARTICLE_READERS[obj] and obj != "draft" else 404


def _read_more_args(world: World, obj: str) -> dict:
    return {"pk": world.extra["reply_public"].pk if obj == "reply" else MISSING_PK}


# --- events: an upcoming Q&A in the public community and one in A (the clinician is the
# expert), each with a question by member_a; events.permissions.
EVENTS = ("public", "a", "missing")
EVENT_READERS = {"public": EVERYONE, "a": COMMUNITY_READERS["a"], "missing": set()}
EVENT_POSTERS = {"public": POSTERS["public"], "a": POSTERS["a"], "missing": set()}
EVENT_MODERATORS = {"public": {"staff"}, "a": {"mod_a", "staff"}, "missing": set()}


def _extra_args(prefix: str):
    def args(world: World, obj: str) -> dict:
        found = world.extra.get(f"{prefix}_{obj}")
        return {"pk": found.pk if found else MISSING_PK}
    return args


def _event_post(role: str, obj: str):
    """Register or ask: 404 unseen, 403 seen but not a member who may post, 302 done."""
    if role not in EVENT_READERS[obj]:
        return 404
    return 302 if role in EVENT_POSTERS[obj] else 403


def _question_vote(role: str, obj: str):
    if role not in EVENT_READERS[obj]:
        return 404
    return 302 if role in EVENT_POSTERS[obj] - {"member_a"} else 403  # not on one's own


SPECS: dict[str, Spec] = {
    # --- hearth ---------------------------------------------------------------------------
    "healthz": Spec("GET", lambda r, o: 200),  # "degraded" without a worker, still 200
    "healthz_live": Spec("GET", lambda r, o: 200),
    "healthz_ready": Spec("GET", lambda r, o: 200),
    # Prometheus metrics: only for METRICS_ALLOWED_IPS or the METRICS_TOKEN (none here).
    "metrics": Spec("GET", lambda r, o: 404),
    "set_language": Spec("POST", lambda r, o: 302, data={"language": "es", "next": "/"}),
    # --- community ------------------------------------------------------------------------
    "community:directory": Spec("GET", lambda r, o: 200),
    # Share cards (issue 23): the generic one for all, a community's only while it is public.
    "community:generic_card": Spec("GET", lambda r, o: 200),
    "community:card": Spec("GET", lambda r, o: 200 if o == "public" else 404,
                           COMMUNITIES, community_args),
    # A private community opens for everyone on its landing page (no threads: those stay 404).
    "community:community": Spec("GET", lambda r, o: 404 if o == "missing" else 200,
                                COMMUNITIES, community_args),
    "community:join": Spec("POST", signed_in(
        lambda r, o: 404 if o == "missing" else 403 if r == "banned" else 302),
        COMMUNITIES, community_args),
    "community:leave": Spec("POST", signed_in(lambda r, o: 404 if o == "missing" else 302),
                            COMMUNITIES, community_args),
    "community:level": Spec("POST", signed_in(
        lambda r, o: 400 if r in COMMUNITY_READERS[o] else 404), COMMUNITIES, community_args),
    "community:requests": Spec("GET", signed_in(
        lambda r, o: 200 if r in COMMUNITY_MODERATORS[o] else 404), COMMUNITIES, community_args),
    "community:thread_new": Spec("GET", signed_in(
        lambda r, o: 200 if r in COMMUNITY_READERS[o] else 404), COMMUNITIES, community_args),
    "community:mentions": Spec("GET", signed_in(
        lambda r, o: 200 if r in POSTERS[o] else 404), COMMUNITIES, community_args,
        query="?q=me"),
    "community:thread_short": Spec("GET", lambda r, o: 200 if r in READERS[o] else 404,
                                   THREADS, thread_args),
    "community:thread": Spec("GET", lambda r, o: 200 if r in READERS[o] else 404,
                             THREADS, thread_args),
    "community:reply": Spec("POST", signed_in(lambda r, o: 400 if r in READERS[o] else 404),
                            THREADS, thread_args),
    "community:reply_draft": Spec("POST", signed_in(_draft_reply), THREADS, thread_args,
                                  data={"body": "An unfinished reply"}),
    "community:thread_draft": Spec("POST", signed_in(_draft_thread), COMMUNITIES,
                                   community_args, data={"title": "Unfinished", "body": "Words"}),
    "community:follow": Spec("POST", signed_in(lambda r, o: 302 if r in READERS[o] else 404),
                             THREADS, thread_args),
    "community:post": Spec("GET", lambda r, o: 302 if r in READERS[o] else 404,
                           THREADS, post_args),
    "community:edit": Spec("GET", signed_in(lambda r, o: 200 if r in EDITORS[o] else 404),
                           THREADS, post_args),
    "community:delete": Spec("POST", signed_in(_delete), THREADS, post_args),
    "community:react": Spec("POST", signed_in(_react), THREADS, post_args),
    "community:bookmark": Spec("POST", signed_in(lambda r, o: 302 if r in READERS[o] else 404),
                               THREADS, post_args),
    "community:accept": Spec("POST", signed_in(_accept), THREADS, post_args),
    # "Did this answer help?": a reader is told the first post is not an answer (403).
    "community:helped": Spec("POST", signed_in(lambda r, o: 403 if r in READERS[o] else 404),
                             THREADS, post_args, data={"helped": "yes"}),
    # The member's own list; what they may no longer read is left out (tests/community).
    "community:bookmarks": Spec("GET", signed_in(lambda r, o: 200)),
    "community:preview": Spec("POST", signed_in(lambda r, o: 200), data={"body": "hi"}),
    "community:search": Spec("GET", lambda r, o: 200, query="?q=question"),
    "community:profile": Spec("GET", lambda r, o: 200 if o == "member_a" else 404,
                              ("member_a", "banned", "deactivated", "missing"), user_args),
    "community:clinician_queue": Spec("GET", signed_in(only({"clinician"}))),
    # --- learn ----------------------------------------------------------------------------
    "learn:library": Spec("GET", lambda r, o: 200 if r in COMMUNITY_READERS[o] else 404,
                          COMMUNITIES, community_args),
    "learn:article": Spec("GET", lambda r, o: 200 if r in ARTICLE_READERS[o] else 404,
                          ARTICLES, article_args),
    "learn:new": Spec("GET", signed_in(only(WRITERS))),
    "learn:level": Spec("POST", signed_in(only(WRITERS)), data={"body": "Short words."}),
    "learn:edit": Spec("GET", signed_in(lambda r, o: 200 if r in ARTICLE_EDITORS[o] else 404),
                       ARTICLES, article_args),
    "learn:translate": Spec("GET", signed_in(
        lambda r, o: 200 if r in ARTICLE_EDITORS[o] else 404), ARTICLES, article_args),
    "learn:status": Spec("POST", signed_in(
        lambda r, o: 302 if r in ARTICLE_EDITORS[o] else 404), ARTICLES, article_args),
    "learn:helpful": Spec("POST", signed_in(_article_helpful), ARTICLES, article_args,
                          data={"helpful": "yes"}),
    "learn:ask": Spec("GET", signed_in(_article_ask), ARTICLES, article_args),
    # "Read more" under a reply of the public thread: a verified clinician or its moderator.
    "learn:read_more": Spec("GET", signed_in(
        lambda r, o: 200 if r in WRITERS and o == "reply" else 404), ("reply", "missing"),
                            _read_more_args),
    # --- events ---------------------------------------------------------------------------
    "events:list": Spec("GET", lambda r, o: 200 if r in COMMUNITY_READERS[o] else 404,
                        COMMUNITIES, community_args),
    "events:new": Spec("GET", signed_in(
        lambda r, o: 200 if r == "staff" and o != "missing" else 404), COMMUNITIES,
        community_args),
    "events:event": Spec("GET", lambda r, o: 200 if r in EVENT_READERS[o] else 404, EVENTS,
                         _extra_args("event")),
    "events:ics": Spec("GET", lambda r, o: 200 if r in EVENT_READERS[o] else 404, EVENTS,
                       _extra_args("event")),
    # Staff edit and cancel (the cancel form is on the edit page).
    "events:edit": Spec("GET", signed_in(
        lambda r, o: 200 if r == "staff" and o != "missing" else 404), EVENTS,
        _extra_args("event")),
    "events:cancel": Spec("POST", signed_in(
        lambda r, o: 302 if r == "staff" and o != "missing" else 404), EVENTS,
        _extra_args("event")),
    "events:register": Spec("POST", signed_in(_event_post), EVENTS, _extra_args("event")),
    "events:ask": Spec("POST", signed_in(_event_post), EVENTS, _extra_args("event")),
    "events:vote": Spec("POST", signed_in(_question_vote), EVENTS, _extra_args("question")),
    # Only the event's expert (the clinician) answers; an empty answer is sent back (302).
    "events:answer": Spec("POST", signed_in(
        lambda r, o: 302 if r == "clinician" and o == "public" else 404), EVENTS,
        _extra_args("question")),
    "events:moderate": Spec("POST", signed_in(
        lambda r, o: 302 if r in EVENT_MODERATORS[o] else 404), EVENTS,
        _extra_args("question")),
    # --- mentors: member_a mentors the public community; newbie joined it today ----------------
    "mentors:queue": Spec("GET", signed_in(
        lambda r, o: 200 if r == "member_a" and o == "public" else 404), COMMUNITIES,
        community_args),
    "mentors:apply": Spec("GET", signed_in(lambda r, o: 200 if r in POSTERS[o] else 404),
                          COMMUNITIES, community_args),
    "mentors:welcome": Spec("GET", signed_in(
        lambda r, o: 200 if r == "member_a" and o == "public" else 404), ("public", "missing"),
        lambda w, o: {**community_args(w, o), "username": "newbie"}),
    "mentors:welcome_seen": Spec("POST", signed_in(
        lambda r, o: 302 if r == "member_b" and o == "own" else 404), ("own", "missing"),
        extra_pk("welcome")),
    "mentors:review_list": Spec("GET", signed_in(only({"staff"}))),
    "mentors:review": Spec("POST", signed_in(
        lambda r, o: 302 if r == "staff" and o == "own" else 404), ("own", "missing"),
        extra_pk("mentor_application")),
    # --- moderation -----------------------------------------------------------------------
    "moderation:queue": Spec("GET", signed_in(only(QUEUE))),
    "moderation:count": Spec("GET", signed_in(only(QUEUE))),
    "moderation:bulk": Spec("POST", signed_in(only(QUEUE, 302))),
    "moderation:item": Spec("POST", signed_in(lambda r, o: 302 if r in QUEUE and o == "own"
                                              else 404),
                            ("own", "missing"),
                            lambda w, o: {**extra_pk("item")(w, o), "action": "claim"}),
    "moderation:post": Spec("POST", signed_in(_moderate(302)), THREADS,
                            lambda w, o: {**post_args(w, o), "action": "restore"}),
    "moderation:thread_move": Spec("GET", signed_in(_moderate(200)), THREADS, thread_args),
    "moderation:thread": Spec("POST", signed_in(_moderate(302)), THREADS,
                              lambda w, o: {**thread_args(w, o), "action": "pin"}),
    "moderation:member": Spec("GET", signed_in(_member_page),
                              ("member_a", "member_b", "missing"), user_args),
    "moderation:audit": Spec("GET", signed_in(only(QUEUE))),
    # Staff manage every watched word, a community moderator their communities' words.
    "moderation:words": Spec("GET", signed_in(only(QUEUE))),
    "moderation:check": Spec("POST", signed_in(lambda r, o: 200), data={"body": "hello"}),
    "moderation:flag": Spec("GET", signed_in(lambda r, o: 200 if r in READERS[o] else 404),
                            THREADS, post_args),
    # --- accounts -------------------------------------------------------------------------
    "accounts:settings": Spec("GET", signed_in(lambda r, o: 200)),
    "accounts:security": Spec("GET", signed_in(lambda r, o: 200)),
    "accounts:sessions_end_all": Spec("POST", signed_in(lambda r, o: 302)),
    "accounts:data": Spec("GET", signed_in(lambda r, o: 200)),
    "accounts:export": Spec("POST", signed_in(lambda r, o: 302)),
    "accounts:export_download": Spec("GET", signed_in(
        lambda r, o: 200 if r == "member_a" and o == "own" else 404),
        ("own", "missing"), extra_pk("export")),
    "accounts:delete": Spec("GET", signed_in(lambda r, o: 200)),
    "accounts:clinician_apply": Spec("GET", signed_in(lambda r, o: 200)),
    "moderation:clinician_review_list": Spec("GET", signed_in(only({"staff"}))),
    "moderation:clinician_review": Spec("GET", signed_in(_clinician_review), ("own", "missing"),
                                      extra_pk("pending_clinician")),
    # --- notifications --------------------------------------------------------------------
    "notifications:list": Spec("GET", signed_in(lambda r, o: 200)),
    "notifications:mark_all_read": Spec("POST", signed_in(lambda r, o: 302)),
    "notifications:open": Spec("GET", signed_in(
        lambda r, o: 302 if r == "member_a" and o == "own" else 404),
        ("own", "missing"), extra_pk("notification")),
    "notifications:settings": Spec("GET", signed_in(lambda r, o: 200)),
    # The token is the authorization (RFC 8058): anyone holding the link may unsubscribe.
    "notifications:unsubscribe": Spec(
        "GET", lambda r, o: 200 if o == "valid" else 404, ("valid", "forged"),
        lambda w, o: {"token": tokens.unsubscribe_token(w.users["member_a"].pk, "digest")
                      if o == "valid" else "forged.token"}),
    "notifications:click": Spec(
        "GET", lambda r, o: 302 if o == "valid" else 404, ("valid", "forged"),
        lambda w, o: {"token": tokens.click_token(
            user_id=w.users["member_a"].pk, thread_id=w.threads["private"].pk,
            frequency="daily", period="2025-01-01") if o == "valid" else "forged.token"}),
    # The monthly check-in: the signed link is the authorization (no sign-in), for a member
    # who was asked that month.
    "notifications:checkin": Spec(
        "GET", lambda r, o: 200 if o == "valid" else 404, ("valid", "forged"),
        lambda w, o: _checkin_args(w, o)),
    # --- messaging --------------------------------------------------------------------------
    "messaging:list": Spec("GET", signed_in(only(MESSAGES_USERS))),
    "messaging:new": Spec("GET", signed_in(only(MESSAGES_USERS))),
    "messaging:settings": Spec("GET", signed_in(only(MESSAGES_USERS))),
    "messaging:conversation": Spec("GET", signed_in(
        lambda r, o: 200 if r in MESSAGE_READERS and o == "own" else 404), ("own", "missing"),
        _messaging_object("conversation", _make_conversation)),
    "messaging:send": Spec("POST", signed_in(
        lambda r, o: 302 if r in MESSAGE_READERS and o == "own" else 404), ("own", "missing"),
        _messaging_object("conversation", _make_conversation), data={"body": "Hi"}),
    "messaging:after": Spec("GET", signed_in(
        lambda r, o: 200 if r in MESSAGE_READERS and o == "own" else 404), ("own", "missing"),
        lambda w, o: {**_messaging_object("conversation", _make_conversation)(w, o),
                      "after": 0}),
    "messaging:report": Spec("GET", signed_in(
        lambda r, o: 200 if r in MESSAGE_READERS and o == "own" else 404), ("own", "missing"),
        _messaging_object("message", _make_message)),
    "messaging:block": Spec("POST", signed_in(_block), ("member_b", "missing"), user_args,
                            data={"blocked": "1"}),
    "messaging:follow": Spec("POST", signed_in(_follow), ("member_b", "missing"), user_args),
    "messaging:ask": Spec("GET", signed_in(only(MESSAGES_USERS))),
    "messaging:ask_detail": Spec("GET", signed_in(
        lambda r, o: 200 if r == "member_a" and o == "own" else 404), ("own", "missing"),
        _messaging_object("ask_request", _make_ask_request)),
    "messaging:ask_rate": Spec("POST", signed_in(
        lambda r, o: 302 if r == "member_a" and o == "own" else 404), ("own", "missing"),
        _messaging_object("ask_request", _make_ask_request), data={"rating": "5"}),
    "messaging:ask_inbox": Spec("GET", signed_in(only(TEAM))),
    "messaging:ask_work": Spec("GET", signed_in(
        lambda r, o: 200 if r in TEAM and o == "own" else 404), ("own", "missing"),
                               _messaging_object("ask_request", _make_ask_request)),
    "messaging:ask_action": Spec("POST", signed_in(
        lambda r, o: 302 if r in TEAM and o == "own" else 404), ("own", "missing"),
                                 lambda w, o: {**_messaging_object(
                                     "ask_request", _make_ask_request)(w, o),
                                     "action": "claim"}),
    # --- insights -------------------------------------------------------------------------
    "insights:dashboard": Spec("GET", _insights, ("-", "a", "b", "public", "missing"),
                               query="?community={community}"),
    "insights:export_csv": Spec("GET", _insights, ("-", "a", "b", "public", "missing"),
                                query="?community={community}"),
    "insights:data_json": Spec("GET", _insights, ("-", "a", "b", "public", "missing"),
                               query="?community={community}"),
    # Clinicians, staff who wrote an article (staff wrote A's) and mentors (member_a).
    "insights:me": Spec("GET", only({"clinician", "staff", "member_a"})),
    # Campaign links and their figures (issue 23): staff only.
    "insights:campaigns": Spec("GET", only({"staff"})),
    "insights:report": Spec("GET", _insights, ("-", "a", "b", "public", "missing"),
                            query="?month=2025-03&community={community}"),
    # The all-communities report by email: staff only.
    "insights:report_subscription": Spec("POST", only({"staff"}, 302), data={"subscribe": "1"}),
    # --- api (/api/v1/ through the browser session; tokens: tests/api) -------------------
    "api_v1:schema": Spec("GET", lambda r, o: 200),
    "api_v1:docs": Spec("GET", lambda r, o: 200),
    "api_v1:communities": Spec("GET", lambda r, o: 200),
    "api_v1:community": Spec("GET", lambda r, o: 404 if o == "missing" else 200,
                             COMMUNITIES, community_args),
    "api_v1:threads": Spec("GET", lambda r, o: 200),
    "api_v1:thread": Spec("GET", lambda r, o: 200 if r in READERS[o] else 404,
                          THREADS, thread_args),
    "api_v1:thread_posts": Spec("GET", lambda r, o: 200 if r in READERS[o] else 404,
                                THREADS, thread_args),
    "api_v1:thread_follow": Spec("POST", api_signed_in(
        lambda r, o: 200 if r in READERS[o] else 404), THREADS, thread_args),
    "api_v1:posts": Spec("GET", lambda r, o: 200),
    "api_v1:post": Spec("GET", lambda r, o: 200 if r in READERS[o] else 404,
                        THREADS, post_args),
    "api_v1:post_reactions": Spec("POST", api_signed_in(_react), THREADS, post_args),
    "api_v1:search": Spec("GET", lambda r, o: 200, query="?q=question"),
    "api_v1:not_found": Spec("GET", lambda r, o: 404),  # any other path under /api/v1/
    "api_v1:me": Spec("GET", api_signed_in(lambda r, o: 200)),
    "api_v1:notifications": Spec("GET", api_signed_in(lambda r, o: 200)),
    "api_v1:notifications_read": Spec("POST", api_signed_in(lambda r, o: 200)),
    "api_v1:notification_read": Spec("POST", api_signed_in(
        lambda r, o: 200 if r == "member_a" and o == "own" else 404),
        ("own", "missing"), extra_pk("notification")),
    "api_v1:insights": Spec("GET", _api_insights, ("-", "a", "b", "public", "missing"),
                            query="?community={community}"),
    "api:tokens": Spec("GET", signed_in(lambda r, o: 404 if r == "banned" else 200)),
    "api:token_revoke": Spec("POST", signed_in(
        lambda r, o: 302 if r == "member_a" and o == "own" else 404),
        ("own", "missing"), _api_object("api_token", _make_token)),
    "api:webhooks": Spec("GET", signed_in(only({"staff"}))),
    "api:webhook": Spec("GET", signed_in(lambda r, o: 200 if r == "staff" and o == "own"
                                         else 404),
                        ("own", "missing"), _api_object("api_endpoint", _make_endpoint)),
    "api:webhook_toggle": Spec("POST", signed_in(
        lambda r, o: 302 if r == "staff" and o == "own" else 404),
        ("own", "missing"), _api_object("api_endpoint", _make_endpoint)),
    "api:webhook_delete": Spec("POST", signed_in(
        lambda r, o: 302 if r == "staff" and o == "own" else 404),
        ("own", "missing"), _api_object("api_endpoint", _make_endpoint)),
    "api:delivery_send_again": Spec("POST", signed_in(
        lambda r, o: 302 if r == "staff" and o == "own" else 404),
        ("own", "missing"), _api_object("api_delivery", _make_delivery)),
}
# Whole areas, classified by prefix: (prefix, kind). Every pattern under them is requested.
PREFIX_RULES = (
    ("admin/login/", "auth-flow"),
    ("admin/", STAFF_AREA),
    ("accounts/", "auth-flow"),
)
CSRF_RE = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">'
                     rb'|"X-CSRFToken": "[^"]*"|nonce="[^"]*"')


def classify(route: str, name: str) -> str | None:
    if name in SPECS:
        return name
    for prefix, kind in PREFIX_RULES:
        if route.startswith(prefix):
            return kind
    return None


def test_every_url_pattern_is_classified():
    """A new URL fails here until its row in SPECS (or a prefix rule) says who may reach it."""
    unclassified = [f"{name or '(unnamed)'}  /{route}" for route, name in url_patterns()
                    if classify(route, name) is None]
    assert not unclassified, "URL patterns without an expectation:\n" + "\n".join(unclassified)


def _request(world: World, role: str, method: str, path: str, data: dict):
    client = world.client(role)
    if method == "GET":
        return client.get(path)
    return client.post(path, data)


def _matches(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response["Location"].startswith(
            "/accounts/login/")
    if isinstance(expected, frozenset):
        return response.status_code in expected
    return response.status_code == expected


def _strip(body: bytes) -> bytes:
    return CSRF_RE.sub(b"", body)


def _spec_items():
    return sorted(SPECS)


@pytest.mark.parametrize("name", _spec_items())
def test_authorization_matrix(in_world, name, monkeypatch):
    """Each cell: the expected status; a 404 for what may not be seen is byte for byte the
    404 for what does not exist; the other method never succeeds."""
    routes = {n: r for r, n in url_patterns()}
    assert name in routes, f"{name} has a row in the matrix but no route"
    world, spec = in_world, SPECS[name]
    monkeypatch.setattr("hearth.health.check_celery", lambda: False)  # no 1 s ping per cell
    other = "POST" if spec.method == "GET" else "GET"
    wrong, not_found = [], {}
    for obj in spec.objects:
        args = spec.args(world, obj)
        path = fill(routes[name], args)
        community = world.communities.get(obj)
        query = spec.query.format(community=community.pk if community else
                                  ("" if obj == "-" else MISSING_PK))
        for role in ROLES:
            expected = spec.expect(role, obj)
            with transaction.atomic():
                response = _request(world, role, spec.method, path + query, spec.data)
                transaction.set_rollback(True)
            if not _matches(response, expected):
                wrong.append(f"{spec.method} {path}{query} as {role} [{obj}]: "
                             f"{response.status_code}, expected {expected}")
            if response.status_code == 404:
                not_found.setdefault(role, set()).add(_strip(response.content))
            if obj == spec.objects[0]:
                with transaction.atomic():
                    again = _request(world, role, other, path + query, spec.data)
                    transaction.set_rollback(True)
                if 200 <= again.status_code < 300 and not (
                        name == "notifications:unsubscribe" or
                        (other == "POST" and _matches(again, expected) and
                         again.status_code != 200) or
                        (other == "POST" and name in POST_TOO)):
                    wrong.append(f"{other} {path} as {role}: {again.status_code}")
    assert not wrong, f"{len(wrong)} cells differ:\n" + "\n".join(wrong)
    differing = {role: len(bodies) for role, bodies in not_found.items() if len(bodies) > 1}
    assert not differing, f"404 pages differ between hidden and missing objects: {differing}"


# Pages that are forms: the same URL shows it (GET) and takes it (POST).
POST_TOO = {
    "community:thread_new", "community:requests", "community:edit", "moderation:flag",
    "moderation:member", "moderation:words", "moderation:thread_move", "accounts:settings",
    "accounts:delete", "accounts:clinician_apply", "accounts:data", "moderation:clinician_review",
    "notifications:settings", "messaging:new", "messaging:settings", "messaging:report",
    "notifications:checkin",
    "messaging:ask", "messaging:ask_detail",
    "api_v1:threads", "api_v1:thread_posts", "api:tokens", "api:webhooks",
    "learn:new", "learn:edit", "learn:translate", "learn:ask", "learn:read_more", "events:new",
    "events:edit",
    "mentors:apply", "mentors:welcome",
}


@pytest.mark.parametrize("kind", ["auth-flow", STAFF_AREA])
def test_admin_and_allauth_patterns_by_prefix(in_world, kind):
    """Every admin pattern sends everyone but staff to the admin login; every allauth pattern
    answers without an error for every role (its pages are the sign-in flow)."""
    world = in_world
    wrong = []
    values = {"object_id": str(world.users["member_a"].pk), "content_type_id": "1",
              "pk": "1", "key": "bad-key", "uidb36": "zz", "app_label": "accounts"}
    for route, name in url_patterns():
        if name in SPECS or classify(route, name) != kind:
            continue
        path = fill(route, values)
        for role in ROLES:
            response = world.client(role).get(path)
            status = response.status_code
            if status >= 500:
                wrong.append(f"GET {path} as {role}: {status}")
            elif kind == STAFF_AREA and role != "staff" and not (
                    status == 302 and response["Location"].startswith("/admin/")):
                wrong.append(f"GET {path} as {role}: {status} (not sent to the admin login)")
    assert not wrong, "\n".join(wrong)
