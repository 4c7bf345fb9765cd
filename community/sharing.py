"""Sharing a public page: its card (Open Graph and X card tags), its share links, its image.

Only what anyone may already read is ever described: a public community, and a public
discussion whose author allowed previews (community.permissions.can_preview_*). A shared link
carries a campaign tag (utm_*) and a short Hearth share id that names the page shared, never
the member who shared it: every member sharing the same page shares the same link.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import strip_tags
from django.utils.text import Truncator

from . import permissions
from .models import Community, Post, Thread

SHARE_SALT = "community.share-id"
SHARE_KINDS = {"c": "community", "t": "thread", "a": "article", "e": "event"}
SHARE_CAMPAIGN = "member-share"
SHARE_CHANNELS = ("x", "facebook", "email", "link")
DESCRIPTION_CHARS = 200
CARD_SIZE = (1200, 630)
_SHARE_RE = re.compile(r"^([a-z])([0-9a-z]{1,12})-([0-9a-f]{6})$")


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _sig(kind: str, pk: int) -> str:
    return salted_hmac(SHARE_SALT, f"{kind}:{pk}").hexdigest()[:6]


def share_id(kind: str, pk: int) -> str:
    """A short id for a shared page ("t1c-3fa91b"): the kind, its id, a signature."""
    return f"{kind}{_b36(pk)}-{_sig(kind, pk)}"


def parse_share_id(value: str | None) -> tuple[str, int] | None:
    """(kind, pk) of a genuine share id, else None (a forged or mangled one counts nothing)."""
    match = _SHARE_RE.match((value or "").strip().lower()[:24])
    if match is None or match.group(1) not in SHARE_KINDS:
        return None
    kind, pk = match.group(1), int(match.group(2), 36)
    if not constant_time_compare(match.group(3), _sig(kind, pk)):
        return None
    return kind, pk


def absolute(path: str) -> str:
    return settings.HEARTH_BASE_URL.rstrip("/") + path


def tagged_url(path: str, *, source: str, medium: str, campaign: str, **extra: str) -> str:
    query = {"utm_source": source, "utm_medium": medium, "utm_campaign": campaign, **extra}
    return f"{absolute(path)}?{urlencode(query)}"


def share_links(*, path: str, title: str, share: str) -> dict:
    """The plain links of the share actions (no script of any network is ever loaded)."""
    def url(channel: str) -> str:
        return tagged_url(path, source=channel, medium="share", campaign=SHARE_CAMPAIGN,
                          hs=share)

    return {
        "x": "https://x.com/intent/post?" + urlencode({"url": url("x"), "text": title}),
        "facebook": "https://www.facebook.com/sharer/sharer.php?"
                    + urlencode({"u": url("facebook")}),
        "email": "mailto:?" + urlencode({"subject": title, "body": url("email")},
                                        quote_via=quote),
        "link": url("link"),
        "title": title,
    }


def describe(html: str) -> str:
    text = " ".join(strip_tags(html).split())
    return Truncator(text).chars(DESCRIPTION_CHARS)


def community_card(community: Community) -> dict | None:
    if not permissions.can_preview_community(community):
        return None
    path = community.get_absolute_url()
    return {
        "title": community.name,
        "description": Truncator(" ".join((community.description or "").split())).chars(
            DESCRIPTION_CHARS),
        "image": absolute(reverse("community:card", kwargs={"slug": community.slug})),
        "url": absolute(path),
        "type": "website",
        "share": share_links(path=path, title=community.name,
                             share=share_id("c", community.pk)),
    }


def thread_card(thread: Thread, loaded: list[Post] | None = None) -> dict | None:
    """No query when the first post (with its author) is among `loaded`, else one."""
    if not permissions.can_preview_community(thread.community):
        return None
    first = next((post for post in loaded or () if post.position == 1), None)
    if first is None:
        first = (Post.objects.select_related("author")
                 .filter(thread_id=thread.pk, position=1).first())
    if first is None or not permissions.can_preview_thread(thread, first):
        return None
    path = thread.get_absolute_url()
    return {
        "title": thread.title,
        "description": describe(first.body_html),
        "image": absolute(reverse("community:card", kwargs={"slug": thread.community.slug})),
        "url": absolute(path),
        "type": "article",
        "share": share_links(path=path, title=thread.title, share=share_id("t", thread.pk)),
    }


def generic_card() -> dict:
    return {"title": settings.SITE_NAME, "description": "",
            "image": absolute(reverse("community:generic_card")),
            "url": absolute("/"), "type": "website", "share": None}


def _hex(color: str) -> tuple[int, int, int]:
    color = color if re.fullmatch(r"#[0-9a-fA-F]{6}", color or "") else "#2f6f73"
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


@lru_cache(maxsize=64)
def render_card(title: str, color: str, site: str) -> bytes:
    """A 1200×630 PNG: the community's colour, its name and the site's name (Pillow)."""
    from PIL import Image, ImageDraw, ImageFont

    rgb = _hex(color)
    image = Image.new("RGB", CARD_SIZE, rgb)
    draw = ImageDraw.Draw(image)
    ink = (255, 255, 255) if sum(rgb) < 450 else (20, 20, 20)
    big = ImageFont.load_default(size=72)
    small = ImageFont.load_default(size=40)
    lines, line = [], ""
    for word in title.split():
        attempt = f"{line} {word}".strip()
        if draw.textlength(attempt, font=big) > CARD_SIZE[0] - 160 and line:
            lines.append(line)
            line = word
        else:
            line = attempt
    lines.append(line)
    y = 200
    for text in lines[:3]:
        draw.text((80, y), text, font=big, fill=ink)
        y += 90
    draw.text((80, CARD_SIZE[1] - 110), site, font=small, fill=ink)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
