"""Issue 16, security: what an independent attack found, each point driven as the attacker did.

3. Odd digits in numeric query parameters never answer 500.
"""

from __future__ import annotations

import pytest

from community.models import Membership
from moderation.models import WatchedWord

from .test_headers import ROLES_TO_WALK, get_paths

pytestmark = pytest.mark.django_db

# Each passes str.isdigit() (or int()) in some form but is not plain ASCII digits.
ODD_NUMBERS = ("⁰⁴⁵", "₀₁₂", "٣", "１２", "1_0", " 7", "9" * 5000, "-1", "")
NUMERIC_PARAMS = ("page", "after", "quote", "id", "month", "item", "post", "thread")


# --- 3. Numeric query parameters ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["⁰⁴⁵", "₀₁₂", "٣", "１２"])
def test_a_thread_with_odd_digits_in_after_or_quote_answers_200(in_world, value):
    thread = in_world.threads["public"]
    for role in ("visitor", "member_a"):
        client = in_world.client(role, raise_request_exception=False)
        for query in (f"after={value}", f"quote={value}", f"page={value}"):
            response = client.get(f"{thread.get_absolute_url()}?{query}")
            assert response.status_code == 200, (role, query, response.status_code)


def test_every_page_survives_odd_digits_in_every_numeric_parameter(in_world):
    wrong = []
    for role in ROLES_TO_WALK:
        client = in_world.client(role, raise_request_exception=False)
        for path in get_paths(in_world):
            for value in ODD_NUMBERS[:4]:
                query = "&".join(f"{name}={value}" for name in NUMERIC_PARAMS)
                response = client.get(f"{path}?{query}")
                if response.status_code >= 500:
                    wrong.append(f"{path}?{query} as {role}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_posted_ids_with_odd_digits_are_refused_without_a_server_error(in_world):
    community = in_world.communities["a"]
    staff = in_world.client("staff", raise_request_exception=False)
    moderator = in_world.client("mod_a", raise_request_exception=False)
    word = WatchedWord.objects.first()
    pending = Membership.objects.filter(status=Membership.Status.PENDING).count()
    for value in ODD_NUMBERS:
        response = moderator.post(f"/c/{community.slug}/requests/",
                                  {"membership": value, "decision": "approve"})
        assert response.status_code in (302, 404), (value, response.status_code)
        response = moderator.post("/moderation/items/bulk/",
                                  {"items": [value], "action": "approve"})
        assert response.status_code in (302, 400, 404), (value, response.status_code)
        response = staff.post("/moderation/words/", {"form": "delete", "word": value})
        assert response.status_code in (302, 404), (value, response.status_code)
    assert Membership.objects.filter(status=Membership.Status.PENDING).count() == pending
    assert WatchedWord.objects.first() == word
