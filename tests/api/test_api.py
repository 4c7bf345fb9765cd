"""The API driven as a partner's program would: a token made in settings, JSON over HTTP,
the same rules as the pages (404 for the unseen, screening, rate limits), problem details."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.throttling import TokenRateThrottle
from community.models import Post, Thread, ThreadFollow
from moderation.models import AuditLog
from notifications.models import Notification
from tests.conftest import client_for, join, make_user, publish_reply, publish_thread

from .conftest import api_client, token_for

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def test_a_token_made_in_settings_is_shown_once_and_kept_only_as_a_digest(as_maria, maria):
    response = as_maria.post("/settings/api-tokens/", {"name": "Reporting", "scopes": ["read"],
                                                       "days": "30"}, follow=True)
    assert response.status_code == 200 and response.redirect_chain
    raw = re.search(r'<code id="new-token">(hearth_pat_[\w-]+)</code>',
                    response.content.decode()).group(1)
    token = ApiToken.objects.get(user=maria)
    assert raw not in (token.digest, token.hint) and token.scopes == ["read"]
    assert AuditLog.objects.filter(action="api_token.create", target_id=str(token.pk)).exists()
    assert raw not in as_maria.get("/settings/api-tokens/").content.decode()
    me = api_client(raw).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == "maria"
    # revoked in settings: refused from then on, as a problem
    as_maria.post(f"/settings/api-tokens/{token.pk}/revoke/")
    refused = api_client(raw).get("/api/v1/me/")
    assert refused.status_code == 401 and refused["Content-Type"] == PROBLEM
    assert refused.json()["status"] == 401


def test_an_expired_or_unknown_token_is_refused(maria):
    raw = token_for(maria)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_client(raw).get("/api/v1/threads/").status_code == 401
    assert api_client("hearth_pat_nope").get("/api/v1/threads/").status_code == 401


def test_threads_and_posts_page_by_cursor_and_filter_by_community_and_time(maria, james,
                                                                          diabetes, heart):
    thread = publish_thread(james, diabetes, "Morning numbers", "Mine are high at 7.")
    publish_thread(james, heart, "Beta blockers", "Tired on them?")
    for n in range(24):
        publish_reply(james if n % 2 else maria, thread, f"Reply number {n}")
    client = api_client(token_for(maria, scopes=["read"]))
    listed = client.get("/api/v1/threads/?community=type-2-diabetes").json()
    assert [t["title"] for t in listed["results"]] == ["Morning numbers"]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert client.get("/api/v1/threads/", {"since": later}).json()["results"] == []
    first = client.get(f"/api/v1/threads/{thread.pk}/posts/").json()
    assert [p["position"] for p in first["results"]] == list(range(1, 21))
    second = client.get(first["next"]).json()
    assert [p["position"] for p in second["results"]] == list(range(21, 26))
    assert second["next"] is None
    assert first["results"][0]["author"]["username"] == "james"
    bad = client.get("/api/v1/threads/", {"since": "yesterday"})
    assert bad.status_code == 400 and bad["Content-Type"] == PROBLEM and "since" in \
        bad.json()["errors"]


def test_what_may_not_be_seen_is_the_same_404_as_what_does_not_exist(maria, james, mental):
    private = publish_thread(maria, mental, "Night fears", "Only for members.")
    post = private.posts.get(position=1)
    client = api_client(token_for(james))
    for hidden, missing in ((f"/api/v1/threads/{private.pk}/", "/api/v1/threads/987654/"),
                            (f"/api/v1/threads/{private.pk}/posts/",
                             "/api/v1/threads/987654/posts/"),
                            (f"/api/v1/posts/{post.pk}/", "/api/v1/posts/987654/")):
        seen, absent = client.get(hidden), client.get(missing)
        assert seen.status_code == absent.status_code == 404
        assert seen.content == absent.content and seen["Content-Type"] == PROBLEM
    assert client.post(f"/api/v1/threads/{private.pk}/posts/", {"body": "hi"},
                       content_type="application/json").status_code == 404
    assert client.get("/api/v1/threads/?community=mental-health").status_code == 404
    assert private.pk not in [t["id"] for t in client.get("/api/v1/threads/").json()["results"]]
    # positive control: a member reads it
    assert api_client(token_for(maria)).get(f"/api/v1/threads/{private.pk}/").status_code == 200


def test_an_anonymous_posts_author_is_named_only_to_its_author_and_moderators(maria, sam,
                                                                             mental):
    thread = publish_thread(maria, mental, "Asked quietly", "Does it pass?", anonymous=True)
    rosa = make_user("rosa")
    join(rosa, mental)
    path = f"/api/v1/threads/{thread.pk}/posts/"
    assert api_client(token_for(rosa)).get(path).json()["results"][0]["author"] is None
    assert api_client(token_for(rosa)).get(f"/api/v1/threads/{thread.pk}/").json()[
        "author"] is None
    assert "maria" not in api_client(token_for(rosa)).get(path).content.decode()
    assert api_client(token_for(sam)).get(path).json()["results"][0]["author"][
        "username"] == "maria"


def test_starting_a_thread_and_replying_go_through_screening(
        maria, diabetes, django_capture_on_commit_callbacks):
    client = api_client(token_for(maria))
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/threads/", {
            "community": "type-2-diabetes", "title": "Feet tingling",
            "body": "Anyone else at night?", "kind": "question"}, content_type="application/json")
    assert created.status_code == 201
    thread = Thread.objects.get(pk=created.json()["id"])
    assert thread.status == Thread.Status.PUBLISHED  # screening passed it after commit
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(f"/api/v1/threads/{thread.pk}/posts/",
                            {"body": "Call me on 555-867-5309 any time"},
                            content_type="application/json")
    assert reply.status_code == 201
    assert Post.objects.get(pk=reply.json()["id"]).status == Post.Status.HELD  # a phone number
    assert client.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": ""},
                       content_type="application/json").status_code == 400


def test_a_read_token_may_not_write_and_a_visitor_may_not_either(maria, james, diabetes,
                                                                 visitor):
    thread = publish_thread(james, diabetes)
    reader = api_client(token_for(maria, scopes=["read"]))
    refused = reader.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": "Hello"},
                          content_type="application/json")
    assert refused.status_code == 403 and "write" in refused.json()["detail"]
    assert visitor.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": "Hello"},
                        content_type="application/json").status_code == 401
    assert visitor.get(f"/api/v1/threads/{thread.pk}/").status_code == 200  # public reads
    assert visitor.get("/api/v1/me/").status_code == 401


def test_posting_too_fast_is_429_with_retry_after(maria, james, diabetes, redis_client):
    thread = publish_thread(james, diabetes)
    client = api_client(token_for(maria))
    codes = [client.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": f"Reply {n}"},
                         content_type="application/json") for n in range(11)]
    assert [r.status_code for r in codes[:10]] == [201] * 10
    assert codes[10].status_code == 429 and int(codes[10]["Retry-After"]) > 0


def test_each_token_has_its_own_rate_limit(maria, redis_client, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min",
                                                              "anon": "3/min"})
    first, second = api_client(token_for(maria)), api_client(token_for(maria))
    codes = [first.get("/api/v1/communities/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = first.get("/api/v1/communities/")
    assert limited["Content-Type"] == PROBLEM and int(limited["Retry-After"]) > 0
    assert second.get("/api/v1/communities/").status_code == 200


def test_react_follow_and_mark_notifications_read(maria, james, diabetes):
    thread = publish_thread(james, diabetes)
    post = thread.posts.get(position=1)
    client = api_client(token_for(maria))
    reacted = client.post(f"/api/v1/posts/{post.pk}/reactions/", {"kind": "helpful"},
                          content_type="application/json").json()
    assert reacted == {"kind": "helpful", "reacted": True,
                       "reactions": {"helpful": 1, "support": 0, "thanks": 0}}
    assert client.post(f"/api/v1/posts/{post.pk}/reactions/", {"kind": "boo"},
                       content_type="application/json").status_code == 400
    assert client.post(f"/api/v1/threads/{thread.pk}/follow/").json() == {"following": True}
    assert ThreadFollow.objects.filter(thread=thread, user=maria).exists()
    assert client.delete(f"/api/v1/threads/{thread.pk}/follow/").json() == {"following": False}
    assert not ThreadFollow.objects.filter(thread=thread, user=maria).exists()
    note = Notification.objects.create(recipient=maria, kind=Notification.Kind.REPLY,
                                       thread=thread, post=post)
    listed = client.get("/api/v1/me/notifications/").json()["results"]
    assert [n["id"] for n in listed] == [note.pk] and listed[0]["read"] is False
    assert client.post(f"/api/v1/me/notifications/{note.pk}/read/").json()["read"] is True
    other = Notification.objects.create(recipient=james, kind=Notification.Kind.REPLY)
    assert client.post(f"/api/v1/me/notifications/{other.pk}/read/").status_code == 404
    assert client.post("/api/v1/me/notifications/read/").json() == {"marked": 0}


def test_search_finds_only_what_the_caller_may_read(maria, james, diabetes, mental):
    publish_thread(james, diabetes, "Walking", "Walking after dinner helps")
    publish_thread(maria, mental, "Private walking", "walking alone at night")
    results = api_client(token_for(james)).get("/api/v1/search/", {"q": "walking"}).json()
    assert [r["thread_title"] for r in results] == ["Walking"]
    mine = api_client(token_for(maria)).get("/api/v1/search/", {"q": "walking"}).json()
    assert len(mine) == 2


def test_insights_need_the_insights_scope_and_mfa_to_make_it(admin, sam):
    reader = api_client(token_for(admin, scopes=["read"]))
    assert reader.get("/api/v1/insights/").status_code == 403
    as_admin = client_for(admin)
    refused = as_admin.post("/settings/api-tokens/", {"name": "BI", "scopes": ["insights"],
                                                      "days": "30"})
    assert refused.status_code == 400 and not ApiToken.objects.filter(user=admin,
                                                                      name="BI").exists()
    # with MFA, the token is made and reads the dashboard's figures
    from allauth.mfa.models import Authenticator
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    raw = token_for(admin, scopes=["insights"])
    figures = api_client(raw).get("/api/v1/insights/")
    assert figures.status_code == 200 and "figures" in figures.json()
    # a member who sees no figures is the insights page's 404 (session, every scope)
    assert client_for(make_user("plain")).get("/api/v1/insights/").status_code == 404


def test_the_browser_session_works_and_needs_csrf_for_writes(maria, james, diabetes):
    from django.test import Client
    thread = publish_thread(james, diabetes)
    assert client_for(maria).get(f"/api/v1/threads/{thread.pk}/").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(maria)
    refused = strict.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": "no token"},
                          content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]


def test_the_schema_and_its_documentation_are_served_by_hearth(visitor):
    schema = visitor.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    assert "/api/v1/threads/{id}/posts/" in schema.json()["paths"]
    docs = visitor.get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "//cdn" not in page and "unpkg" not in page
    bundle = re.search(r'src="(/static/drf_spectacular_sidecar/[^"]+bundle\.js)"', page).group(1)
    nonce = re.search(r'<style nonce="([^"]+)"', page).group(1)
    assert f"'nonce-{nonce}'" in docs["Content-Security-Policy"]
    assert b"".join(visitor.get(bundle).streaming_content)[:20]
    script = re.search(r'<script src="([^"]+script=[^"]*)"', page).group(1).replace("&amp;", "&")
    init = visitor.get(script)
    assert init.status_code == 200 and "SwaggerUIBundle" in init.content.decode()


def test_an_unexpected_error_is_a_logged_problem_too(maria, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("community.selectors.community_list", broken)
    response = api_client(token_for(maria)).get("/api/v1/communities/")
    assert response.status_code == 500 and response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 500 and "boom" not in response.content.decode()
    assert any(record.exc_info and "boom" in str(record.exc_info[1])
               for record in caplog.records)


def test_a_visitor_cannot_rotate_x_forwarded_for_past_the_limit(visitor, monkeypatch,
                                                                redis_client):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min",
                                                              "anon": "3/min"})
    codes = [visitor.get("/api/v1/communities/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
             .status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
