"""Live events of an expert Q&A (rule 4): rendered once after commit, sent to the event's group
through hearth.lib.live, each with the event's next sequence number (a client that sees a gap
reloads)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation

from hearth.lib.live import publish_on_commit

from .models import Event, Question


def event_group(event_id: int) -> str:
    return f"event.{event_id}"


def _next_seq(event_id: int) -> int:
    Event.objects.filter(pk=event_id).update(event_seq=F("event_seq") + 1)
    return Event.objects.values_list("event_seq", flat=True).get(pk=event_id)


def render_question(question: Question, language: str | None = None) -> str:
    """The question as every reader sees it (an anonymous asker is never named here), with
    every control marked with whom it is for (events/live.js keeps the reader's)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string("events/_question.html", {"q": question, "live": True})


def question_payload(question: Question) -> dict:
    """`html` in the default language and `translations` in the others, like a thread's post
    (community.live.post_payload): rendered once per language, never per viewer."""
    return {"html": render_question(question),
            "translations": {code: render_question(question, code)
                             for code, _name in settings.LANGUAGES
                             if code != settings.LANGUAGE_CODE}}


def question_changed_on_commit(question: Question) -> None:
    """Publish the question (new, voted, answered, ordered) or its removal (hidden) to every
    open page."""
    seq = _next_seq(question.event_id)
    if question.status == Question.Status.PUBLISHED:
        event = {"type": "event.question", "event": question.event_id, "seq": seq,
                 "question": question.pk, "votes": question.vote_count,
                 "answered": question.answered_at is not None, "order": question.order,
                 **question_payload(question)}
    else:
        event = {"type": "event.question.removed", "event": question.event_id, "seq": seq,
                 "question": question.pk}
    publish_on_commit(event_group(question.event_id), event)


def event_reload_on_commit(event_id: int) -> None:
    """The event changed as a whole (cancelled): every open page reloads."""
    publish_on_commit(event_group(event_id), {"type": "reload"})
