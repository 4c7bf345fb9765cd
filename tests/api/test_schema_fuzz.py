"""The OpenAPI schema validates, and schemathesis fuzzes every operation against a running
Hearth (uvicorn on a free port, the real database and Redis) with a member's token: no 5xx,
and every response (status, content type, body, headers) matches the schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import WebhookEndpoint
from tests.conftest import join, make_community, make_user, publish_reply, publish_thread

from .conftest import token_for

pytestmark = [pytest.mark.redis, pytest.mark.timeout(300)]
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance,
          content_type_conformance, response_schema_conformance]


def test_the_schema_is_valid_openapi_3(db):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


@pytest.fixture
def forum_data(transactional_db):
    """A forum with some of everything, so that lists return real objects to check."""
    community = make_community("type-2-diabetes", anonymous=True)
    private = make_community("mental-health", private=True, anonymous=True)
    maria, james = make_user("maria"), make_user("james")
    for user in (maria, james):
        join(user, community)
    join(maria, private)
    thread = publish_thread(james, community, "Morning numbers", "High at 7.")
    publish_reply(maria, thread, "Mine too", anonymous=True)
    publish_thread(maria, private, "Nights", "Only members.")
    WebhookEndpoint.objects.create(url="https://8.8.8.8/x", secret="whsec_" + "QUFB" * 11,
                                   events=["thread.created"])
    return {"token": token_for(maria, scopes=["read", "write"])}


def test_every_operation_answers_within_its_schema(asgi_server, forum_data):
    """Each operation of the schema, fuzzed in turn (schemathesis' Python API: its pytest
    plugin does not run under pytest 9)."""
    schema = schemathesis.openapi.from_url(f"{asgi_server}/api/v1/schema/?format=json")
    headers = {"Authorization": f"Bearer {forum_data['token']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 17
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            case.call_and_validate(base_url=asgi_server, headers=headers, checks=CHECKS)

        try:
            fuzz()
        except Exception as error:  # noqa: BLE001 - gather every operation's failure
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
