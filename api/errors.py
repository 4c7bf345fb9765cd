"""Every API error as RFC 9457 problem details (application/problem+json). What may not be
seen is the same 404 as what does not exist, byte for byte."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from community.services import PostingNotAllowed, RateLimited

logger = logging.getLogger(__name__)
PROBLEM = "application/problem+json"
POSTING_RETRY_AFTER = 60

TITLES = {
    400: "Bad request", 401: "Not signed in", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 406: "Not acceptable", 415: "Unsupported media type",
    429: "Too many requests", 500: "Server error",
}


def problem(status_code: int, detail: str = "", *, errors: dict | None = None,
            headers: dict | None = None) -> Response:
    body = {"type": "about:blank", "title": TITLES.get(status_code, "Error"),
            "status": status_code}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM)


def _messages(error: DjangoValidationError) -> tuple[str, dict | None]:
    if hasattr(error, "error_dict"):
        errors = {field: [str(m) for m in e.messages] if hasattr(e, "messages") else
                  [str(m) for m in DjangoValidationError(e).messages]
                  for field, e in error.error_dict.items()}
        return "The request was not valid.", errors
    return " ".join(str(m) for m in error.messages), None


def problem_handler(exc, context):
    response = _problem_for(exc, context)
    if response is None:
        # Not one of ours: logged with its traceback (redacted), answered in the same format.
        logger.error("API error: %s", type(exc).__name__, exc_info=exc)
        response = problem(500, "Something went wrong on Hearth's side; it was logged.")
    set_rollback()
    return response


def _problem_for(exc, context):
    if isinstance(exc, (Http404, exceptions.NotFound)):
        return problem(404)  # one body, whatever the reason
    if isinstance(exc, RateLimited):
        return problem(429, str(exc.message),
                       headers={"Retry-After": str(POSTING_RETRY_AFTER)})
    if isinstance(exc, PostingNotAllowed):
        return problem(403, str(exc.message))
    if isinstance(exc, DjangoValidationError):
        detail, errors = _messages(exc)
        return problem(400, detail, errors=errors)
    if isinstance(exc, DjangoPermissionDenied):
        return problem(403, "You may not do this.")
    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {name: value for name, value in response.items()
               if name in ("Retry-After", "WWW-Authenticate", "Allow")}
    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return problem(status.HTTP_400_BAD_REQUEST, "The request was not valid.",
                       errors=data, headers=headers)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
    return problem(response.status_code, str(detail), headers=headers)
