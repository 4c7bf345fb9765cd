"""Private conversations through Django's test client against the real database and Redis:
who may message whom, blocks, settings, screening, reports, rate limits, export, deletion and
query counts."""

from __future__ import annotations

import pytest

from accounts.services import export_gather
from community.models import Post
from messaging import services
from messaging.models import (
    Block,
    CommunityMessaging,
    Conversation,
    Message,
    MessageSettings,
)
from moderation.models import AuditLog, ModerationItem
from tests.conftest import client_for, join, make_user, publish_thread

pytestmark = pytest.mark.django_db


def start(client, to: str, body: str, **extra):
    return client.post("/messages/new/", {"to": to, "body": body, **extra})


def test_james_messages_maria_and_she_reads_it(as_james, maria, james):
    response = start(as_james, "maria", "Hello Maria, how did the walking go?")
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    as_maria = client_for(maria)
    page = as_maria.get("/messages/")
    assert b"james" in page.content and b"unread" in page.content
    assert as_maria.get("/").context["messages_unread"] == 1
    detail = as_maria.get(f"/messages/{conversation.pk}/")
    assert b"how did the walking go?" in detail.content
    assert as_maria.get("/").context["messages_unread"] == 0
    reply = as_maria.post(f"/messages/{conversation.pk}/send/", {"body": "Better, thank you!"})
    assert reply.status_code == 302
    assert b"Better, thank you!" in as_james.get(f"/messages/{conversation.pk}/").content


def test_a_conversation_is_404_to_anyone_outside_it(as_james, maria, james, sam, admin):
    start(as_james, "maria", "Only for Maria")
    conversation = Conversation.objects.get()
    message = Message.objects.get()
    for outsider in (sam, admin, make_user("rosa")):
        client = client_for(outsider)
        assert client.get(f"/messages/{conversation.pk}/").status_code == 404
        assert client.get(f"/messages/{conversation.pk}/after/0/").status_code == 404
        assert client.post(f"/messages/{conversation.pk}/send/", {"body": "hi"}).status_code \
            == 404
        assert client.get(f"/messages/m/{message.pk}/report/").status_code == 404
        assert b"Only for Maria" not in client.get("/messages/").content


def test_blocked_member_is_not_told_and_his_messages_never_reach_her(as_james, maria, james):
    start(as_james, "maria", "First hello")
    conversation = Conversation.objects.get()
    as_maria = client_for(maria)
    assert as_maria.post("/messages/block/james/", {"blocked": "1"}).status_code == 302
    # james sees nothing different: the send works for him, and he sees his own message
    assert as_james.post(f"/messages/{conversation.pk}/send/",
                         {"body": "Why no answer?"}).status_code == 302
    assert b"Why no answer?" in as_james.get(
        f"/messages/{conversation.pk}/").content
    assert start(as_james, "maria", "A new conversation").status_code == 302
    # maria sees neither
    assert b"answer?" not in as_maria.get(f"/messages/{conversation.pk}/").content
    assert b"A new conversation" not in as_maria.get("/messages/").content
    newest = Conversation.objects.order_by("-pk").first()
    assert as_maria.get(f"/messages/{newest.pk}/").status_code == 404
    assert as_maria.get("/").context["messages_unread"] == 0


def test_message_settings_nobody_and_following(as_james, maria, james):
    MessageSettings.objects.create(user=maria, allow_from=MessageSettings.AllowFrom.NOBODY)
    assert start(as_james, "maria", "hi").status_code == 400
    MessageSettings.objects.filter(user=maria).update(
        allow_from=MessageSettings.AllowFrom.FOLLOWING)
    assert start(as_james, "maria", "hi").status_code == 400
    client_for(maria).post("/messages/follow/james/", {"follow": "1"})
    assert start(as_james, "maria", "hi").status_code == 302


def test_new_members_cannot_start_conversations(maria, diabetes):
    newcomer = make_user("newcomer", days=0)
    join(newcomer, diabetes)
    client = client_for(newcomer)
    assert start(client, "maria", "hello").status_code == 400
    assert not Conversation.objects.exists()
    assert b"New members can start conversations" in client.get("/messages/").content


def test_clinicians_only_where_a_community_allows(as_james, drlee, diabetes):
    assert start(as_james, "drlee", "Doctor, a question").status_code == 400
    CommunityMessaging.objects.create(community=diabetes, allow_clinicians=True)
    assert start(as_james, "drlee", "Doctor, a question").status_code == 302
    conversation = Conversation.objects.get()
    client_for(drlee).post(f"/messages/{conversation.pk}/send/", {"body": "General advice."})
    page = as_james.get(f"/messages/{conversation.pk}/").content.decode()
    assert "Verified clinician" in page and "not medical advice for you" in page


def test_at_most_ten_members(as_james, james, maria):
    others = [make_user(f"member{i}") for i in range(10)]
    response = start(as_james, " ".join(u.username for u in others), "A big group")
    assert response.status_code == 400 and b"at most 10" in response.content
    assert start(as_james, " ".join(u.username for u in others[:9]), "Nine").status_code == 302


def test_no_message_link_from_an_anonymous_post(maria, james, mental, as_james):
    join(james, mental)
    thread = publish_thread(maria, mental, title="Quietly", anonymous=True)
    post = thread.posts.get(position=1)
    page = as_james.get(thread.get_absolute_url()).content.decode()
    assert f"/messages/new/?post={post.pk}" not in page
    assert as_james.get(f"/messages/new/?post={post.pk}").status_code == 404
    assert as_james.post("/messages/new/", {"post": post.pk, "body": "Who are you?"}
                         ).status_code == 404
    open_thread = publish_thread(maria, mental, title="Openly")
    open_post = open_thread.posts.get(position=1)
    assert f"/messages/new/?post={open_post.pk}" in as_james.get(
        open_thread.get_absolute_url()).content.decode()
    assert start(as_james, "", "From the post", post=open_post.pk).status_code == 302
    assert Conversation.objects.get().community == mental


def test_identifiers_need_a_clear_confirmation(as_james, maria):
    response = start(as_james, "maria", "Call me on 415-555-2671 tonight")
    assert response.status_code == 400
    assert b"a phone number" in response.content and b"confirm_identifiers" in response.content
    assert b"415-555-2671" in response.content  # the text is kept
    assert not Message.objects.exists()
    assert start(as_james, "maria", "Call me on 415-555-2671 tonight",
                 confirm_identifiers="1").status_code == 302
    assert Message.objects.get().shared_identifiers


def test_crisis_language_escalates(as_james, maria, james, sam, mailoutbox, settings,
                                   django_capture_on_commit_callbacks):
    settings.HEARTH_CRISIS_ONCALL_EMAIL = "oncall@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        start(as_james, "maria", "I want to kill myself tonight, I have the pills ready")
    message = Message.objects.get()
    assert message.is_crisis and message.status == Message.Status.SENT
    item = ModerationItem.objects.get(kind="crisis", target_type="message")
    assert item.target_id == message.pk
    assert AuditLog.objects.filter(action="message.crisis").exists()
    assert [m.to for m in mailoutbox] == [["oncall@example.org"]]
    assert "kill myself" not in mailoutbox[0].body
    assert b"988" in as_james.get("/messages/").content  # crisis resources for the sender


def test_a_report_reaches_sams_queue_with_context_and_only_there(as_james, maria, james, sam,
                                                                 diabetes):
    start(as_james, "maria", "Hi Maria")
    conversation = Conversation.objects.get()
    as_james.post(f"/messages/{conversation.pk}/send/", {"body": "Send me 200 dollars now"})
    bad = Message.objects.get(body__startswith="Send me")
    as_maria = client_for(maria)
    assert as_maria.post(f"/messages/m/{bad.pk}/report/",
                         {"reason": "scam", "note": "asking for money"}).status_code == 302
    item = ModerationItem.objects.get(target_type="message")
    assert item.kind == "flag" and item.community_id == diabetes.pk
    queue = client_for(sam).get("/moderation/").content.decode()
    assert "Send me 200 dollars now" in queue and "Hi Maria" in queue  # with its context
    assert "A scam, or asking for money" in queue
    assert client_for(sam).get(f"/messages/{conversation.pk}/").status_code == 404
    # reject hides the message, audited
    client_for(sam).post(f"/moderation/items/{item.pk}/reject/", {"reason": "Scam"})
    bad.refresh_from_db()
    assert bad.status == Message.Status.HIDDEN
    assert AuditLog.objects.filter(action="message.reject", actor=sam).exists()
    assert b"Send me 200" not in as_maria.get(f"/messages/{conversation.pk}/").content
    # one cannot report one's own message, nor twice
    assert as_james.post(f"/messages/m/{bad.pk}/report/", {"reason": "spam"}
                         ).status_code == 400


def test_rate_limit_per_recipient(as_james, maria, redis_client):
    for i in range(services.RATE_SAME_RECIPIENT[0]):
        assert start(as_james, "maria", f"Conversation {i}").status_code == 302
    response = start(as_james, "maria", "One more")
    assert response.status_code == 400 and b"quickly" in response.content


def test_rate_limit_per_member(as_james, maria, redis_client, monkeypatch):
    monkeypatch.setattr(services, "RATE_MESSAGES", (3, 60))
    start(as_james, "maria", "Hello")
    conversation = Conversation.objects.get()
    for i in range(3):
        assert as_james.post(f"/messages/{conversation.pk}/send/",
                             {"body": f"m{i}"}).status_code == 302
    response = as_james.post(f"/messages/{conversation.pk}/send/", {"body": "too many"})
    assert response.status_code == 400 and b"too many" in response.content


def test_export_and_deletion_keep_the_other_side(as_james, maria, james):
    start(as_james, "maria", "Hello from James")
    conversation = Conversation.objects.get()
    client_for(maria).post(f"/messages/{conversation.pk}/send/", {"body": "Hi James"})
    exported = export_gather(user=maria)
    assert exported["conversations"][0]["messages"][0]["text"] == "Hello from James"
    assert "conversations" in export_gather(user=james)
    from accounts.services import account_delete

    account_delete(user=james, keep_posts=True)
    page = client_for(maria).get(f"/messages/{conversation.pk}/").content.decode()
    assert "Former member" in page and "Hello from James" in page and "Hi James" in page


def test_query_count_is_constant_as_a_conversation_grows(
        as_james, maria, james, django_assert_max_num_queries, django_assert_num_queries):
    start(as_james, "maria", "one")
    conversation = Conversation.objects.get()
    paths = (f"/messages/{conversation.pk}/", "/messages/")
    # Both rounds alike: the session's first request (last seen, the bell's count kept) is
    # done, and james has something new to read (his read position moves in both).
    as_james.get("/")
    Message.objects.create(conversation=conversation, sender=maria, body="new",
                           body_html="<p>new</p>")
    small = []
    for path, budget in zip(paths, (7, 5), strict=True):
        with django_assert_max_num_queries(budget) as queries:
            assert as_james.get(path).status_code == 200
        small.append(len(queries))
    for i in range(15):
        Message.objects.create(conversation=conversation, sender=maria if i % 2 else james,
                               body=f"m{i}", body_html=f"<p>m{i}</p>")
    for i in range(5):
        services.conversation_start(sender=james, recipients=[maria], body=f"c{i}") \
            if i < 2 else Conversation.objects.create(started_by=james)
    for path, count in zip(paths, small, strict=True):
        with django_assert_num_queries(count):
            assert as_james.get(path).status_code == 200


def test_block_is_private_to_the_blocker(as_james, maria, james):
    import re

    def profile():
        html = as_james.get("/u/maria/").content.decode()
        return re.sub(r'value="[^"]{40,}"|nonce="[^"]*"|"X-CSRFToken": "[^"]*"', "", html)

    before = profile()
    client_for(maria).post("/messages/block/james/", {"blocked": "1"})
    assert Block.objects.filter(blocker=maria, blocked=james).exists()
    assert profile() == before
    assert b"Unblock" in client_for(maria).get("/u/james/").content


def test_message_link_under_a_public_post(as_james, maria, diabetes):
    thread = publish_thread(maria, diabetes, title="Walking")
    post = Post.objects.get(thread=thread)
    assert f"/messages/new/?post={post.pk}" in as_james.get(thread.get_absolute_url()
                                                            ).content.decode()


def test_a_new_members_link_waits_for_a_moderator_who_lets_it_through(as_james, maria, james,
                                                                     sam, settings):
    """A member still new for messaging may reply; their link is held until sam approves."""
    start(client_for(maria), "james", "Hello James")
    conversation = Conversation.objects.get()
    settings.HEARTH_MESSAGING = {"min_days": 90, "min_posts": 0}
    as_james.post(f"/messages/{conversation.pk}/send/",
                  {"body": "Look at https://example.com/cheap-pills now"})
    held = Message.objects.get(sender=james)
    assert held.status == Message.Status.HELD
    as_maria = client_for(maria)
    assert b"cheap-pills" not in as_maria.get(f"/messages/{conversation.pk}/").content
    assert b"cheap-pills" in as_james.get(f"/messages/{conversation.pk}/").content
    item = ModerationItem.objects.get(target_type="message", kind="held")
    client_for(sam).post(f"/moderation/items/{item.pk}/approve/")
    held.refresh_from_db()
    assert held.status == Message.Status.SENT
    assert b"cheap-pills" in as_maria.get(f"/messages/{conversation.pk}/").content
    assert AuditLog.objects.filter(action="message.dismiss", actor=sam).exists()


def test_the_identifier_warning_comes_back_in_place_with_htmx(as_james, maria):
    start(as_james, "maria", "Hello")
    conversation = Conversation.objects.get()
    response = as_james.post(f"/messages/{conversation.pk}/send/",
                             {"body": "My number is 415-555-2671"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"I understand the risk" in response.content and b"415-555-2671" in response.content
    assert Message.objects.count() == 1
