"""Expert Q&A events driven in Chromium as the people would: sam, a moderator, hides and
orders questions that arrived on his page over the socket, and every open page follows; the
staff member cancels an event on its edit screen and maria, registered and reading in Spanish,
sees the page change and finds the email in the mail folder."""

from __future__ import annotations

import datetime
import time
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(db):
    from accounts.models import ClinicianProfile
    from community.models import Membership
    from tests.browser.conftest import valid_npi
    from tests.conftest import join, make_community, make_user

    diabetes = make_community("type-2-diabetes")
    maria, james, drlee = make_user("maria"), make_user("james"), make_user("drlee")
    sam, admin = make_user("sam"), make_user("admin", staff=True)
    ClinicianProfile.objects.create(user=drlee, credentials="MD", specialty="Endocrinology",
                                    organisation="Hearth General", npi=valid_npi("123456789"),
                                    status=ClinicianProfile.Status.VERIFIED)
    for person in (maria, james, drlee):
        join(person, diabetes)
    join(sam, diabetes, role=Membership.Role.MODERATOR)
    return {"diabetes": diabetes, "maria": maria, "james": james, "drlee": drlee, "sam": sam,
            "admin": admin}


def _event(people, *, starts_in: datetime.timedelta):
    from events import services

    start = timezone.now() + starts_in
    return services.event_schedule(by=people["admin"], community=people["diabetes"],
                                   title="Ask Dr. Lee", expert=people["drlee"],
                                   starts_at=start, ends_at=start + datetime.timedelta(hours=2))


def _ask(page, text: str) -> None:
    page.locator("#id_body").press_sequentially(text, delay=25)
    page.get_by_role("button", name="Send my question").click()
    page.locator(".event-question", has_text=text).wait_for()


def test_a_moderator_hides_and_orders_questions_that_arrived_live(browser, asgi_server,
                                                                  people):
    event = _event(people, starts_in=-datetime.timedelta(minutes=5))
    url = f"{asgi_server}{event.get_absolute_url()}"
    moderator = browser.new_page()
    sign_in(moderator, asgi_server, "sam")
    moderator.goto(url)
    asker = browser.new_page()
    sign_in(asker, asgi_server, "maria")
    asker.goto(url)
    other = browser.new_page()
    sign_in(other, asgi_server, "james")
    other.goto(url)
    moderator.wait_for_timeout(1500)  # the sockets are open

    _ask(asker, "Should I skip breakfast before my blood test?")
    _ask(other, "Which shoes are best for walking?")
    # both arrive on sam's page with his controls, which work as if the page had them
    live_q = moderator.locator(".event-question", has_text="skip breakfast")
    live_q.wait_for(timeout=10000)
    moderator.locator(".event-question", has_text="shoes").wait_for(timeout=10000)
    hide = live_q.get_by_role("button", name="Hide")
    assert hide.is_visible()
    # maria sees james's question arrive with a vote button and no moderator's tools
    arrived = asker.locator(".event-question", has_text="shoes")
    arrived.wait_for(timeout=10000)
    assert arrived.get_by_role("button", name="Vote up").is_visible()
    assert arrived.get_by_role("button", name="Hide").count() == 0
    assert asker.locator(".event-question", has_text="skip breakfast").get_by_role(
        "button", name="Vote up").count() == 0  # not on her own question

    hide.focus()
    moderator.keyboard.press("Enter")
    moderator.wait_for_url(lambda u: "#questions" in u)
    # gone from every open page without a reload, and from sam's after his
    for page in (asker, other):
        page.locator(".event-question", has_text="skip breakfast").wait_for(
            state="detached", timeout=10000)
    assert moderator.locator(".event-question", has_text="skip breakfast").get_by_text(
        "Hidden by a moderator.").is_visible()

    # a third question arrives live on sam's reloaded page; he puts it first
    moderator.wait_for_timeout(1500)
    _ask(asker, "Can I walk after insulin?")
    late = moderator.locator(".event-question", has_text="after insulin")
    late.wait_for(timeout=10000)
    order = late.get_by_label("Order")
    order.press_sequentially("1", delay=50)
    order.press("Enter")
    moderator.wait_for_url(lambda u: "#questions" in u)
    for page in (asker, other):
        page.locator(".event-question").first.filter(has_text="after insulin").wait_for(
            timeout=10000)
    assert moderator.locator(".event-question").first.inner_text().find("after insulin") >= 0
    for page in (moderator, asker, other):
        page.context.close()


def test_staff_cancel_an_event_and_a_registered_member_gets_the_email(
        browser, asgi_server, people, settings, tmp_path):
    from events.services import event_register
    from notifications.models import Outbox
    from notifications.services import outbox_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    people["maria"].language = "es"
    people["maria"].save(update_fields=["language"])
    event = _event(people, starts_in=datetime.timedelta(days=2))
    event_register(user=people["maria"], event=event)
    context = browser.new_context(locale="es-ES")
    reader = context.new_page()
    sign_in(reader, asgi_server, "maria")
    reader.goto(f"{asgi_server}{event.get_absolute_url()}")
    reader.get_by_text("Está inscrito", exact=False).first.wait_for()
    reader.wait_for_timeout(1500)  # the socket is open

    staff = browser.new_page()
    sign_in(staff, asgi_server, "admin")
    staff.goto(f"{asgi_server}{event.get_absolute_url()}")
    staff.get_by_role("link", name="Edit or cancel the event").click()
    staff.get_by_role("heading", name="Edit the event").wait_for()
    staff.get_by_label("Why (shown in the email, optional)").press_sequentially(
        "Dr. Lee is unwell.", delay=25)
    staff.get_by_role("button", name="Cancel the event").click()
    staff.get_by_text("The event is cancelled. 1 registered member will get an email.").wait_for()
    assert staff.get_by_role("link", name="Edit or cancel the event").count() == 0

    # maria's open page reloads itself and says so, in Spanish
    reader.get_by_text("Este evento se ha cancelado.").wait_for(timeout=10000)
    assert reader.get_by_role("button", name="Inscribirme").count() == 0

    deadline = time.monotonic() + 10
    while not list(tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.2)
    if not list(tmp_path.iterdir()):  # no worker sent it: the outbox still holds it
        outbox_send(Outbox.objects.filter(status="pending").values_list("pk", flat=True))
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    mail = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert mail["To"] == people["maria"].email
    assert "Cancelada" in mail["Subject"] and "Ask Dr. Lee" in mail["Subject"]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "se ha cancelado" in body and "Dr. Lee is unwell." in body
    staff.context.close()
    context.close()


def test_the_edit_screen_and_a_cancelled_event_pass_axe_in_spanish(browser, asgi_server,
                                                                   axe_source, people):
    from events.services import event_cancel

    event = _event(people, starts_in=datetime.timedelta(days=2))
    gone = _event(people, starts_in=datetime.timedelta(days=3))
    event_cancel(by=people["admin"], event=gone, reason="")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-ES")
    page = context.new_page()
    sign_in(page, asgi_server, "admin")
    found = {}
    for path in (f"/events/{event.pk}/edit/", event.get_absolute_url(), gone.get_absolute_url()):
        response = page.goto(f"{asgi_server}{path}")
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.lang") == "es", path
        violations = axe_violations(page, axe_source)
        if violations:
            found[path] = violations
    context.close()
    assert not found, found


def test_a_welcomed_member_reads_the_welcome_once_and_the_mentor_sees_it_counted(
        browser, asgi_server, axe_source, people):
    from mentors.models import MentorApplication
    from mentors.services import welcome_send
    from tests.conftest import join, make_user

    MentorApplication.objects.create(user=people["james"], community=people["diabetes"],
                                     motivation="Happy to help", status="approved")
    newcomer = make_user("newcomer", days=1)
    join(newcomer, people["diabetes"])
    welcome_send(mentor=people["james"], member=newcomer, community=people["diabetes"],
                 body="Welcome! The walking group meets on Mondays.")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-ES")
    page = context.new_page()
    sign_in(page, asgi_server, "newcomer")
    notice = page.locator("[data-welcome]")
    notice.get_by_text("walking group meets on Mondays").wait_for()
    assert not axe_violations(page, axe_source)
    thanks = notice.get_by_role("button", name="Gracias, ya lo he leído")
    thanks.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("[data-welcome]").wait_for(state="detached")
    context.close()
    # signing in again: read, so not shown again
    again = browser.new_page()
    sign_in(again, asgi_server, "newcomer")
    again.goto(f"{asgi_server}/c/type-2-diabetes/")
    assert again.locator("[data-welcome]").count() == 0
    again.context.close()
    # james finds his impact from his queue, in Spanish, accessible
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-ES")
    mentor = context.new_page()
    sign_in(mentor, asgi_server, "james")
    mentor.goto(f"{asgi_server}/c/type-2-diabetes/mentors/")
    mentor.get_by_role("link", name="Su impacto", exact=False).click()
    row = mentor.locator('[data-impact="mentor"] tr[data-figure="welcomes"]')
    assert row.locator("td").first.inner_text() == "1"
    assert not axe_violations(mentor, axe_source)
    context.close()
