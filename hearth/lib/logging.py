"""Structured logs for Hearth: one JSON object a line, with personal data redacted.

Hearth never logs a post body, a password, a token or an email address. Code must not pass
them to a logger in the first place; this filter is the safety net for what libraries log
(request paths with signed tokens, addresses in error messages).
"""

import logging
import re

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
TOKEN_PATH_RE = re.compile(
    r"(/email/(?:unsubscribe|c)/|/accounts/[\w-]+/key/|[?&](?:token|key|code|state)=)"
    r"[^\s/?&\"']+"
)
SECRET_KV_RE = re.compile(
    r"(password|passwd|secret|token|authorization)(['\"]?\s*[:=]\s*['\"]?)[^\s,'\"&]+", re.I
)
# API tokens and webhook signing secrets wherever they appear (api/): their fixed prefixes.
API_SECRET_RE = re.compile(r"\b(hearth_pat_|whsec_)[\w+/=-]+")


def redact(text: str) -> str:
    text = EMAIL_RE.sub("[email]", text)
    text = TOKEN_PATH_RE.sub(r"\1[redacted]", text)
    text = API_SECRET_RE.sub(r"\1[redacted]", text)
    return SECRET_KV_RE.sub(r"\1\2[redacted]", text)


class RedactingFilter(logging.Filter):
    """Renders the message once, redacts it, and drops the arguments it came from."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if isinstance(getattr(record, "scope", None), dict):  # uvicorn / channels ASGI scopes
            record.scope = None
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault(
            "rename_fields", {"levelname": "level", "asctime": "time", "name": "logger"}
        )
        kwargs.setdefault("reserved_attrs", [*_RESERVED, "request", "scope"])
        super().__init__(*args, **kwargs)

    def formatException(self, ei) -> str:  # noqa: N802 - logging API
        return redact(super().formatException(ei))


def sentry_before_send(event, hint):
    """Sentry's copy of an error, redacted as a log line is (sentry_sdk's `before_send`)."""
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = redact(exception["value"])
    logentry = event.get("logentry") or {}
    if isinstance(logentry.get("message"), str):
        logentry["message"] = redact(logentry["message"])
        logentry["params"] = []
    request = event.get("request") or {}
    for field in ("url", "query_string"):
        if isinstance(request.get(field), str):
            request[field] = redact(request[field])
    request.pop("data", None)
    return event


# `color_message` is uvicorn's copy of its message with terminal colour codes: never logged.
_RESERVED = [
    "color_message", "args", "asctime", "created", "exc_info", "exc_text", "filename",
    "funcName", "levelname", "levelno", "lineno", "module", "msecs", "message", "msg", "name",
    "pathname", "process",
    "processName", "relativeCreated", "stack_info", "thread", "threadName", "taskName",
    "status_code", "server_time",
]
