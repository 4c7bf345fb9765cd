"""Deploying as an operator would (issue 18): configuration from .env.example, production's
refusals (no SECRET_KEY, seed_demo), `check --deploy`, exports kept where every web node reads
them (an S3-compatible server), the metrics endpoint kept private, and every process logging
one JSON object a line. The compose stack itself is tested by `make deploy-smoke`."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import DataExport, User
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _sep, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def clean_environment(**extra: str) -> dict[str, str]:
    """The process environment without Hearth's own settings (as on a fresh server)."""
    keep = {name: value for name, value in os.environ.items()
            if name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")}
    return {**keep, "PYTHONPATH": str(ROOT), **extra}


def manage(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=timeout)


PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "x" * 20 + secrets.token_urlsafe(40),
    "ALLOWED_HOSTS": "hearth.example.org",
    "DATABASE_URL": "sqlite:////tmp/hearth-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


# --- Configuration --------------------------------------------------------------------------


def test_the_env_example_as_copied_runs_every_manage_py_command():
    """`cp .env.example .env`: its empty DATABASE_URL= and REDIS_URL= mean the defaults."""
    values = env_example()
    assert values["DATABASE_URL"] == ""  # the case that broke every command
    result = manage("check", env=clean_environment(**values))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no issues" in result.stdout


def test_without_a_secret_key_production_refuses_to_start():
    result = manage("check", env=clean_environment(**{**PRODUCTION, "SECRET_KEY": ""}))
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    env=clean_environment(**PRODUCTION))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "System check identified no issues" in result.stdout


def test_seed_demo_refuses_in_production_unless_forced(db, settings):
    settings.DEBUG = False
    settings.HEARTH_DEMO = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="Refusing to seed demo data in production"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.filter(username="admin").exists()


# --- Exports in an S3-compatible bucket -----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_bucket(settings, monkeypatch):
    """A local S3-compatible server (moto's), and the exports storage pointed at it as the
    EXPORTS_S3_* settings would."""
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {"AWS_ACCESS_KEY_ID": "hearth", "AWS_SECRET_ACCESS_KEY": "hearth-secret",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="hearth-exports")
    settings.STORAGES = {**settings.STORAGES, "exports": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "hearth-exports", "endpoint_url": endpoint,
                    "default_acl": "private", "file_overwrite": False},
    }}
    try:
        yield client
    finally:
        server.stop()


def test_an_export_built_by_the_worker_is_kept_in_the_bucket_and_downloaded_from_it(
        maria, s3_bucket, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path  # nothing may land on this node's disk
    # given maria asks for her data; the task (eager here) builds the archive
    client = client_for(maria)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/settings/data/export/").status_code == 302
    export = DataExport.objects.get(user=maria)
    assert export.status == DataExport.Status.READY
    # then the archive is an object in the bucket, not a file on this node
    keys = [item["Key"] for item in
            s3_bucket.list_objects_v2(Bucket="hearth-exports").get("Contents", [])]
    assert keys == [f"exports/{export.file_name}"]
    assert not any(tmp_path.rglob("*.json"))
    # and she downloads it (from any web node: they all read the bucket)
    response = client.get(f"/settings/data/export/{export.pk}/download/")
    assert response.status_code == 200
    assert json.loads(b"".join(response.streaming_content))["profile"]["username"] == "maria"
    # and an object gone from the bucket is a 404, not an error
    s3_bucket.delete_object(Bucket="hearth-exports", Key=f"exports/{export.file_name}")
    assert client.get(f"/settings/data/export/{export.pk}/download/").status_code == 404


# --- Metrics ----------------------------------------------------------------------------------


def test_metrics_are_a_404_for_everyone_but_the_scraper(maria, admin, settings):
    from django.test import Client

    assert Client().get("/metrics").status_code == 404
    assert client_for(maria).get("/metrics").status_code == 404
    assert client_for(admin).get("/metrics").status_code == 404  # staff is not the scraper
    settings.METRICS_TOKEN = "scrape-" + secrets.token_urlsafe(16)
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.1").get("/metrics").status_code == 404


# --- Logs: one JSON object a line -----------------------------------------------------------


def _json_lines(text: str) -> list[dict]:
    records = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            pytest.fail(f"not a JSON line: {line[:200]!r}")
        assert isinstance(record, dict), line
        assert "\x1b" not in line, f"terminal colour codes: {line[:200]!r}"
        records.append(record)
    return records


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    pytest.fail(f"{what} within {timeout:.0f} s")


def test_uvicorn_worker_and_beat_log_json_only_and_beat_holds_its_lock(
        redis_client, tmp_path):
    """Production's processes, started as the compose file starts them: every line each
    writes (banners, uvicorn's access and error logs, Celery's) is one JSON object; beat
    takes its lock in Redis and the worker's and beat's health probes pass."""
    from django.conf import settings

    prefix = f"hearth-logtest-{secrets.token_hex(4)}"
    port = _free_port()
    env = clean_environment(**{
        **PRODUCTION, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "False",
        "REDIS_URL": settings.REDIS_URL, "CACHE_KEY_PREFIX": prefix, "CHANNEL_PREFIX": prefix,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
        "HEARTH_SCREENING_MODEL": "stub", "STATIC_ROOT": str(tmp_path / "no-static"),
    })
    celery = [PYTHON, "-m", "celery", "-A", "hearth", "--quiet"]
    processes = {
        "web": _start([PYTHON, "-m", "uvicorn", "hearth.asgi:application", "--host",
                       "127.0.0.1", "--port", str(port), "--no-proxy-headers", "--log-config",
                       "hearth/uvicorn_logging.json"], env, tmp_path / "web.log"),
        "worker": _start([*celery, "worker", "--loglevel", "INFO", "--pool", "solo",
                          "--hostname", f"celery@{socket.gethostname()}"],
                         env, tmp_path / "worker.log"),
        "beat": _start([*celery, "beat", "--loglevel", "INFO"], env, tmp_path / "beat.log"),
    }
    try:
        import urllib.request

        def web_answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live",
                                            timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        _wait_for(web_answers, 60, "uvicorn answered /healthz/live")
        # a request for an unknown host: logged (as JSON), answered 400
        request = urllib.request.Request(f"http://127.0.0.1:{port}/",
                                         headers={"Host": "elsewhere.example"})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=5)
        lock = f"{prefix}:redbeat::lock"
        _wait_for(lambda: redis_client.exists(lock), 60, "beat took its lock in Redis")
        probe_env = {**env}
        _wait_for(lambda: subprocess.run([PYTHON, "-m", "hearth.probe", "worker"], cwd=ROOT,
                                         env=probe_env).returncode == 0,
                  60, "the worker's probe passed")
        assert subprocess.run([PYTHON, "-m", "hearth.probe", "beat"], cwd=ROOT,
                              env=probe_env).returncode == 0
    finally:
        for process in processes.values():
            _stop(process)
        for key in redis_client.scan_iter(f"{prefix}*"):
            redis_client.delete(key)
    web = _json_lines((tmp_path / "web.log").read_text())
    worker = _json_lines((tmp_path / "worker.log").read_text())
    beat = _json_lines((tmp_path / "beat.log").read_text())
    assert any(r["logger"] == "uvicorn.error" and "Started server" in r["message"] for r in web)
    assert any(r["logger"] == "uvicorn.access" for r in web)
    assert any(r["logger"] == "django.security.DisallowedHost" for r in web)
    assert not any("color_message" in r for r in web)
    assert any("ready" in r["message"] for r in worker), worker
    assert any(re.search(r"beat", r["logger"] + r["message"]) for r in beat), beat
    assert not any(r["logger"] == "py.warnings" for r in web) or all(
        "No directory at" in r["message"] for r in web if r["logger"] == "py.warnings")


# --- Redis roles and error reports ----------------------------------------------------------


def test_each_redis_role_may_have_its_own_url():
    code = ("from django.conf import settings as s; import json; print(json.dumps(["
            "s.CACHES['default']['LOCATION'], s.CELERY_BROKER_URL, "
            "s.CHANNEL_LAYERS['default']['CONFIG']['hosts'][0], s.REDIS_URL, "
            "s.CELERY_REDBEAT_REDIS_URL]))")
    roles = {"REDIS_URL": "redis://main:6379/0", "CACHE_REDIS_URL": "redis://cache:6379/0",
             "CELERY_BROKER_URL": "redis://queue:6379/0",
             "CHANNEL_REDIS_URL": "redis://live:6379/0"}
    env = clean_environment(DJANGO_SETTINGS_MODULE="hearth.settings", **roles)
    result = subprocess.run([PYTHON, "-c", "import django; django.setup(); " + code],
                            cwd=ROOT, env=env, text=True, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.splitlines()[-1]) == [
        "redis://cache:6379/0", "redis://queue:6379/0", "redis://live:6379/0",
        "redis://main:6379/0", "redis://queue:6379/0"]
    # and with REDIS_URL alone (or the others empty, as .env.example leaves them) every role
    # uses it
    env = clean_environment(DJANGO_SETTINGS_MODULE="hearth.settings",
                            REDIS_URL="redis://main:6379/0", CACHE_REDIS_URL="",
                            CELERY_BROKER_URL="", CHANNEL_REDIS_URL="")
    result = subprocess.run([PYTHON, "-c", "import django; django.setup(); " + code],
                            cwd=ROOT, env=env, text=True, capture_output=True, timeout=60)
    assert set(json.loads(result.stdout.splitlines()[-1])) == {"redis://main:6379/0"}


def test_error_reports_are_redacted_like_the_logs():
    from hearth.lib.logging import sentry_before_send

    event = {
        "exception": {"values": [{"type": "ValueError",
                                  "value": "no account for maria@example.org"}]},
        "logentry": {"message": "reset for %s", "params": ["maria@example.org"]},
        "request": {"url": "https://forum.example.org/email/unsubscribe/abc.def-123/",
                    "query_string": "token=s3cr3t", "data": {"body": "a private post"}},
    }
    sent = sentry_before_send(event, {})
    text = json.dumps(sent)
    for secret in ("maria@example.org", "abc.def-123", "s3cr3t", "a private post"):
        assert secret not in text


# --- The compose file and the image's context ------------------------------------------------


def compose() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_compose_file_publishes_only_the_proxy_and_checks_every_service():
    services = compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}, "only the TLS proxy may publish ports (web scales)"
    unchecked = {name for name, service in services.items() if "healthcheck" not in service}
    assert not unchecked, f"services without a health check: {unchecked}"
    worker_test = " ".join(services["worker"]["healthcheck"]["test"])
    assert "$$HOSTNAME" not in worker_test and "hearth.probe worker" in worker_test


def test_the_compose_file_reads_settings_from_env_and_shares_exports():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "required:" not in text  # env_file's `required` needs Compose >= 2.24
    services = compose()["services"]
    environment = services["web"]["environment"]
    for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL"):
        assert environment[name].startswith("${" + name + ":-"), f"{name} is fixed"
    for name in ("web", "worker"):
        assert "media:/app/var/media" in services[name]["volumes"]
    for name in ("worker", "beat"):
        assert "--quiet" in services[name]["command"]


def test_the_image_leaves_out_secrets_history_and_local_data():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".env", ".git", ".venv", "var"} <= ignored
    assert "ARG BASE_IMAGE" in (ROOT / "Dockerfile").read_text()
