"""The shared member copy of a thread page (issue 17, community/fragments_page.py): members of
the same reader class get one cached page, filled with what is theirs alone; per-post controls
are marked with whom they are for (data-for) and kept in the browser (tests/browser/
test_member_page.py checks that part in Chromium)."""

from __future__ import annotations

import json
import re

import pytest

from community import services
from community.models import Post
from hearth.lib import notices
from tests.conftest import client_for, join, make_user, publish_reply, publish_thread

pytestmark = pytest.mark.django_db


def viewer_blob(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="hearth-viewer">(.*?)</script>', html)
    assert found, "no viewer blob"
    return json.loads(found.group(1))


def body_user(html: str) -> str:
    return re.search(r'<body data-user="([^"]*)"', html).group(1)


def test_two_members_share_the_page_but_never_each_others_state(maria, james, diabetes):
    thread = publish_thread(james, diabetes, title="Shared page")
    reply = publish_reply(james, thread, "A reply to react to")
    services.reaction_toggle(user=maria, post=Post.objects.get(pk=reply.pk), kind="thanks")
    services.bookmark_toggle(user=maria, post=Post.objects.get(pk=reply.pk))
    services.thread_follow(user=maria, thread=thread)
    services.draft_save(user=maria, thread=thread, body="Maria's <b>unfinished</b> words")
    as_maria, as_james = client_for(maria), client_for(james)
    url = f"/t/{thread.pk}/"

    first = as_maria.get(url).content.decode()  # renders and stores the shared copy
    theirs = as_james.get(url).content.decode()  # served from it
    mine = as_maria.get(url).content.decode()  # and again for maria

    for html, user in ((first, maria), (mine, maria), (theirs, james)):
        assert 'data-shared="true"' in html
        assert body_user(html) == str(user.pk)
        assert f'href="/u/{user.username}/"' in html or user.username in html
    assert viewer_blob(mine) == {"reactions": {str(reply.pk): ["thanks"]},
                                 "bookmarks": [reply.pk]}
    assert viewer_blob(theirs) == {"reactions": {}, "bookmarks": []}
    # Maria's draft is in her reply box (escaped), not in James's.
    assert "Maria&#x27;s &lt;b&gt;unfinished&lt;/b&gt; words" in mine
    assert "unfinished" not in theirs
    assert 'data-discard-draft hidden' in theirs and 'data-discard-draft hidden' not in mine
    # Her follow button says she follows; his does not.
    assert re.search(r'aria-pressed="true">Following<', mine)
    assert re.search(r'aria-pressed="false">Follow<', theirs)
    # No member's id or name in the other's page beyond the posts' authors.
    assert f'data-user="{maria.pk}"' not in theirs and "maria" not in theirs.lower()
    # No mark is ever left in a page.
    for html in (first, theirs, mine):
        assert "__hearth_" not in html


def test_controls_are_marked_with_whom_they_are_for(maria, james, diabetes):
    thread = publish_thread(maria, diabetes, title="Controls")
    own = publish_reply(maria, thread, "My own reply")
    publish_reply(james, thread, "Someone else's reply")
    html = client_for(maria).get(f"/t/{thread.pk}/").content.decode()
    article = re.search(rf'<article id="post-{own.pk}".*?</article>', html, re.S).group(0)
    assert f'data-author="{maria.pk}"' in article
    assert re.search(r'href="/p/\d+/edit/" class="small" data-for="editor" hidden', article)
    assert 'data-for="author" hidden' in article  # delete
    assert 'data-for="member" hidden' in article  # reactions, bookmark
    assert 'data-for="moderator" hidden' in article
    assert 'data-can-moderate="false"' in html and 'data-good-standing="true"' in html
    assert 'data-can-accept="true"' in html  # maria asked the question


def test_the_page_is_shared_by_reader_class_only(maria, james, diabetes):
    """A non-member, a member who may reply and the asker who may also accept each get their
    own class's copy: the composer and the accept flag never leak across."""
    thread = publish_thread(maria, diabetes, title="Classes")
    outsider = make_user("outsider")
    as_outsider = client_for(outsider)
    client_for(maria).get(f"/t/{thread.pk}/")
    client_for(james).get(f"/t/{thread.pk}/")
    html = as_outsider.get(f"/t/{thread.pk}/").content.decode()
    assert 'data-shared="true"' in html
    assert 'id="reply-form"' not in html and "Join this community to reply." in html
    assert 'data-can-reply="false"' in html and 'data-can-accept="false"' in html
    james_html = client_for(james).get(f"/t/{thread.pk}/").content.decode()
    assert 'id="reply-form"' in james_html and 'data-can-accept="false"' in james_html
    join(outsider, diabetes)
    html = as_outsider.get(f"/t/{thread.pk}/").content.decode()
    assert 'id="reply-form"' in html  # joined: the member class at once


def test_moderators_and_members_with_own_unpublished_posts_get_their_own_render(
        maria, james, sam, diabetes):
    thread = publish_thread(james, diabetes, title="Own render")
    hidden = publish_reply(james, thread, "To be hidden")
    services.post_hide(post=Post.objects.get(pk=hidden.pk), reason="off topic")
    client_for(james).get(f"/t/{thread.pk}/")  # the shared copy exists
    moderator = client_for(sam).get(f"/t/{thread.pk}/").content.decode()
    assert 'data-shared="true"' not in moderator
    assert "To be hidden" in moderator and 'name="reason"' in moderator
    member = client_for(maria).get(f"/t/{thread.pk}/").content.decode()
    assert "To be hidden" not in member and 'data-shared="true"' in member
    # A post of maria's still being checked: only she sees it, so her page is her own.
    services.post_reply(author=maria, thread=thread, body="Waiting for screening")
    own = client_for(maria).get(f"/t/{thread.pk}/").content.decode()
    assert "Waiting for screening" in own and 'data-shared="true"' not in own
    assert "Waiting for screening" not in client_for(james).get(f"/t/{thread.pk}/").content.decode()


def test_an_anonymous_post_names_its_author_only_to_them(maria, james, mental):
    join(james, mental)
    thread = publish_thread(james, mental, title="Anonymous")
    publish_reply(maria, thread, "Said anonymously", anonymous=True)
    client_for(james).get(f"/t/{thread.pk}/")
    theirs = client_for(james).get(f"/t/{thread.pk}/").content.decode()
    assert "Anonymous member" in theirs and f'data-author="{maria.pk}"' not in theirs
    assert ">maria</a>" not in theirs.split("</header>", 1)[1]  # not outside the menu
    mine = client_for(maria).get(f"/t/{thread.pk}/").content.decode()
    assert "posted anonymously" in mine and 'data-shared="true"' not in mine


def test_a_member_who_leaves_a_private_community_is_not_served_its_page(maria, james, mental):
    join(james, mental)
    thread = publish_thread(maria, mental, title="Private")
    as_james = client_for(james)
    assert as_james.get(f"/t/{thread.pk}/").status_code == 200
    assert as_james.get(f"/t/{thread.pk}/").status_code == 200  # from the shared copy
    services.community_leave(user=james, community=mental)
    assert as_james.get(f"/t/{thread.pk}/").status_code == 404


def test_notices_and_new_replies_are_the_members_own(maria, james, diabetes):
    thread = publish_thread(maria, diabetes, title="Notices")
    as_james = client_for(james)
    as_james.get(f"/t/{thread.pk}/")
    notices.notice_add(user_id=james.pk, template="moderation/_crisis_resources.html")
    publish_reply(maria, thread, "One more")
    publish_reply(maria, thread, "And another")
    page = as_james.get(f"/t/{thread.pk}/").content.decode()
    assert 'data-shared="true"' in page
    assert "2 new replies since your last visit" in page and "?after=1" in page
    assert "go through this alone" in page
    assert "go through this alone" not in as_james.get(f"/t/{thread.pk}/").content.decode()
    assert "since your last visit" not in client_for(maria).get(f"/t/{thread.pk}/").content.decode()


def test_pages_rendered_for_one_reader_ask_few_queries(
        maria, james, sam, diabetes, django_assert_num_queries):
    """A moderator's page (never shared) asks what it asked before the shared copy: the
    thread, the page's posts, the reader's own read, and the header's review-queue count
    (moderators only). A member with a post of their own being checked on the page asks three:
    the thread's state with their own read (which the page then uses), the thread, the
    posts."""
    thread = publish_thread(maria, diabetes, title="Own renders")
    for i in range(30):
        publish_reply(james, thread, f"Reply {i}")
    services.post_reply(author=maria, thread=thread, body="Mine, being checked")
    as_sam, as_maria = client_for(sam), client_for(maria)
    url = f"/t/{thread.pk}/?page=last"
    for client, expected in ((as_sam, 4), (as_maria, 3)):
        client.get(url)
        with django_assert_num_queries(expected):
            html = client.get(url).content.decode()
        assert "Mine, being checked" in html and 'data-shared="true"' not in html


def test_a_member_reading_someone_elses_question_asks_one_query(
        maria, james, diabetes, django_assert_num_queries):
    """Only the asker may accept among plain members: nobody else pays the clinician lookup."""
    thread = publish_thread(maria, diabetes, title="Someone else's", kind="question")
    for i in range(25):
        publish_reply(maria, thread, f"Reply {i}")
    reader = client_for(james)
    for url in (f"/t/{thread.pk}/", f"/t/{thread.pk}/?page=last"):
        reader.get(url)
        with django_assert_num_queries(1):
            html = reader.get(url).content.decode()
        assert 'data-shared="true"' in html and 'data-can-accept="false"' in html


def test_the_members_read_covers_the_page_shown_last_or_clamped(maria, james, diabetes):
    """The page range is worked out in SQL for the member's read: it must be the page shown."""
    thread = publish_thread(james, diabetes, title="Three pages")
    replies = [publish_reply(james, thread, f"Reply {i}") for i in range(44)]  # positions 2..45
    on_last, on_first = replies[-1], replies[0]
    for post in (on_last, on_first):
        services.reaction_toggle(user=maria, post=Post.objects.get(pk=post.pk), kind="helpful")
    reader = client_for(maria)
    for url in (f"/t/{thread.pk}/?page=last", f"/t/{thread.pk}/?page=99",
                f"/t/{thread.pk}/?page=3"):
        reader.get(url)
        html = reader.get(url).content.decode()
        assert 'data-position="45"' in html
        assert viewer_blob(html)["reactions"] == {str(on_last.pk): ["helpful"]}, url
    html = reader.get(f"/t/{thread.pk}/").content.decode()
    assert viewer_blob(html)["reactions"] == {str(on_first.pk): ["helpful"]}


def test_a_member_served_the_shared_copy_has_their_read_recorded_in_the_same_round_trip(
        maria, james, diabetes, monkeypatch):
    """Read from the cache with the page (community.services.reads.thread_visit_read): the
    position recorded is the page's last, "new replies" counts from a visit not yet in the
    database, and no second call records it."""
    from community.services import reads

    thread = publish_thread(maria, diabetes, title="Read with the page")
    publish_reply(maria, thread, "Two")
    publish_reply(maria, thread, "Three")
    ana = make_user("ana")
    join(ana, diabetes)
    assert client_for(ana).get(f"/t/{thread.pk}/").status_code == 200  # stores the copy
    reads.thread_mark_read(user=james, thread=thread, position=1)  # pending, not in the db

    def not_again(**kwargs):
        raise AssertionError("recorded with the page already")

    monkeypatch.setattr(services, "thread_mark_read", not_again)
    as_james = client_for(james)
    page = as_james.get(f"/t/{thread.pk}/").content.decode()
    assert 'data-shared="true"' in page and body_user(page) == str(james.pk)
    assert "2 new replies since your last visit" in page and "?after=1" in page
    pending = reads.client().hget(reads.PENDING, f"{james.pk}:{thread.pk}").decode()
    assert pending.split(":")[0] == "3"
    assert "since your last visit" not in as_james.get(f"/t/{thread.pk}/").content.decode()


def test_a_shared_copy_without_its_last_position_beside_it_records_the_read_as_before(
        maria, james, diabetes):
    from community.services import reads

    thread = publish_thread(maria, diabetes, title="Read without the number")
    publish_reply(maria, thread, "Two")
    ana = make_user("ana")
    join(ana, diabetes)
    client_for(ana).get(f"/t/{thread.pk}/")
    gone = [key for key in reads.client().scan_iter(match="*member-*:last")]
    assert gone  # kept beside the page
    reads.client().delete(*gone)
    page = client_for(james).get(f"/t/{thread.pk}/").content.decode()
    assert 'data-shared="true"' in page
    pending = reads.client().hget(reads.PENDING, f"{james.pk}:{thread.pk}").decode()
    assert pending.split(":")[0] == "2"
