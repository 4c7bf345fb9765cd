"""Screening as a whole (issue 14): the crisis outcomes through posting, the queue card, the
fallback when the model cannot load, and the `screen --jsonl` command.

Most tests use the stub model (tests/settings.py): "[[crisis-high]]" in a sentence scores above
the escalation threshold, "[[crisis-mid]]" in the review band. The real model is exercised in
tests/moderation/test_crisis_model.py.
"""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core.management import call_command

from community.models import Post
from moderation.models import AuditLog, ModerationItem
from moderation.screening import ESCALATE, NONE, REVIEW, model_state, screen
from moderation.screening import model as crisis_model
from tests.conftest import client_for, publish_thread

pytestmark = pytest.mark.django_db

FILLER = ("My endocrinologist moved my appointment to March, and the new pharmacy keeps "
          "getting my metformin refill wrong, so I have been rationing the last strips. ")


@pytest.fixture(autouse=True)
def fresh_model():
    crisis_model.reset_for_tests()
    yield
    crisis_model.reset_for_tests()


def reply(client, thread, body, capture):
    with capture(execute=True):
        return client.post(f"/t/{thread.pk}/reply/", {"body": body})


def test_a_crisis_sentence_buried_in_a_long_post_escalates():
    text = FILLER * 6 + "I have decided [[crisis-high]] this. " + FILLER * 7
    assert len(text) > 1900
    result = screen(text)
    assert result.crisis_outcome == ESCALATE
    start, end = result.crisis_highlight
    assert "[[crisis-high]]" in text[start:end] and end - start < 80


def test_an_uncertain_score_asks_for_review_and_a_clear_one_for_nothing():
    assert screen(FILLER + "Some days I wonder [[crisis-mid]] about it all.").crisis_outcome \
        == REVIEW
    assert screen(FILLER).crisis_outcome == NONE


def test_a_review_band_post_is_published_queued_above_held_posts_and_the_author_is_supported(
        as_james, james, maria, sam, diabetes, django_capture_on_commit_callbacks):
    thread = publish_thread(maria, diabetes)
    reply(as_james, thread, "Call me on (555) 201-3344 any evening",
          django_capture_on_commit_callbacks)
    response = reply(as_james, thread, "Lately I feel [[crisis-mid]] like a weight on everyone.",
                     django_capture_on_commit_callbacks)

    post = thread.posts.get(position=3)
    assert (post.status, post.screening) == (Post.Status.PUBLISHED, Post.Screening.FLAGGED)
    assert "weight on everyone" in client_for(maria).get(thread.get_absolute_url()
                                                         ).content.decode()
    thread.refresh_from_db()
    assert not thread.is_crisis  # unsure: no crisis flow, no on-call email

    page = as_james.get(response["Location"]).content.decode()
    assert "Thank you for sharing this" in page and "988" in page
    assert "has been told about your post" not in page

    item = ModerationItem.objects.get(post=post)
    assert (item.kind, item.reason) == (ModerationItem.Kind.CRISIS, "possible_crisis")
    held = ModerationItem.objects.get(kind=ModerationItem.Kind.HELD)
    assert item.priority < held.priority
    queue = client_for(sam).get("/moderation/").content.decode()
    assert queue.index(f'id="item-{item.pk}"') < queue.index(f'id="item-{held.pk}"')
    assert "Possible crisis: please read" in queue
    assert AuditLog.objects.filter(action="post.possible_crisis",
                                   target_id=str(post.pk)).exists()


def test_the_crisis_card_speaks_plain_words_marks_the_sentence_and_shows_the_escalation(
        as_james, james, maria, sam, diabetes, django_capture_on_commit_callbacks):
    thread = publish_thread(maria, diabetes)
    reply(as_james, thread, FILLER + "Honestly I want to end my life. " + FILLER,
          django_capture_on_commit_callbacks)
    item = ModerationItem.objects.get(kind=ModerationItem.Kind.CRISIS)
    as_sam = client_for(sam)
    queue = as_sam.get("/moderation/").content.decode()
    assert "Possible suicide risk" in queue and "suicidal_intent" not in queue
    assert '<mark class="trigger">Honestly I want to end my life.</mark>' in queue
    assert "Escalate now" in queue

    # dismissing needs a reason
    as_sam.post(f"/moderation/items/{item.pk}/approve/", {"reason": ""})
    item.refresh_from_db()
    assert item.status == ModerationItem.Status.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        as_sam.post(f"/moderation/items/{item.pk}/escalate/")
        as_sam.post(f"/moderation/items/{item.pk}/reach_out/",
                    {"reason": "Asked the care team to call"})
    item.refresh_from_db()
    assert item.escalated_by == sam and item.reached_out_by == sam
    queue = as_sam.get("/moderation/").content.decode()
    assert "Escalated" in queue and "escalated by sam" in queue and "sam reached out" in queue
    assert "Escalate now" not in queue
    assert AuditLog.objects.filter(action="item.reach_out",
                                   reason="Asked the care team to call").exists()


def test_after_a_crisis_post_the_author_is_not_told_it_is_shared_and_awaiting_review_at_once(
        as_james, james, maria, diabetes, django_capture_on_commit_callbacks):
    thread = publish_thread(maria, diabetes)
    response = reply(as_james, thread,
                     "I want to end my life. My number is (555) 201-3344 if anyone cares.",
                     django_capture_on_commit_callbacks)
    page = as_james.get(response["Location"]).content.decode()
    assert "You don't have to go through this alone" in page
    assert "Awaiting review" in page  # the phone number holds it
    assert "shared with the community" not in page


def test_the_composer_check_offers_support_without_saying_the_post_is_shared(as_maria):
    html = as_maria.post("/moderation/check/", {"body": "I want to end my life"}
                         ).content.decode()
    assert "988" in html and "has been told" not in html
    support = as_maria.post("/moderation/check/", {"body": "so tired [[crisis-mid]] of it"}
                            ).content.decode()
    assert "Thank you for sharing this" in support


def test_the_request_and_the_task_screen_the_same_words_once(
        as_james, james, maria, diabetes, django_capture_on_commit_callbacks, monkeypatch):
    thread = publish_thread(maria, diabetes)
    calls = []
    real = crisis_model.CrisisModel.score_text

    def counted(self, text):
        calls.append(text)
        return real(self, text)

    monkeypatch.setattr(crisis_model.CrisisModel, "score_text", counted)
    as_james.post("/moderation/check/", {"body": "Feeling [[crisis-mid]] low today"})
    reply(as_james, thread, "Feeling [[crisis-mid]] low today", django_capture_on_commit_callbacks)
    assert calls == ["Feeling [[crisis-mid]] low today"]


def test_without_the_model_screening_falls_back_to_the_rules_loudly(
        settings, caplog, as_james, james, maria, sam, diabetes,
        django_capture_on_commit_callbacks):
    settings.HEARTH_SCREENING_MODEL = "missing-model"
    crisis_model.reset_for_tests()
    with caplog.at_level(logging.ERROR, logger="moderation.screening.model"):
        assert model_state() == "degraded"
    assert "crisis model failed to load" in caplog.text

    # the rules still run
    assert screen("I want to end my life").crisis_outcome == ESCALATE
    assert screen("call me at (555) 201-3344").held_kinds == ("phone",)

    health = client_for(maria).get("/healthz").json()
    assert health["screening"] == "degraded"
    queue = client_for(sam).get("/moderation/").content.decode()
    assert "Crisis screening is running on its rules alone" in queue

    settings.HEARTH_SCREENING_MODEL = "stub"
    crisis_model.reset_for_tests()
    assert model_state() == "ok"


def test_the_screen_command_writes_one_line_per_input_line_and_goes_on_after_a_bad_one(
        tmp_path):
    source = tmp_path / "posts.jsonl"
    source.write_text("\n".join([
        json.dumps({"id": "a", "text": "Text me at (555) 201-3344 or a.b@example.org"}),
        "{not json",
        json.dumps({"id": 7, "text": "I want to end my life"}),
        json.dumps({"id": "c"}),
        json.dumps({"id": "d", "text": "Some days [[crisis-mid]] are grey"}),
        json.dumps({"id": "e", "text": "Call poison control at 1-800-222-1222 right away"}),
    ]) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("screen", "--jsonl", str(source), stdout=out, stderr=err)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0] == {"id": "a", "identifiers": ["phone", "email"], "crisis": "none"}
    assert lines[1]["id"] is None and "line 2" in lines[1]["error"]
    assert lines[2] == {"id": 7, "identifiers": [], "crisis": "escalate"}
    assert lines[3]["id"] == "c" and "text" in lines[3]["error"]
    assert lines[4] == {"id": "d", "identifiers": [], "crisis": "review"}
    assert lines[5] == {"id": "e", "identifiers": [], "crisis": "none"}
    assert len(lines) == 6
    assert "2 lines with errors" in err.getvalue()


def test_the_screen_command_reads_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 1, "text": "hello"}\n'))
    out = io.StringIO()
    call_command("screen", "--jsonl", "-", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue()) == {"id": 1, "identifiers": [], "crisis": "none"}


def test_a_member_whose_new_crisis_thread_is_held_is_not_asked_to_join(
        as_james, james, diabetes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_james.post(f"/c/{diabetes.slug}/new/", {
            "title": "I can't go on", "kind": "discussion",
            "body": "I want to end my life. Text me at (555) 201-3344."})
    page = as_james.get(response["Location"]).content.decode()
    assert "You don't have to go through this alone" in page
    assert "Join this community" not in page
    assert "Replies open once a moderator has looked at this discussion." in page


@pytest.mark.django_db(transaction=True)
def test_a_crisis_reply_posted_with_htmx_shows_the_resources_in_the_answer_and_keeps_them(
        as_james, james, maria, diabetes):
    # a real commit (not captured): the notice is stored when the reply commits, before the
    # answer is rendered, as in production
    thread = publish_thread(maria, diabetes)
    answer = as_james.post(f"/t/{thread.pk}/reply/", {"body": "I want to end my life"},
                           HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "You don't have to go through this alone" in answer.content.decode()
    # shown once, there: the next page does not repeat it
    assert "You don't have to go through this alone" not in as_james.get(
        thread.get_absolute_url()).content.decode()


def test_an_htmx_answer_that_does_not_show_notices_leaves_them_for_the_next_page(
        as_james, james):
    from hearth.lib.notices import notice_add

    notice_add(user_id=james.pk, template="moderation/_support_note.html")
    as_james.post("/moderation/check/", {"body": "hello"}, HTTP_HX_REQUEST="true")
    assert "Thank you for sharing this" in as_james.get("/").content.decode()


def test_a_changed_rule_is_not_answered_from_the_older_rules_cached_result(monkeypatch):
    # given a text screened (and kept in the cache) under today's rules
    from moderation.screening import engine

    text = "Feeling [[crisis-mid]] low today, again"
    calls = []
    real = crisis_model.CrisisModel.score_text

    def counted(self, words):
        calls.append(words)
        return real(self, words)

    monkeypatch.setattr(crisis_model.CrisisModel, "score_text", counted)
    screen(text)
    screen(text)
    assert len(calls) == 1  # the second screening was the cache's
    # when a deploy changes the screening code (its digest)
    monkeypatch.setattr(engine, "RULES_VERSION", "another-version")
    screen(text)
    # then the text is screened again, not answered from the older rules' result
    assert len(calls) == 2


def test_short_sentences_are_scored_with_their_neighbours_and_the_highlight_is_one_sentence():
    """Alone, "I'm not going to." read like intent; the heads score it with its context."""
    from moderation.screening import model as crisis_model

    text = ("She kept his voicemail on my phone. I'm not going to. Everyone says I should "
            "delete it but hearing him say my name is the only thing that gets me through "
            "the morning before work.")
    items = [text[a:b] for a, b in crisis_model.sentences(text)]
    assert "I'm not going to." not in items
    assert all(len(item.split()) >= crisis_model.MIN_WORDS for item in items)
    assert "".join(items).replace(" ", "") == text.replace(" ", "")  # nothing lost
    assert [text[a:b] for a, b in crisis_model.raw_sentences(text)][1] == "I'm not going to."
