"""The authorization matrix again for every /api/v1/ row, with personal access tokens instead
of the browser session: each role's token (read and write scopes) gets exactly what its
session gets, except that a banned or deactivated member's token is refused (401) and the
insights figures need the insights scope (403)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from api.models import ApiToken

from .test_authorization_matrix import SPECS, _matches
from .urls import fill, url_patterns
from .world import MISSING_PK, ROLES

pytestmark = pytest.mark.django_db
API_ROWS = sorted(name for name in SPECS if name.startswith("api_v1:"))


def _token_client(world, role: str) -> Client:
    if role == "visitor":
        return Client()
    raw = f"hearth_pat_matrix-{role}"
    ApiToken.objects.get_or_create(
        digest=hashlib.sha256(raw.encode()).hexdigest(),
        defaults={"user": world.users[role], "name": "matrix", "hint": "matrix",
                  "scopes": ["read", "write"],
                  "expires_at": timezone.now() + timedelta(days=1)})
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _expected(name: str, spec, role: str, obj: str):
    if role in ("banned", "deactivated"):
        return 401  # their tokens no longer work
    if name == "api_v1:insights" and role != "visitor":
        return 403  # a token without the insights scope
    return spec.expect(role, obj)


def test_every_api_row_with_each_roles_token(in_world):
    world = in_world
    routes = {n: r for r, n in url_patterns()}
    wrong = []
    for name in API_ROWS:
        spec = SPECS[name]
        for obj in spec.objects:
            path = fill(routes[name], spec.args(world, obj))
            community = world.communities.get(obj)
            query = spec.query.format(community=community.pk if community else
                                      ("" if obj == "-" else MISSING_PK))
            for role in ROLES:
                client = _token_client(world, role)
                with transaction.atomic():
                    response = (client.get(path + query) if spec.method == "GET"
                                else client.post(path + query, spec.data))
                    transaction.set_rollback(True)
                expected = _expected(name, spec, role, obj)
                if not _matches(response, expected):
                    wrong.append(f"{spec.method} {path}{query} as {role}'s token [{obj}]: "
                                 f"{response.status_code}, expected {expected}")
    assert not wrong, f"{len(wrong)} cells differ:\n" + "\n".join(wrong)
