"""Screen posts from a JSON Lines file, for checking screening from outside.

    python manage.py screen --jsonl posts.jsonl      # or --jsonl - for standard input

Each input line is ``{"id": ..., "text": ...}``; each output line (stdout, same order) is
``{"id": ..., "identifiers": ["phone", ...], "crisis": "escalate" | "review" | "none"}``. A
line that cannot be read gets ``{"id": ..., "error": "..."}`` (id null when unknown) and the
run goes on. A summary goes to stderr.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from moderation.screening import IDENTIFIER, model_state, screen
from moderation.screening.model import model_error


class Command(BaseCommand):
    help = "Screen JSON Lines posts ({id, text}) and print one result line per input line."

    def add_arguments(self, parser):
        parser.add_argument("--jsonl", required=True, help="a file, or - for standard input")

    def handle(self, *args, **options):
        if model_state() != "ok":
            self.stderr.write(f"warning: the crisis model is not loaded ({model_error()}); "
                              "crisis results come from the rules alone")
        path = options["jsonl"]
        try:
            source = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        done = errors = 0
        with source:
            for number, line in enumerate(source, 1):
                if not line.strip():
                    continue
                self.stdout.write(json.dumps(self._one(line, number), ensure_ascii=False))
                done += 1
                errors += "error" in self._last
        self.stderr.write(f"screened {done - errors} posts, {errors} lines with errors")

    def _one(self, line: str, number: int) -> dict:
        self._last: dict = {}
        post_id = None
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("a line must be a JSON object")
            post_id = row.get("id")
            text = row.get("text")
            if not isinstance(text, str):
                raise ValueError('"text" must be a string')
        except ValueError as exc:
            self._last = {"id": post_id, "error": f"line {number}: {exc}"}
            return self._last
        result = screen(text)
        self._last = {"id": post_id, "identifiers": list(result.kinds_in(IDENTIFIER)),
                      "crisis": result.crisis_outcome}
        return self._last
