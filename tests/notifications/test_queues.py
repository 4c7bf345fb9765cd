"""Fan-out and mail have Celery queues of their own (issue 24), so that screening a post never
waits behind a fan-out to thousands of followers or a morning's digests; and every worker
Hearth starts (make run, docker compose, Kubernetes) consumes all of the queues."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from hearth.celery import app

ROOT = Path(__file__).resolve().parents[2]


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(("task", "queue"), [
    ("notifications.tasks.notifications_for_post", "fanout"),
    ("notifications.tasks.notifications_for_reaction", "fanout"),
    ("notifications.tasks.notifications_for_accepted", "fanout"),
    ("notifications.tasks.notifications_fanout_sweep", "fanout"),
    ("notifications.tasks.outbox_send_batch", "mail"),
    ("notifications.tasks.outbox_sweep", "mail"),
    ("notifications.tasks.digest_build_batch", "mail"),
    ("notifications.tasks.digests_queue_due", "mail"),
    ("moderation.tasks.post_screen", "celery"),
    ("moderation.tasks.sweep_unscreened", "celery"),
])
def test_each_task_goes_to_its_queue(task, queue):
    assert queue_of(task) == queue


def test_a_queued_fan_out_lands_on_the_fanout_list_in_redis(redis_client):
    from notifications.tasks import notifications_for_post

    app.conf.task_always_eager = False
    redis_client.delete("fanout", "celery")
    try:
        notifications_for_post.delay(0)
    finally:
        app.conf.task_always_eager = True
    try:
        assert redis_client.llen("fanout") == 1
        assert redis_client.llen("celery") == 0
        body = json.loads(redis_client.lindex("fanout", 0))
        assert body["headers"]["task"] == "notifications.tasks.notifications_for_post"
    finally:
        redis_client.delete("fanout")


def _consumed(command: list[str]) -> set[str]:
    """The queues a `celery ... worker` command consumes: those it names with -Q/--queues,
    else every queue of CELERY_TASK_QUEUES."""
    assert "worker" in command, command
    for i, part in enumerate(command):
        if part in ("-Q", "--queues"):
            return set(command[i + 1].split(","))
        if part.startswith("--queues="):
            return set(part.split("=", 1)[1].split(","))
    return set(settings.CELERY_TASK_QUEUES)


def _worker_commands() -> dict[str, list[str]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    k8s = yaml.safe_load((ROOT / "deploy" / "k8s" / "worker.yaml").read_text())
    run_source = (ROOT / "hearth" / "run.py").read_text()
    start = run_source.index('"worker"')
    run_command = re.findall(r'"([^"]+)"', run_source[start:run_source.index("]", start)])
    return {
        "docker-compose.yml": compose["services"]["worker"]["command"],
        "deploy/k8s/worker.yaml":
            k8s["spec"]["template"]["spec"]["containers"][0]["command"],
        "hearth/run.py": run_command,
    }


def test_every_worker_hearth_starts_consumes_every_queue():
    queues = set(settings.CELERY_TASK_QUEUES)
    assert {"celery", "fanout", "mail"} <= queues
    assert set(app.amqp.queues) == queues  # what a worker without -Q consumes
    for where, command in _worker_commands().items():
        assert _consumed(command) >= queues, (where, command)
