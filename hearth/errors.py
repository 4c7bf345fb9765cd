"""Hearth's own error pages where Django would show its plain ones."""

from __future__ import annotations

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """A form sent with an expired or missing security token (a page left open for days, a
    session that ended): say what happened and how to go on. The reason is not shown."""
    return render(request, "403_csrf.html", status=403)
