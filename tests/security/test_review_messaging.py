"""Review of messaging/: what a member can repeat without limit."""

from __future__ import annotations

import pytest

from messaging.models import AskEntry, AskRequest

pytestmark = pytest.mark.django_db


def test_a_member_cannot_flood_the_hospital_team_through_their_own_request(as_maria):
    # given maria has asked the hospital something
    assert as_maria.post("/ask/", {"topic": "billing", "subject": "A wrong bill",
                                   "body": "My bill shows a visit I never had."}
                         ).status_code == 302
    request = AskRequest.objects.get()
    # when a script with her session adds a reply again and again
    for number in range(60):
        as_maria.post(f"/ask/{request.pk}/", {"body": f"Still waiting, {number}"})
    # then the team's inbox is not flooded: the replies stop at the limit
    added = AskEntry.objects.filter(request=request, kind=AskEntry.Kind.MEMBER).count()
    assert 1 < added <= 31
