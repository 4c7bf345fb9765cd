"""What every forum service shares: the limits on text and the two refusals a view shows."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied

TITLE_MAX = 200
BODY_MAX = 20000


class RateLimited(Exception):
    """Too many posts in a short time; the message says when to try again."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PostingNotAllowed(PermissionDenied):
    """The member can see the thread but may not write here now (locked, not joined...)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message



def _body_digest(body: str) -> str:
    return hashlib.sha256(" ".join(body.split()).lower().encode()).hexdigest()
