"""Settings for benchmarks: production-like (DEBUG off, no debug toolbar), plus a trivial view."""

from hearth.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
LOGGING = {"version": 1, "disable_existing_loggers": True,
           "root": {"handlers": [], "level": "ERROR"}}
HEARTH_MFA_REQUIRED = False
# Screening runs inside the request in the live bench (no worker to wait for).
CELERY_TASK_ALWAYS_EAGER = bool(__import__("os").environ.get("BENCH_EAGER"))
HEARTH_POST_RATE_LIMITS = {"new": (10_000, 60), "member": (10_000, 60)}
