"""Django settings for cityweave, read from the environment (see README: Configuration)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cityweave.conf import envbool, envchoice, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("CITYWEAVE_DATA", str(BASE_DIR.parent / "var"))).resolve()

DEBUG = envbool("CITYWEAVE_DEBUG", False)
DEVELOPMENT_SECRET = "cityweave-development-only-secret-change-me"
SECRET_KEY = envstr("CITYWEAVE_SECRET_KEY", DEVELOPMENT_SECRET)
PRODUCTION = envbool("CITYWEAVE_PRODUCTION", False)
#: The shortest secret key production accepts (Django's own deployment check asks for 50).
MIN_SECRET_KEY_LENGTH = 50
if PRODUCTION and (SECRET_KEY == DEVELOPMENT_SECRET or len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH):
    raise ImproperlyConfigured(
        f"CITYWEAVE_SECRET_KEY: set at least {MIN_SECRET_KEY_LENGTH} random characters in production, "
        "e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "CITYWEAVE_DEBUG: debug pages show settings and data to anyone; turn it off in production."
    )

ALLOWED_HOSTS = envlist(
    "CITYWEAVE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = envlist("CITYWEAVE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "cityweave.web.admin_site.CityweaveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "cityweave.accounts",
    "cityweave.workspaces",
    "cityweave.stakeholders",
    "cityweave.engagement",
    "cityweave.goals",
    "cityweave.network",
    "cityweave.reminders",
    "cityweave.contacts",
    "cityweave.surveys",
    "cityweave.partnerships",
    "cityweave.peers",
    "cityweave.strategy",
    "cityweave.web",
]

# An import's preview sends one choice per probable duplicate or new person, and an import takes up
# to 20,000 rows (cityweave.contacts.importing.MAX_ROWS): Django's 1,000 fields would refuse it.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000 + 1_000

# A form sent with a stale or missing CSRF token gets the app's own page (cityweave/web/errors.py).
CSRF_FAILURE_VIEW = "cityweave.web.errors.csrf_failure"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cityweave.web.policy.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cityweave.web.errors.MethodNotAllowedPageMiddleware",
    "cityweave.web.busy.DatabaseBusyMiddleware",
    "cityweave.web.query.QueryStringMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

# Login throttling (cityweave/accounts/throttle.py): the check first, then the password.
AUTHENTICATION_BACKENDS = [
    "cityweave.accounts.throttle.ThrottledBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("CITYWEAVE_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("CITYWEAVE_LOGIN_LOCKOUT_MINUTES", 15))
# Locked when either the account or the address has had too many failures.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "cityweave.accounts.throttle.login_username"
AXES_CLIENT_IP_CALLABLE = "cityweave.accounts.throttle.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
CITYWEAVE_BEHIND_PROXY = envbool("CITYWEAVE_BEHIND_PROXY", False)
if CITYWEAVE_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A survey wave's open link: responses one client address may start an hour (the flood guard).
CITYWEAVE_SURVEY_OPEN_LINK_LIMIT = envint("CITYWEAVE_SURVEY_OPEN_LINK_LIMIT", 20)

# Content-Security-Policy (cityweave/web/policy.py; Django 6's setting name and shape): the site's
# own scripts, styles, images and fetches only; no inline script or style, no plugins, no framing.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

ROOT_URLCONF = "cityweave.urls"
WSGI_APPLICATION = "cityweave.wsgi.application"

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
                "cityweave.workspaces.context_processors.workspace",
            ],
            # `{% url %}` with its answers remembered (cityweave/web/reversing.py).
            "builtins": ["cityweave.web.reversing"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'cityweave.sqlite3'}"),
        conn_max_age=envint("CITYWEAVE_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Django's backend, with the planner's statistics kept current (cityweave/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "cityweave.sqlite"
    # Tests run in memory, as with Django's own engine name (which pytest-django looks for).
    DATABASES["default"].setdefault("TEST", {"NAME": ":memory:"})
    # One writer at a time: a transaction takes the write lock when it begins (IMMEDIATE), so it
    # never fails half-way upgrading a read lock; a writer waits up to `timeout` seconds for it
    # (then the request answers 503, see web/busy.py). WAL lets reads go on beside the writer,
    # and synchronous=NORMAL (safe with WAL) commits without an fsync, so the lock is held
    # for the statements alone.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": envint("CITYWEAVE_SQLITE_BUSY_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

AUTH_USER_MODEL = "accounts.User"
# Email (password resets): printed to the console unless an SMTP server is named.
DEFAULT_FROM_EMAIL = envstr("CITYWEAVE_FROM_EMAIL", "cityweave@localhost")
# Where people reach this server: the links in emails sent without a request (the digest).
CITYWEAVE_URL = envstr("CITYWEAVE_URL", "http://localhost:8000")
EMAIL_HOST = envstr("CITYWEAVE_SMTP_HOST", "")
EMAIL_PORT = envint("CITYWEAVE_SMTP_PORT", 587)
EMAIL_HOST_USER = envstr("CITYWEAVE_SMTP_USER", "")
EMAIL_HOST_PASSWORD = envstr("CITYWEAVE_SMTP_PASSWORD", "")
EMAIL_USE_TLS = envbool("CITYWEAVE_SMTP_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("CITYWEAVE_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Hashed, compressed static files once `cityweave serve` has collected them; plain files before
# that (tests and a fresh checkout), so a missing manifest never breaks a page.
_STATIC_BACKEND = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if (STATIC_ROOT / "staticfiles.json").exists()
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _STATIC_BACKEND},
}
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("CITYWEAVE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS: tell browsers to use it for this long (start small, e.g. 3600, then a year: 31536000),
# and send plain-HTTP visitors to it. Behind a proxy that ends TLS, the proxy says which it was.
SECURE_HSTS_SECONDS = envint("CITYWEAVE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("CITYWEAVE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("CITYWEAVE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = envbool("CITYWEAVE_SSL_REDIRECT", False)

# Background work (the network analysis) is queued in the database and run by `cityweave worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": envchoice("CITYWEAVE_LOG_LEVEL", "WARNING", LOG_LEVELS),
    },
}
