"""How the review queue shows, approves and rejects a held or worrying event question
(registered with moderation.targets)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .models import Question


def render_question(item) -> str:
    question = Question.objects.select_related("event", "author").filter(
        pk=item.target_id).first()
    return mark_safe(render_to_string("events/_target_question.html",  # noqa: S308
                                      {"item": item, "q": question}))


def register() -> None:
    from moderation.targets import register_target

    from . import services

    register_target("question", render=render_question, reject=services.question_hide_item,
                    approve=services.question_release_item)
