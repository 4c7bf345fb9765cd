"""The library, expert Q&A events and volunteer mentors, driven in Chromium as people would:
drlee writes and publishes an article in both languages and watches its reading level; maria
registers for an event, gets the reminder email (a file, with the .ics), asks, and sees the
answer arrive live; james, a mentor, welcomes a newcomer. Every new page passes axe in
Spanish."""

from __future__ import annotations

import datetime
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EN_BODY = "Walk for ten minutes after you eat. It helps your sugar. Take water with you."
ES_BODY = "Camine diez minutos después de comer. Le ayuda con el azúcar. Lleve agua."


@pytest.fixture
def people(db):
    from accounts.models import ClinicianProfile
    from tests.browser.conftest import valid_npi
    from tests.conftest import join, make_community, make_user

    diabetes = make_community("type-2-diabetes")
    maria, james, drlee = make_user("maria"), make_user("james"), make_user("drlee")
    admin = make_user("admin", staff=True)
    ClinicianProfile.objects.create(user=drlee, credentials="MD", specialty="Endocrinology",
                                    organisation="Hearth General", npi=valid_npi("123456789"),
                                    status=ClinicianProfile.Status.VERIFIED)
    for person in (maria, james, drlee):
        join(person, diabetes)
    return {"diabetes": diabetes, "maria": maria, "james": james, "drlee": drlee,
            "admin": admin}


def _type(page, selector: str, text: str) -> None:
    page.locator(selector).press_sequentially(text, delay=30)


def test_a_clinician_writes_and_publishes_an_article_in_both_languages(browser, asgi_server,
                                                                       people):
    page = browser.new_page()
    sign_in(page, asgi_server, "drlee")
    page.goto(f"{asgi_server}/c/type-2-diabetes/learn/")
    page.get_by_role("link", name="Write an article").click()
    _type(page, "#id_title", "Walking after meals")
    _type(page, "#id_body", EN_BODY)
    page.wait_for_timeout(2000)  # the reading level is checked once typing pauses
    level = page.locator("#reading-level")
    level.get_by_text("Flesch-Kincaid").wait_for(timeout=10000)
    assert "Within the target of grade 8" in level.inner_text()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Publish").click()
    page.locator("[data-article-status]", has_text="Published").wait_for()
    page.get_by_role("link", name="Write the Spanish version").click()
    page.locator("#id_title").fill("")
    _type(page, "#id_title", "Caminar después de comer")
    _type(page, "#id_body", ES_BODY)
    page.wait_for_timeout(2000)
    page.locator("#reading-level").get_by_text("Fernández Huerta").wait_for(timeout=10000)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Publish").click()
    page.locator("[data-article-status]", has_text="Published").wait_for()
    page.context.close()

    # maria reads in Spanish: the library lists the Spanish version, which links the English
    context = browser.new_context(locale="es-ES")
    reader = context.new_page()
    sign_in(reader, asgi_server, "maria")
    reader.goto(f"{asgi_server}/c/type-2-diabetes/learn/")
    reader.get_by_role("link", name="Caminar después de comer").click()
    assert "Camine diez minutos" in reader.locator("main").inner_text()
    reader.get_by_role("button", name="Sí").click()
    reader.get_by_text("Ya respondió").wait_for()
    context.close()


def test_a_patient_registers_gets_the_reminder_asks_and_sees_the_answer_live(
        browser, asgi_server, people, settings, tmp_path):
    from events import services as events
    from notifications.models import Outbox
    from notifications.services import outbox_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    start = timezone.now() + datetime.timedelta(hours=20)
    event = events.event_schedule(by=people["admin"], community=people["diabetes"],
                                  title="Ask Dr. Lee", expert=people["drlee"], starts_at=start,
                                  ends_at=start + datetime.timedelta(hours=1))
    page = browser.new_page()
    sign_in(page, asgi_server, "maria")
    page.goto(f"{asgi_server}/c/type-2-diabetes/events/")
    page.get_by_role("link", name="Ask Dr. Lee").click()
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You are registered.").first.wait_for()
    # the day-before reminder, through the outbox, lands as a file with its calendar
    assert events.reminders_send() == 1
    outbox_send(Outbox.objects.values_list("pk", flat=True))
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    mail = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert "Ask Dr. Lee" in mail["Subject"]
    assert any(part.get_filename() == "event.ics" for part in mail.walk())
    # she asks; the question appears for her
    _type(page, "#id_body", "Can I walk right after my insulin?")
    page.get_by_role("button", name="Send my question").click()
    question = page.locator(".event-question", has_text="right after my insulin")
    question.wait_for()
    page.wait_for_timeout(1500)  # the socket is open before the expert answers
    # drlee answers on his own page; maria's page shows it without a reload
    expert = browser.new_page()
    sign_in(expert, asgi_server, "drlee")
    expert.goto(f"{asgi_server}{event.get_absolute_url()}")
    expert.locator("textarea[name=answer]").first.press_sequentially(
        "Yes, and carry a snack.", delay=30)
    expert.get_by_role("button", name="Answer").first.click()
    question.locator(".event-answer", has_text="carry a snack").wait_for(timeout=10000)
    expert.context.close()
    page.context.close()


def test_a_mentor_welcomes_a_new_member(browser, asgi_server, people):
    from mentors.models import MentorApplication
    from tests.conftest import join, make_user

    MentorApplication.objects.create(user=people["james"], community=people["diabetes"],
                                     motivation="Happy to help", status="approved")
    newcomer = make_user("newcomer", days=1)
    join(newcomer, people["diabetes"])
    page = browser.new_page()
    sign_in(page, asgi_server, "james")
    page.goto(f"{asgi_server}/c/type-2-diabetes/mentors/")
    page.get_by_role("link", name="Welcome newcomer").click()
    body = page.locator("#id_body")
    assert "volunteer mentor here" in body.input_value()
    body.press("End")
    body.press_sequentially(" See you around!", delay=30)
    page.get_by_role("button", name="Send the welcome").click()
    page.get_by_text("Welcome sent.").wait_for()
    page.context.close()
    reader = browser.new_page()
    sign_in(reader, asgi_server, "newcomer")  # the first page after signing in shows it
    reader.get_by_text("See you around!").wait_for()
    reader.context.close()


def test_the_new_pages_pass_axe_in_spanish(browser, asgi_server, axe_source, people):
    from events import services as events
    from learn import services as learn
    from mentors.models import MentorApplication
    from tests.conftest import join, make_user

    article = learn.article_create(author=people["drlee"], community=people["diabetes"],
                                   title="Caminar", body=ES_BODY, language="es",
                                   sources="https://www.cdc.gov/")
    learn.article_publish(actor=people["drlee"], article=article)
    start = timezone.now() + datetime.timedelta(days=1)
    event = events.event_schedule(by=people["admin"], community=people["diabetes"],
                                  title="Preguntas", expert=people["drlee"], starts_at=start,
                                  ends_at=start + datetime.timedelta(hours=1))
    events.question_ask(author=people["maria"], event=event, body="¿Puedo caminar?")
    MentorApplication.objects.create(user=people["james"], community=people["diabetes"],
                                     motivation="Ayudar", status="approved")
    join(make_user("nuevo", days=1), people["diabetes"])
    plan = {
        "maria": ["/c/type-2-diabetes/learn/", article.get_absolute_url(),
                  f"/learn/{article.pk}/ask/", "/c/type-2-diabetes/events/",
                  event.get_absolute_url(), "/c/type-2-diabetes/mentors/apply/",
                  "/search/?q=caminar"],
        "drlee": [f"/learn/{article.pk}/edit/", "/learn/new/", event.get_absolute_url()],
        "admin": ["/c/type-2-diabetes/events/new/", "/mentors/review/"],
        "james": ["/c/type-2-diabetes/mentors/", "/c/type-2-diabetes/mentors/welcome/nuevo/"],
    }
    found = {}
    for person, paths in plan.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-ES")
        page = context.new_page()
        sign_in(page, asgi_server, person)
        for path in paths:
            response = page.goto(f"{asgi_server}{path}")
            assert response.status == 200, (person, path, response.status)
            assert page.evaluate("document.documentElement.lang") == "es", (person, path)
            violations = axe_violations(page, axe_source)
            if violations:
                found[f"{person} {path}"] = violations
        context.close()
    assert not found, found
