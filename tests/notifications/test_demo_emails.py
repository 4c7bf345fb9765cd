"""The demo's emails, as a newcomer meets them: `make run` writes them as files under the
project's var/mail/, and the demo has members whose digests are due."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import uuid
from email import policy
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.models import User

ROOT = Path(__file__).resolve().parents[2]
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def launcher_env(**extra: str) -> dict[str, str]:
    """The environment `make run` gives Hearth's processes on a fresh clone: nothing set but
    what hearth.run itself adds (no EMAIL_URL, no DATABASE_URL)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("EMAIL_", "DATABASE_", "DJANGO_", "HEARTH_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "hearth.settings", "PYTHONUNBUFFERED": "1",
                "HEARTH_MFA_REQUIRED": "False", "PYTHONPATH": str(ROOT)})
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
    call_command("seed_demo", verbosity=0)
    for username in DEMO_PEOPLE:
        client = Client()
        response = client.post("/accounts/login/",
                               {"login": username, "password": "hearth-demo"})
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200
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
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert User.objects.filter(username__in=["tom", "rosa"]).count() == 2
