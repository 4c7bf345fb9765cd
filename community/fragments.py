"""A thread page's posts, each rendered once and shared by every reader who would see the same.

Rendering twenty posts through the template engine is most of a thread page's cost. A post's
HTML depends only on the post (its version, which every change moves, and its author), on
the thread's accepted answer, on what this reader may do with it (a handful of yes/no flags
and their own reactions), and on the language and time zone. All of that goes into the
fragment's key, so a changed post or a different kind of reader never gets a stale or foreign
fragment; readers of the same thread share a few fragments per post, fetched in one round
trip. The CSRF token is stored as a mark (random, kept beside the fragment) that becomes this
request's own mark (`hearth.lib.pagecache.marks`), which the view turns into its token: never
shared, and never found inside a member's text.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation

from hearth.lib import pagecache

from .models import Post

logger = logging.getLogger(__name__)

SECONDS = 60

# Apps beside the forum add what they show under a post (e.g. the library's "Read more"):
# each annotator sets attributes on the posts, and `post.extra_key` joins the fragment's key.
_annotators: list = []


def register_post_annotator(annotator) -> None:
    """`annotator(user, posts, context)`, called once per page with every post."""
    if annotator not in _annotators:
        _annotators.append(annotator)


def _key(post: Post, context: dict, user) -> str:
    """What `community/_post.html` shows for this post and reader, digested: the post's
    version (services move it with every change to the post), its author's name and
    clinician badge (they change apart from the post), whether it is the accepted answer,
    and what this reader may do with it (nothing of theirs for a post rendered as for every
    reader, `live`: the shared member page, community/fragments_page.py)."""
    author = post.author
    clinician = getattr(author, "clinician", None) if author else None
    thread = context["thread"]
    live = bool(context.get("live"))  # as for every reader: no bit of this one's in the key
    signed_in = user.is_authenticated
    mine = signed_in and not live and post.author_id == user.pk
    parts = (
        live,
        post.pk, post.version, post.author_id, author.username if author else None,
        (clinician.status, clinician.credentials, clinician.specialty) if clinician else None,
        thread.accepted_post_id == post.pk,
        post.show_author, post.can_edit, post.can_delete, sorted(post.my_reactions),
        getattr(post, "is_bookmarked", False),
        bool(context.get("can_accept")), bool(context.get("can_reply")),
        bool(context.get("can_moderate")), signed_in, mine,
        translation.get_language(), timezone.get_current_timezone_name(),
        getattr(post, "extra_key", None),
    )
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"post-fragment:{post.pk}:{digest}"


def render_posts(*, request, posts: list[Post], context: dict) -> str:
    """The posts' HTML, with this request's CSRF mark where its token belongs."""
    user = request.user
    mark = pagecache.marks(request).csrf
    for annotator in _annotators:
        annotator(user, posts, context)
    keys = [_key(post, context, user) for post in posts]
    try:
        kept = cache.get_many(keys)
    except Exception:  # noqa: BLE001 - Redis down: render every time
        logger.warning("post fragment cache unavailable")
        kept = None
    fresh = {}
    html = []
    for post, key in zip(posts, keys, strict=True):
        stored = kept.get(key) if kept is not None else None
        if isinstance(stored, tuple):  # (the mark it was rendered with, its HTML)
            fragment = stored[1].replace(stored[0], mark)
        else:
            fragment = render_to_string("community/_post.html", {
                **context, "post": post, "user": user, "request": request,
                "csrf_token": mark})
            fresh[key] = (mark, fragment)
        html.append(fragment)
    if fresh and kept is not None:
        try:
            cache.set_many(fresh, SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("post fragment cache unavailable")
    return "".join(html)
