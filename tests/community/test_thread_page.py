"""The member thread page (issue 17) and keyset paging (issue 24): a fixed, small number of
queries whatever the thread's length, no write on a page view (read positions go through
Redis and a batch), pages by post position, and post fragments keyed by the post's version."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as accounts
from community import services
from community.models import Post, Thread, ThreadRead
from tests.conftest import client_for, publish_reply, publish_thread

pytestmark = pytest.mark.django_db

# One: the thread's state (access, event number) with the member's own read (reactions and
# bookmarks on the page, follow, draft, read position); the page itself is the copy shared by
# every member of their reader class (community/fragments_page.py). The header's unread counts
# (notifications, messages) come from the cache with the member's row. A page rendered for one
# member alone (a moderator) asks three: the thread, the page's posts, the member's own read.
MEMBER_QUERIES = 1


def grow(thread: Thread, author, replies: int) -> None:
    """`replies` public replies, written straight to the table (only reads are measured)."""
    thread.refresh_from_db(fields=["last_position"])
    start = thread.last_position
    Post.objects.bulk_create([
        Post(thread=thread, author=author, position=start + i + 1, body=f"Reply {i}",
             body_html=f"<p>Reply {i}</p>", status=Post.Status.PUBLISHED,
             screening=Post.Screening.CLEAN)
        for i in range(replies)
    ])
    Thread.objects.filter(pk=thread.pk).update(last_position=start + replies,
                                               reply_count=start + replies - 1)


def queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


def test_member_page_asks_the_same_few_queries_at_10_and_500_posts(
        maria, james, diabetes, django_assert_num_queries):
    small = publish_thread(maria, diabetes, title="Small")
    grow(small, james, 9)
    big = publish_thread(maria, diabetes, title="Big")
    grow(big, james, 499)
    reader = client_for(maria)
    reader.get("/")  # the session's first request
    for url in (f"/t/{small.pk}/", f"/t/{big.pk}/", f"/t/{big.pk}/?page=last"):
        reader.get(url)  # cold caches (fragments, the library's links) filled once
        with django_assert_num_queries(MEMBER_QUERIES):
            response = reader.get(url)
        assert response.status_code == 200
    assert "Reply 498" in reader.get(f"/t/{big.pk}/?page=last").content.decode()


def test_the_bells_count_is_kept_by_the_writes_that_change_it(
        maria, james, diabetes, django_capture_on_commit_callbacks):
    from notifications import selectors as notification_selectors
    from notifications import services as notification_services

    thread = publish_thread(maria, diabetes, title="Bell")
    reader = client_for(maria)
    reader.get(f"/t/{thread.pk}/")  # counted once (0) and kept
    assert "data-notifications-unread hidden> 0" in reader.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publish_reply(james, thread, "A reply for the bell")
    with CaptureQueriesContext(connection) as ctx:
        html = reader.get(f"/t/{thread.pk}/").content.decode()
    assert "data-notifications-unread> 1" in html
    assert not [q for q in ctx.captured_queries if "notifications_notification" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.notifications_mark_all_read(user=maria)
    assert "data-notifications-unread hidden> 0" in reader.get(f"/t/{thread.pk}/").content.decode()
    assert notification_selectors.unread_count(user=maria) == 0


def test_a_page_view_writes_nothing_and_the_read_position_arrives_in_a_batch(
        maria, james, diabetes):
    thread = publish_thread(maria, diabetes)
    grow(thread, maria, 44)  # 45 posts: three pages
    reader = client_for(james)
    reader.get("/")
    for url in (f"/t/{thread.pk}/?page=2", f"/t/{thread.pk}/?page=1"):
        sql = queries(reader, url)
        writes = [q for q in sql if q.lstrip().split()[0].upper() in ("INSERT", "UPDATE",
                                                                       "DELETE")]
        assert writes == [], writes
    assert not ThreadRead.objects.filter(user=james).exists()
    assert services.thread_reads_flush() == 1
    # Page 1 after page 2 does not move the position back.
    read = ThreadRead.objects.get(user=james, thread=thread)
    assert read.last_read_position == 40
    assert services.thread_reads_flush() == 0  # nothing twice


def test_new_replies_count_from_a_visit_not_yet_written(maria, james, diabetes):
    thread = publish_thread(maria, diabetes)
    grow(thread, maria, 4)
    reader = client_for(james)
    reader.get(f"/t/{thread.pk}/")  # read up to 5, still in Redis
    grow(thread, maria, 2)
    page = reader.get(f"/t/{thread.pk}/").content.decode()
    assert "2 new replies since your last visit" in page
    assert "?after=5" in page


def test_page_numbers_are_position_ranges_the_same_for_every_reader(
        maria, james, sam, diabetes):
    thread = publish_thread(maria, diabetes)
    grow(thread, james, 44)
    hidden = Post.objects.get(thread=thread, position=3)
    services.post_hide(post=hidden, reason="off topic")
    member, moderator = client_for(maria), client_for(sam)
    page_2 = member.get(f"/t/{thread.pk}/?page=2").content.decode()
    # Positions 21..40 on page 2 for a member, though position 3 is hidden from them...
    assert 'data-position="21"' in page_2 and 'data-position="40"' in page_2
    assert 'data-position="41"' not in page_2
    assert 'data-position="3"' not in member.get(f"/t/{thread.pk}/").content.decode()
    # ...and for a moderator, who sees it.
    assert 'data-position="3"' in moderator.get(f"/t/{thread.pk}/").content.decode()
    last = member.get(f"/t/{thread.pk}/?page=last").content.decode()
    assert 'data-position="45"' in last and "Page 3 of 3" in last
    assert member.get(f"/t/{thread.pk}/?page=99").content.decode().count("Page 3 of 3") == 1
    post = Post.objects.get(thread=thread, position=41)
    response = member.get(f"/p/{post.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?page=3#post-{post.pk}")


def test_a_changed_post_is_never_served_from_an_old_fragment(maria, james, diabetes):
    thread = publish_thread(maria, diabetes)
    reply = publish_reply(james, thread, "First words")
    reader = client_for(maria)
    reader.get(f"/t/{thread.pk}/")
    version = Post.objects.get(pk=reply.pk).version
    services.reaction_toggle(user=james, post=Post.objects.get(pk=reply.pk) , kind="thanks")
    services.post_edit(editor=james, post=Post.objects.get(pk=reply.pk), body="Second words")
    services.post_screened(post=Post.objects.get(pk=reply.pk), held=False)
    assert Post.objects.get(pk=reply.pk).version > version + 1
    page = reader.get(f"/t/{thread.pk}/").content.decode()
    assert "Second words" in page and "First words" not in page
    assert '<span data-count="thanks">1</span>' in page


def test_the_cached_member_follows_their_row_and_ended_sessions(maria, diabetes):
    thread = publish_thread(maria, diabetes)
    reader = client_for(maria)
    assert reader.get(f"/t/{thread.pk}/").wsgi_request.user.is_authenticated
    maria.display_name = "Maria R."
    maria.save()
    user = reader.get(f"/t/{thread.pk}/").wsgi_request.user
    assert user.display_name == "Maria R."
    accounts.user_end_sessions(user=maria)
    assert not reader.get(f"/t/{thread.pk}/").wsgi_request.user.is_authenticated


def test_a_banned_member_is_signed_out_at_once(maria, sam, diabetes):
    thread = publish_thread(sam, diabetes)
    reader = client_for(maria)
    assert reader.get(f"/t/{thread.pk}/").wsgi_request.user.is_authenticated
    accounts.user_ban(user=maria)
    response = reader.get(f"/t/{thread.pk}/")
    assert not response.wsgi_request.user.is_authenticated


def test_the_community_next_link_continues_where_the_page_ended(maria, james, diabetes):
    now = timezone.now()
    Thread.objects.bulk_create([
        Thread(community=diabetes, author=james, title=f"Thread {i}", slug=f"thread-{i}",
               status=Thread.Status.PUBLISHED, last_position=1,
               last_activity_at=now - timedelta(minutes=i), is_pinned=i == 40)
        for i in range(60)
    ])
    reader = client_for(maria)
    first = reader.get(f"/c/{diabetes.slug}/")
    titles = [t.title for t in first.context["page"].object_list]
    assert titles[:3] == ["Thread 40", "Thread 0", "Thread 1"]  # pinned first
    next_link = re.search(r'href="(\?[^"]*page=2[^"]*)" rel="next"', first.content.decode())
    assert next_link and "after=" in next_link.group(1)
    by_offset = [t.title for t in reader.get(f"/c/{diabetes.slug}/?page=2")
                 .context["page"].object_list]
    # Three new discussions arrive while the reader looks at page 1: offset paging would show
    # page 1's last three threads again, the keyset link shows the next ones.
    for i in range(3):
        publish_thread(james, diabetes, title=f"New {i}")
    url = f"/c/{diabetes.slug}/{next_link.group(1).replace('&amp;', '&')}"
    by_keyset = [t.title for t in reader.get(url).context["page"].object_list]
    assert by_keyset == by_offset
    assert by_keyset[0] == "Thread 24" and not set(by_keyset) & set(titles)
    assert reader.get(f"/c/{diabetes.slug}/?page=2&after=garbage").status_code == 200
