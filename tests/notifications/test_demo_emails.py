"""The demo's emails, as a newcomer meets them: `make run` writes them as files under the
project's var/mail/, and the demo has members whose digests are due."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
import uuid
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.models import User
from accounts.services import users_seen_flush

ROOT = Path(__file__).resolve().parents[2]
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def launcher_env(**extra: str) -> dict[str, str]:
    """The environment `make run` (hearth.run) gives Hearth's processes on a fresh clone:
    nothing of this test run's (no EMAIL_URL, DATABASE_URL or test settings), plus what the
    launcher itself adds."""
    from hearth.run import demo_environment

    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("EMAIL_", "DATABASE_", "DJANGO_", "HEARTH_", "DEBUG"))}
    env = demo_environment(base)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, text=True,
                            capture_output=True, timeout=90, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


SHOW_MAIL_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.EMAIL_BACKEND); print(settings.EMAIL_FILE_PATH)"
)


def test_make_runs_default_settings_write_emails_to_var_mail_in_the_project(tmp_path):
    # Started from another folder, as the worker and web processes may be.
    backend, path = run_python(SHOW_MAIL_SETTINGS, launcher_env(), cwd=tmp_path).splitlines()
    assert backend == FILE_BACKEND
    assert Path(path) == ROOT / "var" / "mail"


@pytest.mark.parametrize(("url", "expected"), [
    ("", ROOT / "var" / "mail"),
    ("filemail://var/mail", ROOT / "var" / "mail"),
    ("filemail://var/other-mail", ROOT / "var" / "other-mail"),
    ("filemail:///tmp/hearth-mail-absolute", Path("/tmp/hearth-mail-absolute")),
])
def test_a_filemail_url_is_relative_to_the_project_or_absolute_with_three_slashes(
        tmp_path, url, expected):
    env = launcher_env(EMAIL_URL=url)
    backend, path = run_python(SHOW_MAIL_SETTINGS, env, cwd=tmp_path).splitlines()
    assert backend == FILE_BACKEND
    assert Path(path) == expected


def test_an_email_sent_with_the_default_settings_is_a_file_under_var_mail(tmp_path):
    marker = f"hearth-mail-check-{uuid.uuid4().hex}"
    code = (
        "import django; django.setup(); from django.core.mail import send_mail; "
        f"send_mail({marker!r}, 'Hello', None, ['newcomer@example.org'])"
    )
    mail_dir = ROOT / "var" / "mail"
    before = set(mail_dir.glob("*")) if mail_dir.exists() else set()
    run_python(code, launcher_env(), cwd=tmp_path)
    written = [path for path in set(mail_dir.glob("*")) - before
               if marker in path.read_text(errors="replace")]
    try:
        assert len(written) == 1
        message = email.message_from_string(written[0].read_text(), policy=policy.default)
        assert message["To"] == "newcomer@example.org"
    finally:
        for path in written:
            path.unlink()
    # Nothing under a folder named after the absolute path (the old bug), nor under the cwd.
    assert not (ROOT / str(ROOT).lstrip("/")).exists()
    assert not (tmp_path / "var").exists()


# --- Digests on a fresh demo ---------------------------------------------------------------

DEMO_PEOPLE = ("maria", "james", "drlee", "sam", "admin")


def file_messages(folder: Path) -> list[email.message.EmailMessage]:
    """The messages Django's file backend wrote (several per file, each ending in a line of
    dashes)."""
    return [
        email.message_from_string(chunk, policy=policy.default)
        for path in sorted(folder.glob("*.log"))
        for chunk in path.read_text().split("\n" + "-" * 79 + "\n")
        if chunk.strip()
    ]


@pytest.mark.django_db
def test_a_fresh_demo_has_digests_due_even_after_trying_every_demo_account(tmp_path):
    # given: the demo, and a newcomer who signs in as each demo person to look around
    call_command("seed_demo", "--no-history", verbosity=0)
    for username in DEMO_PEOPLE:
        client = Client()
        response = client.post("/accounts/login/",
                               {"login": username, "password": "hearth-demo"})
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200
    users_seen_flush()  # beat's minute flush of last-seen times (no write on a page view)
    assert all(User.objects.get(username=u).last_seen_at for u in DEMO_PEOPLE)
    # when: they send the digests by hand, with the file backend of `make run`
    with override_settings(EMAIL_BACKEND=FILE_BACKEND, EMAIL_FILE_PATH=str(tmp_path)):
        call_command("send_digests", "--now", verbosity=0)
    # then: digests are files in the mail folder, for members who stayed away
    digests = [m for m in file_messages(tmp_path) if m["Precedence"] == "bulk"]
    recipients = {str(m["To"]) for m in digests}
    assert {"tom@example.org", "rosa@example.org"} <= recipients
    daily = next(m for m in digests if m["To"] == "tom@example.org")
    assert "Your daily Hearth digest" in str(daily["Subject"])
    text = daily.get_body(("plain",)).get_content()
    assert "Caregivers" in text and "Taking a break without guilt" in text
    assert daily.get_body(("html",)) is not None
    weekly = next(m for m in digests if m["To"] == "rosa@example.org")
    assert "semanal" in str(weekly["Subject"])  # rosa reads Hearth in Spanish


@pytest.mark.django_db
def test_seeding_the_demo_twice_adds_no_second_away_member():
    call_command("seed_demo", "--no-history", verbosity=0)
    call_command("seed_demo", "--no-history", verbosity=0)
    assert User.objects.filter(username__in=["tom", "rosa"]).count() == 2


# --- Every email names the site and its host, has an HTML part, in the member's language ----

GOOD_PASSWORD = "quiet-harbour-lanterns-7"


def sign_up(client: Client, email_address: str, username: str):
    return client.post("/accounts/signup/", {
        "email": email_address, "username": username,
        "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD,
    })


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_hearths_email(message, *, hello: str) -> str:
    """Names SITE_NAME and BASE_URL's host, never example.com; an HTML part in Hearth's
    email layout with the CSS inlined. Returns the HTML."""
    host = urlsplit(settings.HEARTH_BASE_URL).netloc
    html = html_part(message)
    assert message.subject.startswith(f"[{settings.SITE_NAME}] ")
    assert hello in message.body and hello in html
    assert host in message.body and host in html
    assert "example.com" not in message.body + html
    assert "<style" not in html and 'style="' in html  # inlined, as notifications' emails
    assert "#2f6f73" in html  # Hearth's email colours
    assert "<img" not in html
    return html


@pytest.mark.django_db
def test_the_verification_email_names_hearth_and_its_host_with_an_html_part(mailoutbox):
    response = sign_up(Client(), "newcomer@example.org", "QuietOtter7")
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == ["newcomer@example.org"]
    html = assert_hearths_email(message, hello="Hello from Hearth!")
    assert "Welcome to Hearth, QuietOtter7!" in message.body
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    assert f'href="{link}"' in html
    assert "Confirm your email address" in html


@pytest.mark.django_db
def test_signing_up_from_a_spanish_page_sends_the_verification_in_spanish(mailoutbox):
    client = Client(headers={"accept-language": "es"})
    assert sign_up(client, "nueva@example.org", "CalmHeron4").status_code == 302
    [message] = mailoutbox
    assert_hearths_email(message, hello="¡Hola desde Hearth!")
    assert "Le damos la bienvenida a Hearth" in message.body
    assert 'lang="es"' in html_part(message)
    # Their later emails (replies, digests) have no page to take a language from.
    assert User.objects.get(username="CalmHeron4").language == "es"


@pytest.mark.django_db
def test_signing_up_from_an_english_page_leaves_the_language_to_the_browser(mailoutbox):
    client = Client(headers={"accept-language": "en-GB"})
    assert sign_up(client, "newcomer@example.org", "QuietOtter7").status_code == 302
    assert User.objects.get(username="QuietOtter7").language == ""


@pytest.mark.django_db
def test_a_password_reset_follows_the_members_language_not_the_pages(maria, mailoutbox):
    maria.language = "es"
    maria.save(update_fields=["language"])
    response = Client(headers={"accept-language": "en"}).post(
        "/accounts/password/reset/", {"email": "maria@example.org"})
    assert response.status_code == 302
    [message] = mailoutbox
    html = assert_hearths_email(message, hello="¡Hola desde Hearth!")
    assert "contraseña" in message.subject.lower()
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", message.body).group(0)
    assert f'href="{link}"' in html


@pytest.mark.django_db
def test_an_english_member_gets_the_reset_in_english(james, mailoutbox):
    Client().post("/accounts/password/reset/", {"email": "james@example.org"})
    [message] = mailoutbox
    assert_hearths_email(message, hello="Hello from Hearth!")
    assert "In case you forgot, your username is james." in message.body


@pytest.mark.django_db
def test_signing_up_with_a_taken_address_emails_its_owner_in_their_language(maria,
                                                                           mailoutbox):
    maria.language = "es"
    maria.save(update_fields=["language"])
    response = sign_up(Client(), "maria@example.org", "BraveFinch2")
    assert response.status_code == 302  # the same answer as a new address (no enumeration)
    [message] = mailoutbox
    assert message.to == ["maria@example.org"]
    html = assert_hearths_email(message, hello="¡Hola desde Hearth!")
    assert "/accounts/password/reset/" in html  # the text's link, clickable in the HTML


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_is_answered_in_the_language_of_the_page(mailoutbox):
    Client(headers={"accept-language": "es"}).post("/accounts/password/reset/",
                                                   {"email": "nobody@example.org"})
    [message] = mailoutbox
    html = assert_hearths_email(message, hello="¡Hola desde Hearth!")
    assert "/accounts/signup/" in html


@pytest.mark.django_db
def test_the_sites_framework_names_hearth_and_its_host():
    site = Site.objects.get_current()
    assert site.name == settings.SITE_NAME
    assert site.domain == urlsplit(settings.HEARTH_BASE_URL).netloc


@pytest.mark.django_db
def test_hearths_own_reply_email_names_the_site_and_its_host_in_the_members_language(
        maria, james, diabetes, mailoutbox, django_capture_on_commit_callbacks):
    from tests.conftest import publish_reply, publish_thread

    maria.language = "es"
    maria.save(update_fields=["language"])
    thread = publish_thread(maria, diabetes, title="Night-time lows")
    with django_capture_on_commit_callbacks(execute=True):
        publish_reply(james, thread, "Same here.")
    [message] = mailoutbox
    html = html_part(message)
    host = urlsplit(settings.HEARTH_BASE_URL).netloc
    assert settings.SITE_NAME in html and host in html and host in message.body
    assert 'lang="es"' in html and "Hola" in message.body


@pytest.mark.django_db
def test_the_crisis_alert_to_the_on_call_address_has_an_html_part_in_hearths_layout(
        diabetes, settings, mailoutbox):
    from moderation.models import ModerationItem
    from moderation.services import crisis_alert_send

    settings.HEARTH_CRISIS_ONCALL_EMAIL = "oncall@example.org"
    item = ModerationItem.objects.create(kind=ModerationItem.Kind.CRISIS, community=diabetes,
                                         reason="crisis")
    assert crisis_alert_send(item_id=item.pk)
    [message] = mailoutbox
    assert message.to == ["oncall@example.org"]
    assert message.subject == "[Hearth] Crisis item needs a person now"
    queue = f"{settings.HEARTH_BASE_URL}/moderation/?kind=crisis"
    assert queue in message.body and "Type 2 Diabetes" in message.body
    html = html_part(message)
    assert f'href="{queue}"' in html and "#2f6f73" in html and "<style" not in html
