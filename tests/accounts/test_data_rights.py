"""Export my data, delete my account."""

from __future__ import annotations

import json

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test import Client

from accounts.models import DataExport, User
from community.models import Post, Reaction, Thread, ThreadFollow
from community.services import reaction_toggle, thread_follow_toggle
from moderation.models import AuditLog
from tests.conftest import client_for, publish_reply, publish_thread

from .conftest import MockedResponse, provider_http

UNIQUE = "Zephyrine-Quillfeather-8842"


def export_for(client, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/settings/data/export/")
    assert response.status_code == 302


def download(client, export: DataExport) -> dict:
    response = client.get(f"/settings/data/export/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return json.loads(b"".join(response.streaming_content))


def test_export_holds_the_members_own_data_only(
    maria, james, diabetes, mental, django_capture_on_commit_callbacks
):
    # given maria and james both posting, reacting and following
    maria.bio = "Maria's bio text"
    maria.save(update_fields=["bio"])
    mine = publish_thread(maria, diabetes, title="Maria's question", body="Maria's own words")
    theirs = publish_thread(james, diabetes, title="James's topic", body="James's private words")
    publish_reply(james, mine, "James replying to Maria")
    reply = publish_reply(maria, theirs, "Maria replying to James")
    reaction_toggle(user=maria, post=theirs.posts.get(position=1), kind="support")
    reaction_toggle(user=james, post=reply, kind="thanks")
    only_james = publish_thread(james, diabetes, title="Followed by James only",
                                body="Not for Maria")
    for thread in (mine, theirs):
        thread_follow_toggle(user=maria, thread=thread)
    for thread in (theirs, only_james):
        thread_follow_toggle(user=james, thread=thread)
    client = client_for(maria)
    # when maria asks for her data (built by the Celery task)
    export_for(client, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=maria)
    assert export.status == DataExport.Status.READY
    data = download(client, export)
    # then it holds her profile, posts, reactions and follows
    assert data["profile"]["username"] == "maria"
    assert data["profile"]["bio"] == "Maria's bio text"
    assert data["profile"]["email"] == "maria@example.org"
    bodies = {p["body"] for p in data["posts"]}
    assert bodies == {"Maria's own words", "Maria replying to James"}
    assert [r["kind"] for r in data["reactions"]] == ["support"]
    assert {f["thread_id"] for f in data["follows"]} == {mine.pk, theirs.pk}
    assert {m["community"] for m in data["memberships"]} == {
        "type-2-diabetes", "heart-health", "mental-health"}
    # and nothing of james's
    text = json.dumps(data)
    for other in ("James's private words", "James replying to Maria", "james@example.org",
                  "Not for Maria", "Followed by James only"):
        assert other not in text


def test_an_export_is_downloadable_by_its_owner_only(
    maria, james, django_capture_on_commit_callbacks
):
    export_for(client_for(maria), django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=maria)
    assert client_for(james).get(f"/settings/data/export/{export.pk}/download/").status_code \
        == 404
    assert client_for(maria).get(
        f"/settings/data/export/{export.pk + 1000}/download/").status_code == 404
    from django.test import Client

    assert Client().get(f"/settings/data/export/{export.pk}/download/").status_code == 302


def test_the_export_file_has_an_unguessable_name(maria, django_capture_on_commit_callbacks):
    export_for(client_for(maria), django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=maria)
    assert len(export.file_name) >= 30 and "maria" not in export.file_name


def _text_columns():
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy or model._meta.db_table not in tables:
            continue
        fields = [f for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField | models.JSONField)]
        if fields:
            yield model, fields


def find_in_database(needle: str) -> list[str]:
    """Every text column of every table, searched row by row."""
    found = []
    needle = needle.lower()
    for model, fields in _text_columns():
        for row in model._base_manager.values_list(*[f.attname for f in fields]):
            for field, value in zip(fields, row, strict=True):
                if value is not None and needle in str(value).lower():
                    found.append(f"{model._meta.db_table}.{field.column}")
    return found


def find_in_session_data(needle: str) -> bool:
    return any(needle.lower() in json.dumps(s.get_decoded()).lower()
               for s in Session.objects.all())


@pytest.mark.parametrize("keep_posts", [True, False])
def test_after_deletion_a_unique_string_from_the_profile_is_nowhere(
    maria, james, sam, diabetes, keep_posts, django_capture_on_commit_callbacks
):
    # given maria with a profile full of a unique string, posts, reactions, an X account
    maria.bio = f"I am {UNIQUE} and I love hiking"
    maria.display_name = UNIQUE[:30]
    maria.first_name, maria.last_name = "Zephyrine", "Quillfeather"
    maria.conditions = f"{UNIQUE} syndrome"
    maria.show_real_name = True
    maria.save()
    app = SocialApp.objects.create(provider="twitter_oauth2", name="X", client_id="cid",
                                   secret="s")
    account = SocialAccount.objects.create(user=maria, provider="twitter_oauth2", uid="77",
                                           extra_data={"name": UNIQUE, "username": "zq8842"})
    SocialToken.objects.create(app=app, account=account, token="tok-" + UNIQUE)
    thread = publish_thread(maria, diabetes, title="My hiking question",
                            body="Does hiking help my sugar?")
    reply = publish_reply(maria, thread, "Update: it does")
    answer = publish_reply(james, thread, "It helps me too")
    reaction_toggle(user=maria, post=answer, kind="helpful")
    client = client_for(maria)
    export_for(client, django_capture_on_commit_callbacks)
    assert client.get("/u/maria/").content.decode().count(UNIQUE) >= 1
    # a visitor's copy of the thread page is kept in the visitor page cache
    assert 'href="/u/maria/"' in Client().get(thread.get_absolute_url()).content.decode()
    # when she deletes her account, choosing what happens to her posts
    revoke = {"https://api.x.com/2/oauth2/revoke": MockedResponse(200, {})}
    with provider_http(revoke) as calls, django_capture_on_commit_callbacks(execute=True):
        response = client.post("/settings/delete/", {
            "posts": "keep" if keep_posts else "delete", "confirm": "maria"})
    assert response.status_code == 302
    # then the provider was asked to revoke the token, and the string is nowhere
    assert [url for _m, url, _k in calls] == ["https://api.x.com/2/oauth2/revoke"]
    assert not User.objects.filter(username="maria").exists()
    assert find_in_database(UNIQUE) == []
    assert find_in_database("Quillfeather") == []
    assert find_in_database("maria@example.org") == []
    assert not find_in_session_data(UNIQUE)
    assert not SocialToken.objects.exists() and not SocialAccount.objects.exists()
    pages = ["/", "/c/type-2-diabetes/", thread.get_absolute_url(), "/u/maria/",
             "/search/?q=hiking", "/search/?q=sugar"]
    for viewer in (client_for(james), client_for(sam)):
        for url in pages:
            html = viewer.get(url).content.decode()
            assert UNIQUE not in html and "Quillfeather" not in html, url
    assert client_for(james).get("/u/maria/").status_code == 404
    # her session is over
    assert client.get("/settings/").status_code == 302
    # her posts are kept under "Former member", or gone
    thread.refresh_from_db()
    reply.refresh_from_db()
    html = client_for(james).get(thread.get_absolute_url())
    if keep_posts:
        assert reply.author_id is None and reply.body == "Update: it does"
        assert "Former member" in html.content.decode()
        assert "Update: it does" in html.content.decode()
        visitor_html = Client().get(thread.get_absolute_url()).content.decode()
        assert 'href="/u/maria/"' not in visitor_html and "Former member" in visitor_html
    else:
        assert reply.status == Post.Status.DELETED and reply.body == ""
        assert thread.status == Thread.Status.DELETED
        assert find_in_database("Does hiking help my sugar?") == []
        assert find_in_database("My hiking question") == []
    # counters no longer count her
    answer.refresh_from_db()
    assert answer.helpful_count == 0 and not Reaction.objects.filter(post=answer).exists()
    diabetes.refresh_from_db()
    assert diabetes.member_count == diabetes.memberships.count()
    assert not ThreadFollow.objects.filter(user_id=None).exists()
    # and the audit log records the deletion without the erased data
    row = AuditLog.objects.get(action="account.delete")
    assert row.target_type == "user" and row.actor_label == "member"
    assert UNIQUE not in row.reason and "maria" not in row.reason


def test_deleting_needs_the_pseudonym_typed_and_a_post(maria):
    client = client_for(maria)
    assert client.get("/settings/delete/").status_code == 200
    response = client.post("/settings/delete/", {"posts": "keep", "confirm": "james"})
    assert response.status_code == 400
    assert User.objects.filter(pk=maria.pk).exists()
