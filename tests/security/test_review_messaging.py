"""Review of messaging/: what a member can repeat without limit."""

from __future__ import annotations

import pytest

from messaging.models import MAX_MEMBERS, AskEntry, AskRequest

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


def test_the_patient_experience_team_enrols_in_mfa_before_reading_the_inbox(settings, maria):
    from django.contrib.auth.models import Group

    from messaging.permissions import PATIENT_EXPERIENCE_GROUP
    from tests.accounts.conftest import enrol_mfa
    from tests.conftest import client_for, make_user

    # given pat works on the team (not staff) and MFA is required, as in production
    settings.HEARTH_MFA_REQUIRED = True
    pat = make_user("pat")
    pat.groups.add(Group.objects.get_or_create(name=PATIENT_EXPERIENCE_GROUP)[0])
    request = AskRequest.objects.create(member=maria, topic="billing", subject="A wrong bill")
    as_pat = client_for(pat)
    # when pat opens the inbox or a member's request, they are sent to enrol first
    for path in ("/ask/inbox/", f"/ask/inbox/{request.pk}/"):
        response = as_pat.get(path)
        assert response.status_code == 302 and "/2fa/" in response["Location"], path
    # and once enrolled, the inbox opens
    enrol_mfa(pat)
    assert client_for(pat).get("/ask/inbox/").status_code == 200
    # a member asking the hospital is not asked for MFA
    assert client_for(maria).get("/ask/").status_code == 200


def test_a_long_list_of_recipients_costs_no_query_per_name(
        as_james, maria, django_assert_max_num_queries):
    # when james's browser posts a new conversation naming maria 500 times
    names = " ".join(["maria"] * 500)
    with django_assert_max_num_queries(40):
        response = as_james.post("/messages/new/", {"to": names, "body": "Hello all"})
    # then the name is looked up once, not 500 times
    assert response.status_code == 302
    # and more names than a conversation holds are refused before any is looked up
    names = " ".join(f"name{n}" for n in range(MAX_MEMBERS))
    with django_assert_max_num_queries(40):
        response = as_james.post("/messages/new/", {"to": names, "body": "Hello all"})
    assert response.status_code == 400 and "at most" in response.content.decode()
