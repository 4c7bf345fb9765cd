"""Screening: what in a post's text holds it, escalates it, asks a moderator to look, or flags it.

``engine.screen`` is the one entry point; ``base`` holds the kinds and results; each detector
module (``identifiers``, ``crisis``, ``spam``, ``misinformation``) its rules; ``model`` the
crisis sentence model beside the crisis rules.
"""

from .base import (
    CATEGORIES,
    CRISIS,
    ESCALATE,
    IDENTIFIER,
    KIND_CHOICES,
    KINDS,
    MISINFORMATION,
    NONE,
    REVIEW,
    SPAM,
    Finding,
    ScreeningResult,
)
from .engine import Context, post_text, redact, screen
from .model import model_state

__all__ = [
    "CATEGORIES", "CRISIS", "ESCALATE", "IDENTIFIER", "KINDS", "KIND_CHOICES", "MISINFORMATION",
    "NONE", "REVIEW", "SPAM", "Context", "Finding", "ScreeningResult", "model_state",
    "post_text", "redact", "screen",
]
