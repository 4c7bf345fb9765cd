"""The visitor page cache (hearth/lib/pagecache.py) and the shared post fragments
(community/fragments.py): fast, but never stale after a change, never another reader's page,
never a shared secret."""

from __future__ import annotations

import re
import urllib.request

import pytest
from django.test import Client
from django.test.signals import template_rendered

from community import services
from community.models import Community, Reaction
from hearth.lib.pagecache import CSRF_MARK, NONCE_MARK
from moderation import services as moderation
from tests.conftest import client_for, join, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page_and_templates(client, url: str) -> tuple[str, list[str]]:
    """The page's HTML and the names of the templates rendered to make it."""
    rendered = []

    def record(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        return client.get(url).content.decode(), rendered
    finally:
        template_rendered.disconnect(record)


@pytest.fixture
def thread(maria, james, diabetes):
    thread = publish_thread(maria, diabetes, title="Night-time lows", body="What helps you?")
    publish_reply(james, thread, "A snack before bed helps me.")
    return thread


def test_a_second_visitor_gets_the_stored_page_with_their_own_token_and_nonce(
        thread, django_assert_max_num_queries, django_assert_num_queries):
    url = f"/t/{thread.pk}/"
    with django_assert_max_num_queries(12) as cold:
        first = Client().get(url)
    visitor = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(1):  # only the access check and the page's version
        second = visitor.get(url)
    assert len(cold) > 1
    assert first.status_code == second.status_code == 200
    assert "A snack before bed helps me." in second.content.decode()
    for response in (first, second):
        html = response.content.decode()
        assert CSRF_MARK not in html and NONCE_MARK not in html
        nonce = re.search(r'<style nonce="([^"]+)"', html).group(1)
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    tokens = [TOKEN.search(r.content.decode()).group(1) for r in (first, second)]
    assert tokens[0] != tokens[1]
    # The token in the stored page works for this visitor's own cookie: the language form posts.
    changed = visitor.post("/i18n/setlang/", {"language": "es", "next": url,
                                              "csrfmiddlewaretoken": tokens[1]})
    assert changed.status_code == 302


def test_a_new_reply_and_a_hidden_post_show_at_once_for_visitors(thread, sam, drlee):
    url = f"/t/{thread.pk}/"
    assert "drlee" not in Client().get(url).content.decode()
    publish_reply(drlee, thread, "Check your basal dose with your team.")
    html = Client().get(url).content.decode()
    assert "Check your basal dose with your team." in html
    reply = thread.posts.get(position=2)
    moderation.post_hide(user=sam, post=reply, reason="Off topic")
    assert "A snack before bed helps me." not in Client().get(url).content.decode()


def test_a_community_turned_private_is_never_served_from_the_cache(thread, diabetes):
    url = f"/t/{thread.pk}/"
    assert Client().get(url).status_code == 200
    Community.objects.filter(pk=diabetes.pk).update(visibility=Community.Visibility.PRIVATE)
    assert Client().get(url).status_code == 404


def test_a_visitor_with_a_message_waiting_sees_it_and_it_is_not_stored(thread, maria):
    url = f"/t/{thread.pk}/"
    Client().get(url)  # stored
    reader = client_for(maria)
    reader.post("/accounts/logout/")  # "You have signed out." waits for the next page
    html = reader.get(url).content.decode()
    assert "You have signed out." in html
    assert "You have signed out." not in Client().get(url).content.decode()


def test_members_share_post_fragments_but_each_sees_only_their_own_controls(
        thread, maria, james, diabetes):
    url = f"/t/{thread.pk}/"
    reply = thread.posts.get(position=2)
    services.reaction_toggle(user=maria, post=reply, kind=Reaction.Kind.HELPFUL)
    ann, ben = make_user("ann"), make_user("ben")
    join(ann, diabetes)
    join(ben, diabetes)
    pages = {}
    for person in (maria, james, ann, ben):
        client = client_for(person)
        client.get("/")  # the session's first request records "last seen"
        html, rendered = page_and_templates(client, url)
        pages[person.username] = (html, rendered.count("community/_post.html"), client)
    # Controls are marked with whom they are for and kept in the browser (data-for, the post's
    # data-author, the reader's data-user); the reader's own reactions come in their blob.
    edit = f'<a href="/p/{reply.pk}/edit/" class="small" data-for="editor" hidden>'
    for name, (html, _, _client) in pages.items():
        assert edit in html and f'data-author="{james.pk}"' in html, name
    assert f'<body data-user="{maria.pk}"' in pages["maria"][0]
    assert f'"reactions":{{"{reply.pk}":["helpful"]}}' in pages["maria"][0]
    assert '"reactions":{}' in pages["ann"][0]
    # maria (the asker, who may accept) and the others are two reader classes: two renders of
    # the page; ann and ben, who may do the same as james, get his copy whole.
    assert pages["james"][1] == 2
    assert pages["ann"][1] == 0 and pages["ben"][1] == 0
    posts = [TOKEN.sub("", pages[name][0].split('id="posts"')[1]) for name in ("ann", "ben")]
    assert posts[0] == posts[1]
    # Every page carries its reader's own CSRF token, never the mark or another's.
    for name, (html, _, client) in pages.items():
        assert CSRF_MARK not in html, name
        token = TOKEN.search(html).group(1)
        assert client.post(f"/p/{reply.pk}/bookmark/", {"csrfmiddlewaretoken": token}
                           ).status_code == 302


def test_the_server_keeps_its_redis_connections_across_requests(asgi_server, redis_client,
                                                                maria, james, diabetes):
    thread = publish_thread(maria, diabetes, title="Pooled", body="Ask away.")
    publish_reply(james, thread, "Here.")
    url = f"{asgi_server}/t/{thread.pk}/"
    urllib.request.urlopen(url, timeout=10).read()  # noqa: S310 - our own test server
    before = redis_client.info("stats")["total_connections_received"]
    for _ in range(20):
        urllib.request.urlopen(url, timeout=10).read()  # noqa: S310
    opened = redis_client.info("stats")["total_connections_received"] - before
    assert opened <= 3, f"{opened} Redis connections opened for 20 page views"
