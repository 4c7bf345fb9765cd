"""Issue 16.1: a member cannot pass as the clinician or the moderator. A display name or a
username whose look-alike key (Unicode TR39 skeleton of the NFKC, case-folded name) matches
another member's username or display name, or a reserved word, is refused; verified clinicians
carry their badge beside their name in pages, notifications and emails."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts import services
from accounts.models import User
from accounts.pseudonyms import name_key, validate_pseudonym
from community.models import Thread
from tests.conftest import client_for, publish_reply, publish_thread

from .conftest import fresh_client
from .test_signup_login import errors_of, signup

pytestmark = pytest.mark.django_db

CYRILLIC_E = "\u0435"
IMPERSONATIONS = ["drlee", "Drlee", "ｄｒｌｅｅ", "DRLEE", "DrIee", "dr1ee", "dr.lee", "Dr Lee",
                  f"drl{CYRILLIC_E}{CYRILLIC_E}", "sam", "Sam", "ＳＡＭ", "\u0455am", "s a m"]


def _profile(client, display_name: str):
    return client.post("/settings/", {
        "display_name": display_name, "bio_visibility": "members",
        "conditions_visibility": "members", "caregiver_visibility": "members",
        "language": "", "time_zone": "UTC",
    })


@pytest.mark.parametrize("name", IMPERSONATIONS)
def test_james_cannot_take_a_display_name_that_passes_for_drlee_or_sam(james, drlee, sam,
                                                                       name):
    response = _profile(client_for(james), name)
    assert response.status_code == 400
    assert "looks too much like another member" in " ".join(
        response.context["form"].errors.get("display_name", [])), name
    assert User.objects.get(pk=james.pk).display_name == ""


@pytest.mark.parametrize("name", ["ａｄｍｉｎ", "\u0430dmin", "\u0391dmin", "m0derator",
                                  "Hearth Team", "Ｓｔａｆｆ", "The Moderator"])
def test_reserved_words_are_refused_however_they_are_written(james, name):
    response = _profile(client_for(james), name)
    assert response.status_code == 400, name
    assert User.objects.get(pk=james.pk).display_name == ""


@pytest.mark.parametrize("name", ["Ｄｒ Ｍａｒｉａ", "D\u0433 Maria"])  # fullwidth; Cyrillic г
def test_a_clinical_title_in_look_alike_letters_is_still_a_title(maria, name):
    response = _profile(client_for(maria), name)
    assert response.status_code == 400
    assert "clinical title" in " ".join(response.context["form"].errors["display_name"])


def test_a_member_may_use_their_own_name_and_ordinary_ones(james, drlee, sam):
    for name in ("James", "JAMES", "James R", "Jam Lover", "Samantha", "Lee Fan"):
        services.profile_update(user=james, display_name=name)
        assert User.objects.get(pk=james.pk).display_name == name
    services.profile_update(user=drlee, display_name="Dr Lee")  # verified, and his own name
    assert User.objects.get(pk=drlee.pk).display_name == "Dr Lee"


def test_a_display_name_taken_by_one_member_is_refused_to_the_next(maria, james):
    services.profile_update(user=maria, display_name="Sunny Walker")
    with pytest.raises(Exception, match="looks too much like another member"):
        services.profile_update(user=james, display_name="sunny_walker")
    response = signup(fresh_client(), email="new@example.org", username="SunnyWaIker")
    assert "username" in errors_of(response)


@pytest.mark.parametrize("name", ["DrIee", "dr1ee", "Dr.Lee", "sam_", "S4m", "Sarn"])
def test_sign_up_refuses_a_username_that_passes_for_another_member(drlee, sam, name):
    # "S4m" and "Sarn": 4 is not A, but "rn" reads as "m".
    response = signup(fresh_client(), email="new@example.org", username=name)
    if name == "S4m":
        assert response.status_code == 302, errors_of(response)
        return
    assert "username" in errors_of(response), name
    assert not User.objects.filter(username=name).exists()


def test_keys_follow_renames_and_are_kept_for_every_member(maria):
    maria.display_name = "Ｍａｒｉａ Ｒ"
    maria.save(update_fields=["display_name"])
    stored = User.objects.values("username_key", "display_key").get(pk=maria.pk)
    assert stored == {"username_key": name_key("maria"), "display_key": name_key("Maria R")}
    assert name_key("ｄｒｌｅｅ") == name_key("DrIee") == name_key("dr.lee") == "drlee"


def test_validate_pseudonym_is_the_one_rule_for_both_kinds_of_name(drlee):
    with pytest.raises(Exception, match="looks too much"):
        validate_pseudonym("Dr-Lee", display=True, clinician=True)
    assert validate_pseudonym("Dr Lee", display=True, clinician=True, user=drlee) == "Dr Lee"


# --- The badge beside a verified clinician's name ---------------------------------------------


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_maria_can_tell_drlee_from_james_in_her_notifications_and_emails(
        maria, james, drlee, diabetes, committed):
    services.profile_update(user=james, display_name="Lee Fan")
    walking = publish_thread(maria, diabetes, title="Walking after dinner?", kind="discussion")
    sleeping = publish_thread(maria, diabetes, title="Sleeping well?", kind="discussion")
    with committed():
        publish_reply(drlee, walking, "A short walk helps glucose.")
    with committed():
        publish_reply(james, sleeping, "I sleep better since I walk.")
    html = client_for(maria).get("/notifications/").content.decode()
    assert "drlee (verified clinician) replied to your discussion" in html
    assert "Lee Fan replied to your discussion" in html
    assert "Lee Fan (verified clinician)" not in html
    emails = [m for m in mail.outbox if m.to == [maria.email]]
    assert emails and "drlee (verified clinician)" in emails[0].body


def test_the_thread_list_shows_the_badge_beside_a_clinicians_name(maria, drlee, diabetes):
    publish_thread(drlee, diabetes, title="Ask me about insulin", kind="discussion")
    publish_thread(maria, diabetes, title="My first week", kind="discussion")
    html = client_for(maria).get(f"/c/{diabetes.slug}/").content.decode()
    drlee_line = html.split("Ask me about insulin")[1].split("</li>")[0]
    maria_line = html.split("My first week")[1].split("</li>")[0]
    assert "Verified clinician" in drlee_line
    assert "Verified clinician" not in maria_line
    assert Thread.objects.count() == 2


def test_posts_the_profile_and_bookmarks_keep_the_badge(maria, drlee, diabetes):
    thread = publish_thread(maria, diabetes, title="Carbs", kind="question")
    reply = publish_reply(drlee, thread, "Count them per meal.")
    reader = client_for(maria)
    page = reader.get(thread.get_absolute_url()).content.decode()
    assert "Verified clinician · MD · Endocrinology" in page
    profile = reader.get("/u/drlee/").content.decode()
    assert "Verified clinician · MD · Endocrinology" in profile
    assert reader.post(f"/p/{reply.pk}/bookmark/").status_code == 302
    saved = reader.get("/bookmarks/").content.decode()
    assert "drlee <span class=\"badge clinician\">Verified clinician</span>" in saved
