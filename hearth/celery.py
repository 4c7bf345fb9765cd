import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")

app = Celery("hearth")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every worker records a heartbeat in Redis, which /healthz reads (hearth/health.py).
app.steps["worker"].add("hearth.health:WorkerHeartbeat")
