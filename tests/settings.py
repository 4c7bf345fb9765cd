"""Test settings: the real ones, with a private key prefix in the shared Redis and fast hashing."""

import uuid

from hearth.settings import *  # noqa: F403
from hearth.settings import CACHES, CHANNEL_LAYERS, STORAGES

TESTING = True
RUN_ID = uuid.uuid4().hex[:8]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = f"hearth-test-{RUN_ID}"
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"hearth-test-{RUN_ID}"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process; tests that need a real worker switch this off.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
# MFA before privileged pages is tested in tests/accounts (which turn it on); elsewhere the
# named staff, moderators and clinicians sign in with a password only, as in the demo.
HEARTH_MFA_REQUIRED = False
# A fast stand-in for the crisis sentence model; tests/moderation/test_crisis_model.py runs
# the real one.
HEARTH_SCREENING_MODEL = "stub"

# Each test run has its own SQLite file, so that runs side by side never share one.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{RUN_ID}.sqlite3")}  # noqa: F405

# On PostgreSQL the flush after a transactional test deletes rows instead of truncating every
# table (tests/db/postgresql/base.py): seconds less for each such test.
if DATABASES["default"]["ENGINE"] == "hearth.lib.db.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.db.postgresql"  # noqa: F405

# A recent sign-in (account export and deletion) lasts 30 minutes in the tests instead of
# allauth's 5, so that a module-scoped world's sessions stay "recent" on a slow machine; the
# tests of the rule stamp their sessions an hour old.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 30 * 60
