"""How hard an article is to read, with textstat (a maintained library): Flesch-Kincaid grade
for English, Fernández Huerta for Spanish (a 0-100 ease score, turned into a school grade with
its published bands so that both languages compare against one target)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from textstat.textstat import textstatistics

from community.markdown import render_markdown

# Fernández Huerta ease → the school grade its bands name (Fernández Huerta 1959 / Szigriszt).
_HUERTA_BANDS = ((90, 4), (80, 5), (70, 6), (60, 8), (50, 10), (30, 13))


@dataclass(frozen=True)
class Level:
    grade: float
    score: float  # Flesch-Kincaid grade (en) or Fernández Huerta ease (es)
    method: str
    target: int

    @property
    def on_target(self) -> bool:
        return self.grade <= self.target


def target_grade() -> int:
    return settings.HEARTH_READING_GRADE_TARGET


def _plain(markdown: str) -> str:
    """The words only: rendered, then stripped of tags (headings and lists end sentences)."""
    import nh3

    html = render_markdown(markdown)
    html = html.replace("</li>", ".</li>").replace("</h3>", ".</h3>").replace("</h4>", ".</h4>")
    return nh3.clean(html, tags=set()).replace("..", ".")


def huerta_grade(ease: float) -> float:
    for floor, grade in _HUERTA_BANDS:
        if ease >= floor:
            return float(grade)
    return 16.0


def reading_level(text: str, language: str) -> Level | None:
    plain = _plain(text).strip()
    if len(plain.split()) < 3:
        return None
    stats = textstatistics()  # one per call: set_lang is per instance
    if language == "es":
        stats.set_lang("es")
        ease = round(stats.fernandez_huerta(plain), 1)
        return Level(grade=huerta_grade(ease), score=ease, method="fernandez_huerta",
                     target=target_grade())
    stats.set_lang("en")
    grade = round(max(0.0, stats.flesch_kincaid_grade(plain)), 1)
    return Level(grade=grade, score=grade, method="flesch_kincaid", target=target_grade())
