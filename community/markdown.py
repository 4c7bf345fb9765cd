"""Markdown to safe HTML, once, when a post is written (reading never re-renders).

CommonMark with tables, strikethrough and bare-URL links through markdown-it-py, then nh3
with an allow-list. Images never load: a third party must not learn who reads a health
thread, so `![alt](url)` becomes a link to the image instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

LINK_REL = "nofollow ugc noopener noreferrer"
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr", "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_.-]{2,40})")


def _image_as_link(self, tokens, idx, options, env):
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = self.renderInline(token.children or [], options, env) or "image"
    return f'<a href="{escapeHtml(src)}">{alt} (image)</a>'


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True, "html": False, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.add_render_rule("image", _image_as_link)
    # Headings inside a post must not outrank the page's own: h1/h2 become h3.
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    return md


def _level(tag: str) -> str:
    return f"h{max(3, int(tag[1]))}"


def _heading_open(self, tokens, idx, options, env):
    return f"<{_level(tokens[idx].tag)}>"


def _heading_close(self, tokens, idx, options, env):
    return f"</{_level(tokens[idx].tag)}>\n"


_md = _make_parser()


def _mention_links(html: str, usernames: Iterable[str]) -> str:
    known = {name.lower(): name for name in usernames}
    if not known:
        return html

    def link(match: re.Match) -> str:
        name = known.get(match.group(1).lower())
        if name is None:
            return match.group(0)
        return f'<a href="/u/{name}/" class="mention">@{name}</a>'

    # Only text outside tags is touched: split on tags and rewrite the text parts.
    parts = re.split(r"(<[^>]+>)", html)
    inside_code = 0
    for i, part in enumerate(parts):
        if part.startswith("<"):
            tag = part[1:].split()[0].rstrip(">").lower() if len(part) > 2 else ""
            if tag in ("code", "pre", "a"):
                inside_code += 1
            elif tag in ("/code", "/pre", "/a"):
                inside_code = max(0, inside_code - 1)
            continue
        if not inside_code:
            parts[i] = MENTION_RE.sub(link, part)
    return "".join(parts)


def render_markdown(text: str, *, mentionable: Iterable[str] = ()) -> str:
    html = _md.render(text)
    html = _mention_links(html, mentionable)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=LINK_REL,
        url_schemes={"http", "https", "mailto"},
        allowed_classes={"a": {"mention"}},
    )


def mentioned_names(text: str) -> set[str]:
    return {m.group(1).lower() for m in MENTION_RE.finditer(text)}
