"""The signed-in member's thread page, shared (issue 17): one cached copy of a page for every
member of the same *reader class*, filled per request from one small read of their own.

What a page shows differently to two members is either the same for a whole class of readers
(may they reply, may they accept an answer, are they in good standing: `reader_class`, which is
in the key), or theirs alone: their user id, the header's menu and counts, notices, follow
button, "new replies since your last visit", their draft in the reply box, their reactions and
bookmarks on the page. The shared copy holds marks where the second kind goes (random per
render and kept beside the page, like `hearth.lib.pagecache`'s CSRF mark, so no text a member
writes can hold one); `Visit.respond` puts this member's own values there in one pass. Per-post
controls (edit, delete, accept, message, report, reactions, bookmark) are rendered as for a post
that arrives over the socket: each marked with whom it is for (data-for), kept or dropped in the
browser (static/js/hearth.js) from the page's data attributes and the member's small JSON blob.
The server still checks every action.

Never shared: moderators (hidden posts, anonymous authors, moderator tools), verified clinicians
(they may attach library articles), held threads, and a member with posts of their own on the
page that others see differently (anonymous, held, or still being checked): they get the page
rendered for them alone. The access check runs before the cache, as for visitors, so a member
who left or was banned is never served a member copy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import ngettext

from accounts.permissions import is_in_good_standing
from hearth.lib import notices, pagecache

from . import permissions, selectors
from .context_processors import is_verified_clinician_cached
from .models import Thread
from .services.reads import thread_visit_read

logger = logging.getLogger(__name__)

SLOTS = ("user", "nav", "notices", "follow", "new", "reply", "viewer")


def may_share(user) -> bool:
    """Whether a signed-in member's pages may be shared copies at all: not for moderators
    (anywhere: asked before the thread is read) nor verified clinicians."""
    return not permissions.is_moderator_anywhere(user) and not is_verified_clinician_cached(user)


def reader_class(user, thread: Thread) -> str | None:
    """What a member's copy of the page depends on besides the thread (it goes into the key),
    or None: this member gets the page rendered for them alone."""
    if thread.status != Thread.Status.PUBLISHED:
        return None
    if permissions.can_moderate_community(user, thread.community):
        return None
    if is_verified_clinician_cached(user):  # may attach articles, may accept answers
        return None
    # Only the asker may accept among readers who are neither moderators nor clinicians
    # (may_share): the rule is asked only for them, so no other reader pays its clinician
    # lookup (a query).
    may_accept = thread.author_id == user.pk and permissions.can_accept_answer(user, thread)
    return (f"{int(permissions.can_reply(user, thread))}{int(may_accept)}"
            f"{int(is_in_good_standing(user))}")


def new_marks() -> dict:
    """The marks of one render of a shared page: {slot: mark}, and "prefix" for finding them."""
    prefix = f"__hearth_m_{secrets.token_hex(8)}_"
    return {"prefix": prefix, **{name: f"{prefix}{name}__" for name in SLOTS},
            "body": f"{prefix}body__"}


@dataclass
class Visit:
    """One member's request for a shared page: the key, the stored page (None: not stored yet)
    and what is theirs alone."""

    request: HttpRequest
    thread: Thread
    key: str
    shared: bool
    page: dict | None
    state: selectors.MemberPageState
    notices: list | None
    nav: tuple[str, str]  # (its CSRF mark, the menu's HTML)
    before: int | None = None  # their read recorded with the page's (see respond); None: not
    rendered: bool = False  # the page was rendered for this request (not found, or unreadable)

    @classmethod
    def start(cls, request, thread: Thread, key: str | None,
              state: selectors.MemberPageState) -> Visit | None:
        """None when this member's page cannot be the shared one (see the module); not
        `shared` when they have posts of their own on the page that others see differently."""
        if key is None:
            return None
        user = request.user
        notices_key = notices._key(user.pk)
        nav_context = _nav_context(request)
        nav_key = _nav_key(user, nav_context)
        shared = not state.own_special  # else: rendered for them, with this state
        try:  # one round trip: the page, the member's menu, their pending notices and, when
            # the page is there, their read position recorded (the page's last, kept beside it)
            found, before = thread_visit_read(
                user=user, thread=thread, keys=[key, nav_key, notices_key],
                last_key=last_key(key) if shared else None)
        except Exception:  # noqa: BLE001 - Redis down: render for this member
            logger.warning("member page cache unavailable")
            return None
        page = found.get(key)
        return cls(request=request, thread=thread, key=key, shared=shared,
                   page=page if shared and isinstance(page, dict) and "parts" in page else None,
                   state=state,
                   notices=found.get(notices_key) or None,
                   nav=_nav(nav_key, found.get(nav_key), nav_context), before=before)

    def store(self, html: str, *, marks: dict, variants: dict) -> None:
        """Keep the shared copy (rendered with `marks` and pagecache's context)."""
        page = pagecache.prepare(self.request, html)
        # Kept cut at the marks: filling in is a join, not a search through the page.
        page["parts"] = re.split(re.escape(marks["prefix"]) + r"([a-z]+)__", page.pop("html"))
        page.update(body=marks["body"], **variants)
        try:  # how far the page goes beside it, for thread_visit_read (a plain number)
            cache.set_many({self.key: page, last_key(self.key): int(page.get("last") or 0)},
                           pagecache.SECONDS)
        except Exception:  # noqa: BLE001 - Redis down: the page is rendered every time
            logger.warning("member page cache unavailable")
        self.page, self.rendered = page, True

    def respond(self) -> HttpResponse:
        from community.services import thread_mark_read

        request, user, page, state = self.request, self.request.user, self.page, self.state
        last_read = state.last_read
        if self.before is not None and not self.rendered:  # recorded when the page was read
            last_read = max(last_read, self.before)
        elif page.get("last"):  # how far this page goes: in Redis, the database gets it in a batch
            unsaved = thread_mark_read(user=user, thread=self.thread, position=page["last"])
            last_read = max(last_read, unsaved if self.before is None else self.before)
        new = max(0, self.thread.last_position - last_read) if last_read else 0
        draft = state.draft
        reply = page.get("reply")
        values = {
            "user": str(user.pk),
            "nav": self.nav[1].replace(self.nav[0], page["csrf"]),  # the token comes below
            "notices": self._notices(),
            "follow": page["follow"][int(state.following)],
            "new": _new_replies(page["thread_url"], new, last_read) if new else "",
            "reply": reply[int(bool(draft))].replace(page["body"], escape(draft)) if reply else "",
            "viewer": _viewer_blob(state),
        }
        parts = page["parts"]  # text, slot name, text, slot name, ..., text
        html = "".join([values.get(part, "") if i % 2 else part for i, part in enumerate(parts)])
        return pagecache.respond(request, {**page, "html": html})

    def _notices(self) -> str:
        if not self.notices:
            return ""
        pending = notices.notices_pop(self.request.user.pk)  # read again: taken only once
        return "".join(render_to_string(n["template"], {"notice": n["context"]}, self.request)
                       for n in pending)


def last_key(key: str) -> str:
    """Where the cache keeps how far the shared page under `key` goes (its last position)."""
    return f"{key}:last"


def _new_replies(url: str, new: int, last_read: int) -> str:
    """As templates/community/thread.html writes it for a page rendered for one member."""
    text = ngettext("%(n)s new reply since your last visit",
                    "%(n)s new replies since your last visit", new) % {"n": new}
    return f'<p class="new-replies"><a href="{url}?after={last_read}">{escape(text)}</a></p>'


# What the header's member menu (templates/_member_nav.html) shows besides the member's name.
NAV_NAMES = ("moderation_nav", "moderation_open", "clinician_nav", "notifications_unread",
             "messages_unread", "insights_nav")


def _nav_context(request) -> dict:
    """The context processors' values, as a RequestContext would have them (all cheap: the
    counts come with the member's row)."""
    values: dict = {}
    for processor in engines["django"].engine.template_context_processors:
        values.update(processor(request))
    return values


def _nav_key(user, context: dict) -> str:
    """The member's menu, keyed by everything it shows: a count that moves is a new key."""
    parts = (user.pk, user.username, translation.get_language(),
             *(str(context.get(name, "")) for name in NAV_NAMES))
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
    return f"member-nav:{user.pk}:{digest}"


def _nav(key: str, kept, context: dict) -> tuple[str, str]:
    """The menu kept for this key, or rendered now and kept (a minute)."""
    if isinstance(kept, tuple):
        return kept
    mark = f"__hearth_nav_{secrets.token_hex(8)}__"
    nav = (mark, render_to_string("_member_nav.html", {**context, "csrf_token": mark}))
    try:
        cache.set(key, nav, pagecache.SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("member menu cache unavailable")
    return nav


def _viewer_blob(state: selectors.MemberPageState) -> str:
    """The member's reactions and bookmarks on the page, for static/js/hearth.js."""
    reactions: dict[str, list[str]] = {}
    for post_id, kind in sorted(state.reactions):
        reactions.setdefault(str(post_id), []).append(kind)
    data = json.dumps({"reactions": reactions, "bookmarks": sorted(state.bookmarks)},
                      separators=(",", ":"))
    return ('<script type="application/json" id="hearth-viewer">'
            + data.replace("<", "\\u003c") + "</script>")


def variants(request, *, thread: Thread, context: dict, marks: dict, reply_form_class) -> dict:
    """The per-member pieces that come in a few versions, each rendered once with the page:
    the follow button (not following, following) and the reply box (no draft, a draft; the
    draft's text goes where the body mark is)."""
    follow = []
    for following in (False, True):
        thread.is_following = following
        follow.append(render_to_string("community/_follow.html", {**context, "thread": thread},
                                       request))
    reply = None
    if context.get("can_reply"):
        reply = [render_to_string("community/_reply_form.html", {
            **context, "has_draft": has_draft,
            "reply_form": reply_form_class(allow_anonymous=thread.community.allow_anonymous,
                                           initial={"body": marks["body"]}),
        }, request) for has_draft in (False, True)]
    return {"follow": follow, "reply": reply,
            "thread_url": reverse("community:thread", args=[thread.pk, thread.slug])}
