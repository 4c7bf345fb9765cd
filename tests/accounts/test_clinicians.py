"""Clinician verification: apply with an NPI, staff decide (audited), the badge follows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import ClinicianProfile
from accounts.npi import npi_valid
from moderation.clinicians import clinician_decide
from moderation.models import AuditLog
from moderation.signals import clinician_decided
from tests.conftest import client_for, publish_reply, publish_thread

BADGE = "Verified clinician · NP · Cardiology"
APPLICATION = {
    "credentials": "NP", "specialty": "Cardiology", "organisation": "Hearth General",
    "licence_state": "CA", "npi": "1245319599",
}


@pytest.mark.parametrize("npi,valid", [
    ("1234567893", True), ("1245319599", True), ("1234567890", False), ("123456789", False),
    ("12345678930", False), ("abcdefghij", False), ("", False),
])
def test_the_npi_check_digit(npi, valid):
    assert npi_valid(npi) is valid


def test_an_invalid_npi_is_refused_with_a_clear_error(maria):
    response = client_for(maria).post("/clinicians/apply/", {**APPLICATION, "npi": "1234567890"})
    assert response.status_code == 400
    assert "not a valid NPI" in response.content.decode()
    assert not ClinicianProfile.objects.filter(user=maria).exists()
    with pytest.raises(ValidationError):
        services.clinician_apply(user=maria, **{**APPLICATION, "npi": "1234567890"})


def test_applying_creates_a_pending_application(maria):
    response = client_for(maria).post("/clinicians/apply/", APPLICATION)
    assert response.status_code == 302
    profile = ClinicianProfile.objects.get(user=maria)
    assert profile.status == ClinicianProfile.Status.PENDING
    assert "Awaiting review" in client_for(maria).get("/clinicians/apply/").content.decode()


def test_an_npi_already_registered_elsewhere_is_refused(maria, drlee):
    with pytest.raises(ValidationError):
        services.clinician_apply(user=maria, **{**APPLICATION, "npi": drlee.clinician.npi})


def test_only_staff_see_the_review_pages(maria, james, admin):
    client_for(maria).post("/clinicians/apply/", APPLICATION)
    profile = ClinicianProfile.objects.get(user=maria)
    assert client_for(james).get("/clinicians/review/").status_code == 404
    assert client_for(james).post(f"/clinicians/review/{profile.pk}/",
                                  {"decision": "approve"}).status_code == 404
    page = client_for(admin).get(f"/clinicians/review/{profile.pk}/")
    assert page.status_code == 200 and "maria@example.org" in page.content.decode()


def test_rejecting_needs_a_reason_that_the_applicant_sees(maria, admin):
    services.clinician_apply(user=maria, **APPLICATION)
    profile = ClinicianProfile.objects.get(user=maria)
    response = client_for(admin).post(f"/clinicians/review/{profile.pk}/", {"decision": "reject"})
    assert response.status_code == 400
    client_for(admin).post(f"/clinicians/review/{profile.pk}/",
                           {"decision": "reject", "reason": "NPI is for someone else"})
    profile.refresh_from_db()
    assert profile.status == ClinicianProfile.Status.REJECTED
    assert "NPI is for someone else" in client_for(maria).get("/clinicians/apply/").content.decode()
    assert AuditLog.objects.filter(action="clinician.reject", target_id=str(profile.pk)).exists()


def test_an_approved_clinicians_badge_shows_on_their_posts_and_a_revoked_ones_does_not(
    maria, james, admin, diabetes, django_capture_on_commit_callbacks
):
    # given maria applied and has posted
    services.clinician_apply(user=maria, **APPLICATION)
    profile = ClinicianProfile.objects.get(user=maria)
    thread = publish_thread(james, diabetes, title="Palpitations after coffee?")
    publish_reply(maria, thread, "Worth mentioning to your doctor.")
    assert BADGE not in client_for(james).get(thread.get_absolute_url()).content.decode()
    decisions = []
    clinician_decided.connect(lambda sender, **kw: decisions.append(kw["decision"]),
                              weak=False, dispatch_uid="test-decisions")
    try:
        # when staff approve
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(admin).post(f"/clinicians/review/{profile.pk}/",
                                              {"decision": "approve"})
        assert response.status_code == 302
        # then her posts carry the badge, for anyone
        html = client_for(james).get(thread.get_absolute_url()).content.decode()
        assert BADGE in html
        assert "Verified clinician" in client_for(james).get("/u/maria/").content.decode()
        # when staff revoke it, it is gone
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(admin).post(f"/clinicians/review/{profile.pk}/",
                                              {"decision": "revoke", "reason": "Licence lapsed"})
        assert response.status_code == 302
        html = client_for(james).get(thread.get_absolute_url()).content.decode()
        assert BADGE not in html
    finally:
        clinician_decided.disconnect(dispatch_uid="test-decisions")
    # and both decisions were announced and audited
    assert decisions == ["approve", "revoke"]
    actions = list(AuditLog.objects.filter(target_type="clinicianprofile").order_by("pk")
                   .values_list("action", "actor_label", "reason"))
    assert actions == [("clinician.approve", "admin", ""),
                       ("clinician.revoke", "admin", "Licence lapsed")]


def test_a_decided_application_cannot_be_decided_again(maria, admin):
    services.clinician_apply(user=maria, **APPLICATION)
    profile = ClinicianProfile.objects.get(user=maria)
    clinician_decide(profile=profile, by=admin, decision="approve")
    with pytest.raises(ValidationError):
        clinician_decide(profile=profile, by=admin, decision="reject", reason="x")


def test_a_decision_the_audit_log_cannot_record_is_not_made(maria, admin, monkeypatch):
    """The status, the audit row and the queue item commit together or not at all."""
    from moderation import clinicians
    from moderation.models import ModerationItem

    services.clinician_apply(user=maria, **APPLICATION)
    profile = ClinicianProfile.objects.get(user=maria)
    clinicians.clinician_application_queue(profile=profile)

    def audit_down(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(clinicians, "audit_record", audit_down)
    with pytest.raises(RuntimeError):
        clinician_decide(profile=profile, by=admin, decision="approve")
    profile.refresh_from_db()
    assert profile.status == ClinicianProfile.Status.PENDING
    assert ModerationItem.objects.get(subject_user=maria).status == ModerationItem.Status.OPEN
    assert not AuditLog.objects.filter(target_type="clinicianprofile").exists()
