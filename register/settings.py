"""Settings, read from the environment with safe development defaults.

REGISTER_ENV=production turns on the strict mode: it refuses to start without a real SECRET_KEY
and explicit ALLOWED_HOSTS, and turns on HTTPS-only cookies, HSTS, the HTTPS redirect, hashed and
compressed static files and JSON logs (`manage.py check --deploy` is clean with it). Everything
else has a default that works on a developer's machine.
"""

import datetime
import ipaddress
import logging
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from register.logs import log_format, logs_client_addresses, syslog_handler

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


REGISTER_ENV = os.environ.get("REGISTER_ENV", "development")
PRODUCTION = REGISTER_ENV == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-used-in-production-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when REGISTER_ENV=production."
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when REGISTER_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The register's address as its readers reach it, for the links in e-mails. By default the first
# allowed host over HTTPS in production, and the development server otherwise.
SITE_URL = os.environ.get("SITE_URL", "").strip() or (
    f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else f"http://localhost:{os.environ.get('PORT', '8000')}"
)

# The council this installation serves. The nation decides which bank holidays count (A12).
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Demoshire County Council")
COUNCIL_NATION = os.environ.get("COUNCIL_NATION", "england-and-wales")

# Signed checkpoints of the history and the access log (issue 20). The Ed25519 signing key comes from
# the environment or a file (never the database): `manage.py generate_signing_key` makes one. The
# origin names this register's logs in every checkpoint: a schema-less URL, by default the site's.
# In production the key must be set (a system check stops the release step without it, and nothing is
# signed with a made-up key); in development `make run` makes DEVELOPMENT_SIGNING_KEY_FILE, used when
# neither setting is given. Keeping and rotating the key: docs/signing-key.md.
HISTORY_SIGNING_KEY = os.environ.get("HISTORY_SIGNING_KEY", "")
HISTORY_SIGNING_KEY_FILE = os.environ.get("HISTORY_SIGNING_KEY_FILE", "")
DEVELOPMENT_SIGNING_KEY_FILE = Path(
    os.environ.get("DEVELOPMENT_SIGNING_KEY_FILE", "") or BASE_DIR / "var" / "history-signing.key"
)
if not (PRODUCTION or HISTORY_SIGNING_KEY or HISTORY_SIGNING_KEY_FILE) and DEVELOPMENT_SIGNING_KEY_FILE.exists():
    HISTORY_SIGNING_KEY_FILE = str(DEVELOPMENT_SIGNING_KEY_FILE)
# How often Celery beat signs checkpoints of the history and the access log (each only if it grew).
try:
    CHECKPOINT_EVERY_MINUTES = int(os.environ.get("CHECKPOINT_EVERY_MINUTES", "60"))
except ValueError:
    CHECKPOINT_EVERY_MINUTES = 0
if CHECKPOINT_EVERY_MINUTES < 1:
    raise ImproperlyConfigured("CHECKPOINT_EVERY_MINUTES must be a whole number of minutes, at least 1.")
TRANSPARENCY_ORIGIN = os.environ.get("TRANSPARENCY_ORIGIN", "").strip().rstrip("/") or (
    SITE_URL.split("://", 1)[-1].rstrip("/") + "/register"
)
# Calendar feeds (issue 22): the domain in each event's UID (RFC 5545 asks for a globally unique,
# stable one). Keep it when the site moves, or every subscriber's calendar sees new events.
CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN", "").strip() or (
    SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "register.invalid"
)
COUNCIL_NATIONS = {"england-and-wales", "scotland", "northern-ireland"}
if COUNCIL_NATION not in COUNCIL_NATIONS:
    raise ImproperlyConfigured(f"COUNCIL_NATION must be one of {sorted(COUNCIL_NATIONS)}.")
# Where people write about the register: accessibility problems, their personal data (the
# accessibility statement and privacy notice name it).
COUNCIL_CONTACT_EMAIL = os.environ.get("COUNCIL_CONTACT_EMAIL", "register@council.example")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    # Two-factor sign-in (issue 18): TOTP devices and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Single sign-on with the council's OpenID Connect provider (issue 18).
    "mozilla_django_oidc",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "register",
]

# Forms are rendered in the GOV.UK Design System by crispy-forms-gds (see the README for why).
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

MIDDLEWARE = [
    # First: /healthz answers load balancers and orchestrators before the host check and the
    # HTTPS redirect, which probes from inside the network would fail.
    "register.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files served by the app itself, before anything that would touch the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A body larger than the register accepts is refused before anything reads it (413).
    "register.middleware.RequestSizeLimitMiddleware",
    # An API query parameter given twice is refused (400), not silently reduced to its last value.
    "register.middleware.SingleQueryParametersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has passed two-factor sign-in.
    "django_otp.middleware.OTPMiddleware",
    # Who must sign in with a code and has not reaches only the set-up or the code page (issue 18).
    "register.views.two_factor_gate.TwoFactorGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication (and messages, for the reason it gives): a session idle for SESSION_IDLE_MINUTES,
    # or older than SESSION_ABSOLUTE_HOURS, is ended here before any view sees its user
    # (register/middleware_sessions.py).
    "register.middleware_sessions.SessionTimeoutMiddleware",
    # A refusal by the domain that a page let through: 404, 403, 409 or 400 (register/views/domain_errors.py).
    "register.views.domain_errors.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into a clear page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "register.urls"
WSGI_APPLICATION = "register.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "register.views.context.council",
                # The session's timeouts, for the "you will be signed out soon" warning (issue 18).
                "register.views.account.session_timeouts",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'var' / 'register.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A persistent connection broken by a database restart is noticed and replaced on the
        # next request, so the web processes recover without a restart of their own.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails a request in seconds (a 503) rather than hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )

# The database roles (docs/database-roles.md): the application's role, which the web, worker and beat
# processes connect as (it may INSERT history but not UPDATE, DELETE or TRUNCATE it), and the maintenance
# role (NOLOGIN) that a DBA takes with SET ROLE, the only one the append-only triggers let through. The
# owner role, which owns the tables, is whoever runs `migrate`; after each migrate the grants and
# triggers are applied again (register/services/audit/database_roles.py).
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "register_app")
DATABASE_MAINTENANCE_ROLE = os.environ.get("DATABASE_MAINTENANCE_ROLE", "register_maintenance")

AUTH_USER_MODEL = "register.Person"
# History reasons are people's words (a refusal's reason, an absence's): keep them whole.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
AUTHENTICATION_BACKENDS = [
    # django-axes' lockout of an address (register/backends.py).
    "register.backends.SignInLimitsBackend",
    # Django's ModelBackend, refusing leavers from the day after their last day (sessions too), and
    # slowing a username down after failures in a row.
    "register.backends.CurrentPeopleBackend",
]
# Password rules after the NCSC's guidance: length over complexity, no composition rules, and a
# deny-list of common passwords (Django's list of 20,000). NumericPasswordValidator is left out: it is
# a composition rule in spirit ("not all numbers"); a long all-digit password is refused by the length
# and the deny-list when it is weak, and is not weak merely for being digits. The hint on every password
# field says the same (register/forms_sign_in.py PASSWORD_HINT).
PASSWORD_MIN_LENGTH = 12
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign-in"
# Two-factor sign-in (issue 18): those who decide or see the most (policies.needs_two_factor) sign in
# with a password and a code from an authenticator app when this is on; single sign-on is exempt (the
# provider's own MFA is trusted). `make run` turns it off so that the demo asks nobody for a phone.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
# Wrong codes in a row after which a half-signed-in session is ended (register/views/two_factor.py).
TWO_FACTOR_MAX_FAILURES = 5
# django-otp's own throttling of wrong codes, per device and across sessions: after n failures the
# next try waits 2**(n-1) seconds (1, 2, 4, 8, 16 ... so 10 failures mean about 9 minutes).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = f"{COUNCIL_NAME} register"
# How long the link in an invitation to set a password works (seconds; 3 days by default). It works
# once: setting the password changes what its token was made from (register/services/people/accounts.py).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3 * 24 * 60 * 60)))

# Sign-in limits (issue 18; README "Deployment"), neither of which anyone can turn against someone else:
# - an ADDRESS is locked out (django-axes) for AXES_COOLOFF_MINUTES after AXES_FAILURE_LIMIT failed
#   sign-ins from it, whatever usernames they tried: one password tried across every username stops there;
# - a USERNAME is never locked, only slowed: after SIGN_IN_SLOWDOWN_AFTER failures in a row (from any
#   address), each next attempt waits 2^(failures - SIGN_IN_SLOWDOWN_AFTER) seconds after the last failure,
#   at most SIGN_IN_SLOWDOWN_MAX_SECONDS; a slowed attempt is refused before its password is checked.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
# A success does not wipe the address's failures: one account's holder could otherwise sign in between
# guesses at everyone else's passwords and never be locked out.
AXES_RESET_ON_SUCCESS = False
# Attempts refused while locked out do not push the end of the lockout back: the page can say when.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The database handler, except that an attempt slowed for its username (its password never checked)
# does not count against its address.
AXES_HANDLER = "register.backends.AddressLockoutHandler"
AXES_LOCKOUT_CALLABLE = "register.views.auth.locked_out"
SIGN_IN_SLOWDOWN_AFTER = int(os.environ.get("SIGN_IN_SLOWDOWN_AFTER", "3"))
SIGN_IN_SLOWDOWN_MAX_SECONDS = int(os.environ.get("SIGN_IN_SLOWDOWN_MAX_SECONDS", "60"))
# The client's address (register/addresses.py): the header a trusted proxy sets (X-Forwarded-For), believed
# only from the proxies listed (addresses or networks, comma-separated); otherwise, and when the list is
# empty, the connection's own address and the header is ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or a network.") from None
CLIENT_ADDRESS_HEADER = os.environ.get("CLIENT_ADDRESS_HEADER", "HTTP_X_FORWARDED_FOR")
AXES_CLIENT_IP_CALLABLE = "register.addresses.axes_client_address"

LANGUAGE_CODE = "en-gb"
# Times are stored in UTC and shown in the council's local time.
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
# GOV.UK Frontend's scripts, fonts and images from its npm package, and the stylesheet compiled
# from frontend/register.scss (`make frontend`): served by the app itself, no CDN.
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    # GOV.UK's accessible-autocomplete, for the officer finder on the request form (issue 16).
    ("accessible-autocomplete", BASE_DIR / "node_modules" / "accessible-autocomplete" / "dist"),
    BASE_DIR / "frontend" / "static",
    BASE_DIR / "var" / "frontend",
]

# In production whitenoise serves the files collected by `collectstatic` under hashed names,
# compressed, with far-future cache headers; the manifest makes a missing file an error at once.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

SESSION_COOKIE_HTTPONLY = True
# Sessions (issue 18): one ends after SESSION_IDLE_MINUTES without a request, and SESSION_ABSOLUTE_HOURS
# after sign-in whatever happens (register/middleware_sessions.py); the page warns
# SESSION_WARNING_SECONDS before the idle timeout and offers to stay signed in. The cookie lives no
# longer than the absolute timeout.
SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_ABSOLUTE_HOURS = float(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_HOURS * 3600)
# API tokens (register/services/sign_in/tokens.py) expire this many hours after they are issued.
API_TOKEN_HOURS = float(os.environ.get("API_TOKEN_HOURS", "8"))
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)

# HTTPS. The register normally sits behind a proxy or load balancer that terminates TLS and says
# so in a header: SECURE_PROXY_SSL_HEADER names it (e.g. HTTP_X_FORWARDED_PROTO, value https).
# Only set it when that proxy always sets or strips the header, or clients could forge it.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        os.environ["SECURE_PROXY_SSL_HEADER"],
        os.environ.get("SECURE_PROXY_SSL_VALUE", "https"),
    )
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600) if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The content security policy: everything from the register itself, nothing inline. GOV.UK
# Frontend needs nothing more: base.html loads its scripts from files and has no inline script
# or style. Kept in development too, so that the end-to-end tests run under the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    },
}

# Request bodies. A form or JSON body may be at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes and a
# multipart upload at most MAX_UPLOAD_SIZE; larger requests are refused with 413 before they
# are read (register.middleware.RequestSizeLimitMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
MAX_UPLOAD_SIZE = int(os.environ.get("MAX_UPLOAD_SIZE", str(10 * 1024 * 1024)))

# Background tasks. With no broker configured (the embedded default) Celery runs each task
# in-process, after the commit that queued it, through the same code path as a worker.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TIMEZONE = TIME_ZONE
# Nothing reads task results: the outbox row is the record of what happened.
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it has finished, and a task whose worker process dies is
# handed back to the broker, so a crash mid-delivery is retried rather than lost. One message
# at a time per process, so a dying process takes at most one unfinished delivery with it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# When the broker connection drops, let running deliveries finish (their late ack is lost and the
# message comes back, which the outbox turns into a no-op) rather than kill them mid-send.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands an unacknowledged message to another worker after the visibility timeout. It must
# be longer than the longest delivery and the longest retry countdown (NOTICE_RETRY_MAX_SECONDS),
# or a message that is merely waiting is delivered twice; it is also how long a message held by
# a worker that died outright waits before Redis gives it out again (the sweep is usually sooner).
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 5,
    "socket_timeout": 10,
}
# A page that commits while the broker is down should not hang: try briefly, then leave the
# notices pending for the sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}

# Notices (register/services/delivery.py). A failed attempt is retried after an exponential
# back-off with full jitter: a random wait of up to NOTICE_RETRY_BASE_SECONDS * 2^(attempt-1),
# capped at NOTICE_RETRY_MAX_SECONDS. After NOTICE_MAX_ATTEMPTS attempts the notice is failed.
NOTICE_MAX_ATTEMPTS = int(os.environ.get("NOTICE_MAX_ATTEMPTS", "5"))
NOTICE_RETRY_BASE_SECONDS = int(os.environ.get("NOTICE_RETRY_BASE_SECONDS", "30"))
NOTICE_RETRY_MAX_SECONDS = int(os.environ.get("NOTICE_RETRY_MAX_SECONDS", "900"))
# The sweep (Celery beat, every NOTICE_SWEEP_INTERVAL_SECONDS) re-queues notices that have been
# due for more than NOTICE_SWEEP_AFTER_SECONDS and are still pending, or still sending.
# Issue 22 (in-app notices at once): a notice the broker could not take at commit is marked so,
# and the next sweep re-queues it whatever NOTICE_SWEEP_AFTER_SECONDS says. Beat itself needs the
# broker, so that sweep runs within one interval of Redis's return, once a worker has reconnected
# (Celery's worker retries every 2, 4, ... up to 30 s). Measured at 15 s (tests/integration/
# test_notices_through_the_worker.py, real worker and beat): the e-mail went out 8-10 s after Redis
# was back from a 5 s outage, 20 s after a 135 s one. At worst the worker's 30 s plus one interval,
# inside a minute; a sweep with nothing to do is one query. NOTICE_SWEEP_AFTER_SECONDS stays long:
# a message the broker took may still be waiting in a healthy queue, and re-queuing it early would
# only repeat it.
NOTICE_SWEEP_INTERVAL_SECONDS = int(os.environ.get("NOTICE_SWEEP_INTERVAL_SECONDS", "15"))
NOTICE_SWEEP_AFTER_SECONDS = int(os.environ.get("NOTICE_SWEEP_AFTER_SECONDS", "300"))
if not 1 <= NOTICE_SWEEP_INTERVAL_SECONDS <= NOTICE_SWEEP_AFTER_SECONDS:
    raise ImproperlyConfigured(
        "NOTICE_SWEEP_INTERVAL_SECONDS must be at least 1 and no longer than NOTICE_SWEEP_AFTER_SECONDS."
    )
if NOTICE_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("NOTICE_MAX_ATTEMPTS must be at least 1.")
if NOTICE_RETRY_MAX_SECONDS >= CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than NOTICE_RETRY_MAX_SECONDS, or Redis gives a "
        "notice that is waiting to be retried to a second worker."
    )
# Issue 21: when Celery beat proposes a disposal run, as a crontab "minute hour day-of-month month day-of-week"
# (default: 05:30 on the 1st of every month). The Monitoring Officer approves it before anything is erased.
DISPOSAL_RUN_SCHEDULE_TEXT = os.environ.get("DISPOSAL_RUN_SCHEDULE", "30 5 1 * *")
try:
    _minute, _hour, _day, _month, _weekday = DISPOSAL_RUN_SCHEDULE_TEXT.split()
    DISPOSAL_RUN_SCHEDULE = crontab(
        minute=_minute, hour=_hour, day_of_month=_day, month_of_year=_month, day_of_week=_weekday
    )
except (TypeError, ValueError) as error:
    raise ImproperlyConfigured(
        f"DISPOSAL_RUN_SCHEDULE must be five crontab fields (minute hour day month weekday), not "
        f"{DISPOSAL_RUN_SCHEDULE_TEXT!r}: {error}"
    ) from None

# Periodic work, run by the one Celery beat process. Each job is safe to run late or twice.
CELERY_BEAT_SCHEDULE = {
    "sweep-the-outbox": {"task": "notifications.sweep", "schedule": float(NOTICE_SWEEP_INTERVAL_SECONDS)},
    "declarations-confirmation-reminders": {
        "task": "declarations.send_confirmation_reminders",
        "schedule": crontab(hour=7, minute=0),  # every morning (UTC); each reminder is sent once
    },
    # A12: remind and escalate attendance decisions and officers' responses (hourly, idempotent).
    "attendance-reminders": {"task": "attendance.send_reminders", "schedule": crontab(minute=15)},
    # D1-D3, D6: remind handlers of concerns due and escalate overdue ones, as A12 (hourly, idempotent).
    "concern-reminders": {"task": "concerns.send_reminders", "schedule": crontab(minute=20)},
    # A12, C3: a request still awaiting a decision lapses when its meeting begins (idempotent).
    "attendance-lapses": {"task": "attendance.lapse_requests", "schedule": crontab(minute="*/5")},
    # C4: verify the hash chain, sign a checkpoint of the history, and send both to the Monitoring
    # Officer and the auditors.
    "history-daily-check": {"task": "history.daily_check", "schedule": crontab(hour=6, minute=0)},
    # Issue 20: sign checkpoints of the history and the access log (a log that has not grown is skipped).
    "sign-checkpoints": {"task": "checkpoints.sign", "schedule": datetime.timedelta(minutes=CHECKPOINT_EVERY_MINUTES)},
    # Issue 21: propose the month's disposal run (the Monitoring Officer approves it before anything is erased).
    "retention-disposal-run": {"task": "retention.propose_disposal_run", "schedule": DISPOSAL_RUN_SCHEDULE},
}
# Where `celery beat` keeps its schedule between restarts (a file, so beat needs no database).
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "var" / "celerybeat-schedule")
)

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (make stack's default): one
# file per connection, so that tests and people without a mail server can read what was sent.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "register@council.example")

# GOV.UK Notify as the e-mail service (issue 22; register/services/notify.py, README "GOV.UK Notify").
# NOTICE_EMAIL_SERVICE: "smtp" hands e-mails to EMAIL_BACKEND above; "notify" sends them through
# Notify with its official client, one template per kind of notice. With "notify", a missing or
# malformed setting below stops the processes (system check register.E002) and names the setting.
NOTICE_EMAIL_SERVICES = ("smtp", "notify")
NOTICE_EMAIL_SERVICE = os.environ.get("NOTICE_EMAIL_SERVICE", "smtp").strip().lower()
if NOTICE_EMAIL_SERVICE not in NOTICE_EMAIL_SERVICES:
    raise ImproperlyConfigured(f"NOTICE_EMAIL_SERVICE must be one of {list(NOTICE_EMAIL_SERVICES)}.")
# The API key Notify gives the service (a "live" or "team and guest list" key): a secret.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# The bearer token typed into Notify's "Callbacks for delivery receipts": Notify sends it with every receipt.
NOTIFY_CALLBACK_BEARER_TOKEN = os.environ.get("NOTIFY_CALLBACK_BEARER_TOKEN", "")
# One Notify template id per kind of notice: NOTIFY_TEMPLATE_<KIND> (the kind in capitals, "-" as "_").
NOTIFY_TEMPLATES = {name: value.strip() for name, value in os.environ.items() if name.startswith("NOTIFY_TEMPLATE_")}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated request is answered 401 with WWW-Authenticate.
        "api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API speaks JSON only: any other body is a 415, a malformed one a 400.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # DRF's defaults, the JSON written by orjson (issue 23): the same JSON, and the browsable API kept.
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.problem_details_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Member/officer register API",
    "DESCRIPTION": (
        "Officer attendance at political group meetings (rules A1-A13), member/officer relationship "
        "declarations (B1-B7) and the audit history (C1-C4). Errors are RFC 9457 problem details."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation page's scripts come from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two choice sets share the field name "kind": name each after its model.
    "ENUM_NAME_OVERRIDES": {
        "PersonKindEnum": "register.models.people.Person.Kind",
        "DeclarationKindEnum": "register.models.declarations.Declaration.Kind",
        "InformationClassificationEnum": "register.models.attendance.InformationProvided.Classification",
        # Two choice sets share the field name "decision": an attendance request's keeps its name.
        "DecisionEnum": "register.models.attendance.AttendanceRequest.Decision",
        "ComplaintDecisionEnum": "register.models.conduct.Complaint.Decision",
        # Issue 21: the retention API's states and outcomes.
        "DisposalRunStateEnum": "register.models.retention.DisposalRun.State",
        "LegalHoldStateEnum": "register.models.retention.LegalHold.State",
        "DisposalItemOutcomeEnum": "register.models.retention.DisposalItem.Outcome",
        "BriefingViewEnum": ["briefing"],
        "FullViewEnum": ["full"],
        # The moves listed in each record's "actions" (api/actions.py), one enumeration per workflow.
        "AttendanceRequestMoveEnum": "api.actions.REQUEST_MOVES",
        "InvitationMoveEnum": "api.actions.INVITATION_MOVES",
        "InformationMoveEnum": "api.actions.INFORMATION_MOVES",
        # E-mails that did not arrive (issue 22's follow-up): sending one again, and where its send is.
        "NoticeMoveEnum": "api.actions.NOTICE_MOVES",
        "DeclarationMoveEnum": "api.actions.DECLARATION_MOVES",
        "AbsenceMoveEnum": "api.actions.ABSENCE_MOVES",
        "ConcernMoveEnum": "api.actions.CONCERN_MOVES",
        "ComplaintMoveEnum": "api.actions.COMPLAINT_MOVES",
    },
}

# Logs go to standard output, one JSON object per line in production (LOG_FORMAT=json), for
# whatever collects the containers' or processes' output. Celery's worker and beat use the same
# configuration (tasks/celery.py), and gunicorn's own logs the same formatter (gunicorn.conf.py).
# No personal data beyond ids (register/logs.py redacts e-mail addresses and password links' tokens;
# requests are logged without their query string, and without the client's address unless
# LOG_CLIENT_ADDRESSES=on). LOG_SYSLOG_ADDRESS (host:port over UDP, or /dev/log) sends the same JSON
# lines to syslog as well, with LOG_SYSLOG_FACILITY (local0). README, "Logs": what they hold, how long.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
try:
    LOG_SYSLOG_HANDLER = syslog_handler()
    LOG_CLIENT_ADDRESSES = logs_client_addresses()  # the formatters read the environment (gunicorn has no settings)
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from None
LOG_HANDLERS = ["console", "syslog"] if LOG_SYSLOG_HANDLER else ["console"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "register.logs.JsonFormatter"},
        "text": {"()": "register.logs.TextFormatter", "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": log_format()},
        **({"syslog": LOG_SYSLOG_HANDLER} if LOG_SYSLOG_HANDLER else {}),
    },
    "root": {"handlers": LOG_HANDLERS, "level": LOG_LEVEL},
    # Removes Django's own handlers (they print unformatted text when DEBUG is on): its records
    # reach the root handler like every other.
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # django-axes logs every sign-in at INFO; failures and lock-outs are WARNING.
        "axes": {"level": "WARNING"},
    },
}
# django-axes' log lines name the page, not the username or the address (the sign-in history keeps them).
AXES_CLIENT_STR_CALLABLE = "register.logs.axes_client_description"
if log_format() == "json":
    # Python's warnings (e.g. Celery's about running as root) become log records too, so that
    # nothing unstructured reaches the collected logs.
    logging.captureWarnings(True)

# --- Relationship declarations (B6): periodic re-confirmation and its reminders ----------------
# Everyone confirms their declarations (or "nothing to declare") once per period; a newcomer
# within the first allowance of joining (28 days, as for the register of members' interests).
# Reminders go a number of days before the due date, then at an interval once it has passed.
DECLARATIONS_CONFIRMATION_PERIOD_DAYS = int(os.environ.get("DECLARATIONS_CONFIRMATION_PERIOD_DAYS", "365"))
DECLARATIONS_FIRST_CONFIRMATION_DAYS = int(os.environ.get("DECLARATIONS_FIRST_CONFIRMATION_DAYS", "28"))
DECLARATIONS_REMIND_BEFORE_DAYS = int(os.environ.get("DECLARATIONS_REMIND_BEFORE_DAYS", "30"))
DECLARATIONS_REMIND_OVERDUE_EVERY_DAYS = int(os.environ.get("DECLARATIONS_REMIND_OVERDUE_EVERY_DAYS", "14"))

# Officer attendance at group meetings (A12). Decisions and officers' responses are due this many
# working days (of COUNCIL_NATION) after submission and approval; the hourly sweep reminds the
# acting Chief Executive and the officers, and tells the Deputy when a decision is overdue or the
# Chief Executive is absent. Reminders are idempotent, so running the sweep again sends nothing twice.
ATTENDANCE_DECISION_WORKING_DAYS = int(os.environ.get("ATTENDANCE_DECISION_WORKING_DAYS", "2"))
ATTENDANCE_RESPONSE_WORKING_DAYS = int(os.environ.get("ATTENDANCE_RESPONSE_WORKING_DAYS", "2"))

# Elections (issue 17): retiring councillors' terms end, and the newly elected take office, this many
# days after polling day. Four in England and Wales (Local Government Act 1972, s.7); councils
# elsewhere set their own.
ELECTION_TAKE_OFFICE_DAYS = int(os.environ.get("ELECTION_TAKE_OFFICE_DAYS", "4"))

# --- Concerns and complaints (D1-D6) -------------------------------------------------------------
# Which protocol's routes concerns follow (README, "Concerns and complaints"):
#   "redress"    the county guidance's section 8 (seeds/002): a councillor's concern about an officer goes
#                to the officer's line manager or Chief Officer; an officer's concern about a councillor
#                to their Chief Officer, who may raise it with the member and/or the group leader.
#   "complaints" the borough protocol's "In terms of complaints" (seeds/004): a councillor's concern goes
#                to the Monitoring Officer, their deputy or, failing both, the Head of Paid Service; an
#                officer's to their line manager.
# Either way a councillor's difficulty obtaining information goes to the Monitoring Officer (D3).
CONCERNS_PROTOCOL = os.environ.get("CONCERNS_PROTOCOL", "redress")
CONCERNS_PROTOCOLS = {"redress", "complaints"}
if CONCERNS_PROTOCOL not in CONCERNS_PROTOCOLS:
    raise ImproperlyConfigured(f"CONCERNS_PROTOCOL must be one of {sorted(CONCERNS_PROTOCOLS)}.")
# Offered beside every concern form: the council's whistleblowing policy and procedure (D1, D2).
WHISTLEBLOWING_POLICY_URL = os.environ.get("WHISTLEBLOWING_POLICY_URL", "https://www.council.example/whistleblowing")
# Working days (of COUNCIL_NATION) within which a concern is acknowledged, and brought to an outcome;
# the hourly sweep reminds the handler the working day before and tells the Monitoring Officer when
# either is missed (as A12 does for decisions).
CONCERN_ACKNOWLEDGE_WORKING_DAYS = int(os.environ.get("CONCERN_ACKNOWLEDGE_WORKING_DAYS", "5"))
CONCERN_OUTCOME_WORKING_DAYS = int(os.environ.get("CONCERN_OUTCOME_WORKING_DAYS", "20"))
# The longest period one Standards Committee report may cover (D5).
STANDARDS_REPORT_MAX_YEARS = 5

# --- Single sign-on (issue 18): OpenID Connect with the council's identity provider ---------------
# Off unless OIDC_ISSUER is set (the demo and `make run` sign in with passwords only). The provider's
# endpoints come from its discovery document (<issuer>/.well-known/openid-configuration), read once
# when first needed, unless given here. A person is matched on "<issuer> <subject>" (register/sso.py,
# register/services/sign_in/single_sign_on.py): never on an e-mail address alone.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip()
SINGLE_SIGN_ON = bool(OIDC_ISSUER)
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
if SINGLE_SIGN_ON and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET must be set when OIDC_ISSUER is.")
# Empty: taken from the discovery document.
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_END_SESSION_ENDPOINT = os.environ.get("OIDC_OP_END_SESSION_ENDPOINT", "")
# The claim that names the person for good: "sub", or for Entra ID "oid" (with the tenant's issuer).
OIDC_SUBJECT_CLAIM = os.environ.get("OIDC_SUBJECT_CLAIM", "sub").strip() or "sub"
# Entra ID sends no email_verified claim: a council that trusts its tenant's addresses says so here.
OIDC_TRUST_EMAIL_WITHOUT_VERIFIED = env_bool("OIDC_TRUST_EMAIL_WITHOUT_VERIFIED", False)
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
# Nobody is created by signing in: Democratic Services record people (register/services/people).
OIDC_CREATE_USER = False
# Kept in the session for the provider's sign-out (id_token_hint); the access token is not kept.
OIDC_STORE_ID_TOKEN = True
OIDC_STORE_ACCESS_TOKEN = False
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))
# Seconds of clock difference with the provider tolerated on an ID token's times.
OIDC_CLOCK_SKEW_SECONDS = int(os.environ.get("OIDC_CLOCK_SKEW_SECONDS", "60"))
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
OIDC_REDIRECT_REQUIRE_HTTPS = PRODUCTION
AUTHENTICATION_BACKENDS += ["register.sso.SingleSignOnBackend"]

# Open data (issue 22): the licence the published register's page names for its CSV, JSON and Atom
# feed (docs/open-data.md); the Open Government Licence unless the council publishes under another.
OPEN_DATA_LICENCE_NAME = os.environ.get("OPEN_DATA_LICENCE_NAME", "").strip() or "Open Government Licence v3.0"
OPEN_DATA_LICENCE_URL = (
    os.environ.get("OPEN_DATA_LICENCE_URL", "").strip()
    or "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
# The key that names each published entry (its Atom id and the page's anchor: a keyed digest of its
# record, so the names say nothing of how many requests were never published). It must outlive
# SECRET_KEY's rotations: a new key renames every entry, and feed readers then show them all again
# as new. Unset, SECRET_KEY is used and `manage.py check` warns (register/checks.py).
OPEN_DATA_ENTRY_KEY = os.environ.get("OPEN_DATA_ENTRY_KEY", "").strip()
