"""Stored and reflected XSS: every payload of the shared corpora (../shared/corpora/xss/) as a
post body, thread title, display name, bio, community name and description, search query,
watched word and moderation reason.

Server side, none of the payloads appears unescaped in the HTML. In Chromium, the pages and
the HTML emails are opened with a trap on alert/confirm/prompt/print and on beacons, fetch,
XHR and images to other origins, plus a listener for any request that leaves the server's
origin: 0 executions, with the CSP on and with django-csp's middleware taken out.

Payloads are packed many to a field (up to the field's length), so that a few dozen pages
carry them all.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from accounts.models import User
from community.models import Community, Thread
from hearth.embedded import free_port
from moderation.models import AuditLog, WatchedWord
from notifications.emails import render_email
from tests.conftest import client_for, join, make_user, publish_reply, publish_thread

CORPORA = Path(os.environ.get("HEARTH_XSS_CORPORA",
                              Path(__file__).resolve().parents[3] / "shared/corpora/xss"))
SEPARATOR = "\n\n"


def load_payloads() -> list[str]:
    if not CORPORA.is_dir():
        return []
    seen: dict[str, None] = {}
    for path in sorted(CORPORA.glob("*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip().replace("\x00", "")
            if line:
                seen.setdefault(line, None)
    return list(seen)


PAYLOADS = load_payloads()


def pack(payloads: list[str], limit: int, joiner: str = " ") -> list[str]:
    """Payloads joined into chunks of at most `limit` characters (a longer one is cut)."""
    chunks, current = [], ""
    for payload in payloads:
        payload = payload[:limit]
        if current and len(current) + len(joiner) + len(payload) > limit:
            chunks.append(current)
            current = ""
        current = f"{current}{joiner}{payload}" if current else payload
    if current:
        chunks.append(current)
    return list(dict.fromkeys(chunks))


@pytest.fixture
def corpus():
    if not PAYLOADS:
        from tests.conftest import service_missing

        service_missing(f"no XSS corpora at {CORPORA}")
    return PAYLOADS


def build_lab(payloads: list[str]) -> dict:
    """Every field holding the payloads; returns the paths that show them."""
    lab = make_community("xss-lab")
    author = make_user("author")
    staff = make_user("staffer", staff=True)
    join(author, lab)
    paths: list[str] = []
    # post bodies: all payloads in a few posts of one thread
    bodies = pack(payloads, 19000, SEPARATOR)
    thread = publish_thread(author, lab, title="Bodies", body=bodies[0])
    for body in bodies[1:]:
        publish_reply(author, thread, body)
    paths.append(thread.get_absolute_url())
    # thread titles: one community of them, listed 25 to a page
    titled = make_community("xss-titles")
    join(author, titled)
    titles = pack(payloads, 200)
    now = timezone.now()
    Thread.objects.bulk_create([
        Thread(community=titled, author=author, title=title, slug=f"t{i}", created_at=now,
               last_activity_at=now) for i, title in enumerate(titles)])
    paths += [f"/c/xss-titles/?page={n}" for n in range(1, len(titles) // 25 + 2)]
    first_titled = Thread.objects.filter(community=titled).order_by("pk").first()
    publish_reply(author, first_titled, "A reply so the thread page renders a post.")
    paths += [t.get_absolute_url() for t in Thread.objects.filter(community=titled)[:3]]
    # community names and descriptions: all on the directory
    names = pack(payloads, 80)
    descriptions = pack(payloads, 3000)
    Community.objects.bulk_create([
        Community(slug=f"x-{i}", name=name,
                  description=descriptions[i] if i < len(descriptions) else "")
        for i, name in enumerate(names)])
    paths += ["/", "/c/x-0/", "/c/x-1/"]
    # bios, shown to everyone
    bios = pack(payloads, 6000, SEPARATOR)
    bio_users = [make_user(f"bio{i}", bio=bio, bio_visibility=User.Visibility.EVERYONE)
                 for i, bio in enumerate(bios)]
    paths += [f"/u/{u.username}/" for u in bio_users]
    # search queries (reflected), packed to the 200 characters a query keeps
    queries = pack(payloads, 200)
    from urllib.parse import quote

    paths += [f"/search/?q={quote(q)}" for q in queries[::8]]
    # watched words and moderation reasons: staff pages
    WatchedWord.objects.bulk_create([
        WatchedWord(pattern=p, action=WatchedWord.Action.FLAG, created_by=staff)
        for p in pack(payloads, 200)])
    AuditLog.objects.bulk_create([
        AuditLog(actor=staff, actor_label="staffer", action="post.hide", target_type="post",
                 target_id="1", reason=reason) for reason in pack(payloads, 2000)])
    staff_paths = ["/moderation/words/", "/moderation/audit/"]
    # display names, titles and summaries in the HTML emails
    emails = []
    for i, name in enumerate(pack(payloads, 40)):
        member = User(username=f"m{i}", display_name=name, email="m@example.org")
        _subject, _text, html = render_email("notifications/immediate", {
            "thread": SimpleNamespace(title=titles[i % len(titles)]),
            "summary": queries[i % len(queries)], "link": "/t/1/"}, user=member)
        emails.append(html)
    return {"paths": paths, "staff_paths": staff_paths, "emails": emails,
            "staff": staff, "queries": queries}


def make_community(slug):
    from tests.conftest import make_community as make

    return make(slug)


BARE_TAG = re.compile(r"</?[a-zA-Z]+\s*>")  # "<head>", "</div>": in every page anyway


def unescaped(html: str, payloads: list[str]) -> list[str]:
    return [p for p in payloads if "<" in p and not BARE_TAG.fullmatch(p) and p in html]


@pytest.mark.django_db
def test_no_payload_appears_unescaped_in_any_page_or_email(corpus):
    lab = build_lab(corpus)
    visitor, staff = Client(), client_for(lab["staff"])
    found = []
    for path in lab["paths"]:
        html = visitor.get(path).content.decode()
        found += [f"{path}: {p!r}" for p in unescaped(html, corpus)]
    for query in lab["queries"]:  # every query, not only those the browser opens
        html = visitor.get("/search/", {"q": query}).content.decode()
        found += [f"search: {p!r}" for p in unescaped(html, corpus)]
    for path in lab["staff_paths"]:
        response = staff.get(path)
        assert response.status_code == 200
        found += [f"{path}: {p!r}" for p in unescaped(response.content.decode(), corpus)]
    for i, html in enumerate(lab["emails"]):
        found += [f"email {i}: {p!r}" for p in unescaped(html, corpus)]
    assert not found, "\n".join(found[:50])


TRAP = """
(() => {
  const report = (what) => { try { window.__hearthXss(String(what).slice(0, 200)); } catch (e) {} };
  const foreign = (url) => {
    try { return new URL(url, location.href).origin !== location.origin; }
    catch (e) { return true; }
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (...args) => report(name + ":" + args.join(","));
  }
  const beacon = navigator.sendBeacon ? navigator.sendBeacon.bind(navigator) : null;
  navigator.sendBeacon = (url, data) => { report("beacon:" + url); return true; };
  const realFetch = window.fetch;
  window.fetch = (input, init) => {
    const url = typeof input === "string" ? input : (input && input.url) || String(input);
    if (foreign(url)) { report("fetch:" + url); return Promise.reject(new Error("trapped")); }
    return realFetch(input, init);
  };
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (foreign(url)) report("xhr:" + url);
    return open.call(this, method, url, ...rest);
  };
  const RealImage = window.Image;
  window.Image = function (...args) {
    const img = new RealImage(...args);
    const desc = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
    Object.defineProperty(img, "src", {
      set(value) { if (foreign(value)) report("image:" + value); desc.set.call(this, value); },
      get() { return desc.get.call(this); },
    });
    return img;
  };
})();
"""


@contextlib.contextmanager
def serve(csp: bool):
    """Hearth over ASGI in a thread, with or without django-csp's middleware (a handler built
    after the change, so that the middleware chain is the one asked for)."""
    import uvicorn
    from django.core.handlers.asgi import ASGIHandler
    from django.test import override_settings

    middleware = [m for m in django_settings.MIDDLEWARE
                  if csp or m != "hearth.middleware.ContentSecurityPolicyMiddleware"]
    with override_settings(MIDDLEWARE=middleware):
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(ASGIHandler(), host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def visit_all(browser, base: str, lab: dict, *, csp: bool) -> tuple[list[str], int]:
    from tests.browser.conftest import sign_in

    hits: list[str] = []
    context = browser.new_context()
    context.expose_binding("__hearthXss", lambda source, what: hits.append(
        f"{source['frame'].url}: {what}"))
    context.add_init_script(TRAP)
    page = context.new_page()

    def on_request(request):
        if not request.url.startswith((base, "data:", "about:")):
            hits.append(f"request to {request.url} from {page.url}")

    def on_dialog(dialog):
        hits.append(f"dialog {dialog.type} on {page.url}")
        dialog.dismiss()

    page.on("request", on_request)
    page.on("dialog", on_dialog)
    # the trap works: a script that runs, and an image from elsewhere, are both caught
    page.goto("about:blank")
    page.set_content('<img src="x" onerror="alert(1)"><img src="http://198.51.100.7/b.png">')
    page.wait_for_timeout(200)
    assert any("alert:1" in hit for hit in hits), hits
    assert any("198.51.100.7" in hit for hit in hits), hits
    hits.clear()
    pages = 0
    for path in lab["paths"]:
        response = page.goto(base + path, wait_until="load")
        assert response is not None and response.status == 200, path
        if csp:
            assert "object-src 'none'" in response.headers.get("content-security-policy", "")
        else:
            assert "content-security-policy" not in response.headers
        pages += 1
    sign_in(page, base, lab["staff"].username)
    for path in lab["staff_paths"]:
        response = page.goto(base + path, wait_until="load")
        assert response is not None and response.status == 200, path
        pages += 1
    for start in range(0, len(lab["emails"]), 60):
        page.set_content("\n".join(lab["emails"][start:start + 60]), wait_until="load")
        pages += 1
    page.wait_for_timeout(200)  # handlers scheduled by the last page
    context.close()
    return hits, pages


@pytest.mark.browser
@pytest.mark.timeout(240)
@pytest.mark.django_db(transaction=True)
def test_no_payload_runs_in_chromium_with_or_without_the_csp(corpus, browser, redis_client):
    lab = build_lab(corpus)
    for csp in (True, False):
        with serve(csp) as base:
            hits, pages = visit_all(browser, base, lab, csp=csp)
        assert pages > 20
        assert not hits, f"CSP {'on' if csp else 'off'}: " + "\n".join(hits[:30])


def test_the_corpora_are_read_and_packed(corpus):
    assert len(corpus) > 500
    chunks = pack(corpus, 200)
    assert all(len(c) <= 200 for c in chunks)
    assert "".join(chunks).count("<script") >= sum(
        1 for p in corpus if "<script" in p[:200]) - 1



