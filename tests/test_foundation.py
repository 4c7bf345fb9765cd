"""The skeleton: settings for production, health checks, logging that keeps secrets out."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import ClinicianProfile, User
from community.models import Community, Membership, Thread
from hearth.lib.logging import JsonFormatter, RedactingFilter

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "community.hospital.example",
    "DATABASE_URL": "sqlite:////tmp/hearth-check.sqlite3",
    "EMAIL_URL": "smtp+tls://user:pass@mail.hospital.example:587",
    "DEFAULT_FROM_EMAIL": "Hearth <community@hospital.example>",
    "SITE_NAME": "Hospital Community",
}


def test_check_deploy_with_production_values_reports_no_warnings():
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "hearth.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' own process
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_healthz_says_which_service_is_down_when_no_worker_runs(client, db, redis_client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200  # pages serve without a worker
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["redis"] == "ok"
    assert body["celery"] == "down"


def test_healthz_reports_redis_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200  # pages serve without Redis
    assert response.json() | {"screening": "ok"} == {
        "database": "ok", "redis": "down", "celery": "down", "screening": "ok",
        "status": "degraded",
    }


def test_log_records_never_carry_an_email_address_or_a_token():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1,
        "Not Found: %s for %s", ("/email/unsubscribe/abc.DEF-123/", "maria@example.org"), None,
    )
    assert RedactingFilter().filter(record)
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert "maria@example.org" not in line
    assert "abc.DEF-123" not in line
    assert payload["level"] == "WARNING"
    assert payload["message"] == "Not Found: /email/unsubscribe/[redacted]/ for [email]"


def test_log_records_redact_passwords_in_messages():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login password=hunter22 ok", (),
                               None)
    RedactingFilter().filter(record)
    assert "hunter22" not in record.getMessage()


def test_seed_demo_creates_the_demo_people_and_communities_and_is_idempotent(db, redis_client):
    call_command("seed_demo", "--no-history", verbosity=0)
    counts = (User.objects.count(), Community.objects.count(), Thread.objects.count())
    call_command("seed_demo", "--no-history", verbosity=0)
    assert (User.objects.count(), Community.objects.count(), Thread.objects.count()) == counts
    assert set(User.objects.values_list("username", flat=True)) >= {
        "maria", "james", "drlee", "sam", "admin"}
    assert set(Community.objects.values_list("slug", flat=True)) == {
        "type-2-diabetes", "heart-health", "breast-cancer", "caregivers", "mental-health"}
    mental = Community.objects.get(slug="mental-health")
    assert mental.is_private and mental.allow_anonymous
    assert ClinicianProfile.objects.get(user__username="drlee").is_verified
    assert User.objects.get(username="admin").is_staff
    assert Membership.objects.filter(
        user__username="sam", role=Membership.Role.MODERATOR).count() == 5
    assert User.objects.get(username="maria").check_password("hearth-demo")
    for community in Community.objects.all():
        assert community.threads.filter(status=Thread.Status.PUBLISHED).exists()


def test_home_page_has_a_skip_link_landmarks_and_no_third_party_resources(client, db, settings):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    # Absolute addresses only to Hearth itself (the share card names its own image).
    own = html.replace("http://testserver", "").replace(settings.HEARTH_BASE_URL, "")
    assert "http://" not in own and "https://" not in own
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_htmx_is_served_by_hearth_itself(client, db):
    response = client.get("/static/htmx/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in b"".join(response.streaming_content)


@pytest.mark.parametrize("name", ["SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL",
                                  "REDIS_URL", "EMAIL_URL", "DEFAULT_FROM_EMAIL", "SITE_NAME",
                                  "PORT"])
def test_every_setting_is_documented_in_env_example_and_readme(name):
    assert f"{name}=" in (BASE_DIR / ".env.example").read_text()
    assert f"`{name}`" in (BASE_DIR / "README.md").read_text()
