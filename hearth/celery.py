import json
import os
import sys
import time

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")

app = Celery("hearth")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every worker records a heartbeat in Redis, which /healthz reads (hearth/health.py).
app.steps["worker"].add("hearth.health:WorkerHeartbeat")


@setup_logging.connect
def use_django_logging(**kwargs):
    """Celery's worker and beat log through Django's LOGGING (one JSON object a line, redacted:
    hearth/lib/logging.py) instead of configuring their own coloured text handlers. Start them
    with `celery -A hearth --quiet ...` so that no banner is printed either."""
    from logging.config import dictConfig

    from celery.apps import worker as worker_app
    from django.conf import settings

    dictConfig(settings.LOGGING)
    # What the worker says from its signal handlers ("worker: Warm shutdown"), as JSON too.
    worker_app.safe_say = say_json


def say_json(message: str, f=sys.__stderr__) -> None:
    """celery.apps.worker.safe_say, one JSON object a line: written with os.write, as the
    original is, because it runs inside signal handlers."""
    record = {"time": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()), "level": "INFO",
              "logger": "celery.worker", "message": str(message)}
    os.write(f.fileno(), (json.dumps(record) + "\n").encode())
