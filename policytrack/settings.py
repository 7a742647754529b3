"""policytrack settings, read from the environment.

DATABASE_URL picks the database (an SQLite file beside the project when unset);
DJANGO_DEBUG, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS do what they say.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envlist(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envint(name, default, minimum=0):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return int(value)


DEBUG = envbool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false")

# A private tracker: every page asks for a login (DJANGO_LOGIN_REQUIRED=true).
POLICYTRACK_LOGIN_REQUIRED = envbool("DJANGO_LOGIN_REQUIRED", False)

# The largest file an editor may upload (the Federal Register import), in MB. The import's
# confirmation sends the previewed documents back as one form field, so the request size Django
# accepts follows it, with room for the form's other fields; a larger request is named on the
# page, not refused with a bare 400. (FILE_UPLOAD_MAX_MEMORY_SIZE is left alone: it limits
# nothing, it only decides when an upload is spooled to a temporary file.)
POLICYTRACK_UPLOAD_LIMIT_MB = envint("POLICYTRACK_UPLOAD_LIMIT_MB", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = (POLICYTRACK_UPLOAD_LIMIT_MB * 1024 + 64) * 1024

# Where import_federal_register fetches documents given by number.
FEDERAL_REGISTER_API = os.environ.get("FEDERAL_REGISTER_API", "https://www.federalregister.gov/api/v1")

# Production hardening: on whenever DEBUG is off. `python manage.py check --deploy
# --fail-level WARNING` passes with these. Behind a proxy that terminates TLS, set
# DJANGO_BEHIND_PROXY=true so that Django trusts its X-Forwarded-Proto header; when the proxy
# also redirects http:// to https://, set DJANGO_SSL_REDIRECT_BY_PROXY=true: Django then leaves
# the redirect to it, and the deployment check that wants Django to redirect (security.W008,
# which cannot see the proxy) is silenced.
SSL_REDIRECT_BY_PROXY = envbool("DJANGO_SSL_REDIRECT_BY_PROXY", False)
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG and not SSL_REDIRECT_BY_PROXY)
if SSL_REDIRECT_BY_PROXY and not envbool("DJANGO_BEHIND_PROXY", False):
    raise ImproperlyConfigured(
        "DJANGO_SSL_REDIRECT_BY_PROXY needs DJANGO_BEHIND_PROXY=true: without it "
        "Django cannot tell which requests came over https"
    )
if SSL_REDIRECT_BY_PROXY and SECURE_SSL_REDIRECT:
    raise ImproperlyConfigured(
        "DJANGO_SSL_REDIRECT_BY_PROXY and DJANGO_SECURE_SSL_REDIRECT cannot both be true: "
        "either the proxy redirects to https or Django does"
    )
if envbool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Editors' sessions end after eight hours, or when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# No inline scripts anywhere: pages are server-rendered and need none.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # intcomma: "2,005 instruments"
    "simple_history",
    "axes",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "policytrack.timeline",
    "policytrack.ingest",
    "policytrack.web",
    "policytrack.api",
    "policytrack.review",
    "django_tasks",
    "django_tasks_db",
]

# One index carries a column for PostgreSQL's index-only scans (INCLUDE); SQLite builds the
# index without it, which is what it should do.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
if SSL_REDIRECT_BY_PROXY:
    SILENCED_SYSTEM_CHECKS.append("security.W008")  # the proxy redirects to https (see above)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "policytrack.middleware.ContentSecurityPolicyMiddleware",
    # Serves collected static files efficiently in production (gunicorn has no static server).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database that stops answering gives a 503 page, not a traceback.
    "policytrack.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the request user on every history row, so the history says who changed what.
    "simple_history.middleware.HistoryRequestMiddleware",
    "policytrack.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

# Login protection (django-axes): five failed logins for one user name from one address lock
# that pair out for an hour; every attempt is logged in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The admin's login page is the only one; after it, a login with no (or an unsafe) ``next`` lands
# on the home page rather than Django's default /accounts/profile/, which does not exist.
LOGIN_URL = "/admin/login/"
LOGIN_REDIRECT_URL = "web:home"
AXES_FAILURE_LIMIT = int(os.environ.get("POLICYTRACK_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
if envbool("DJANGO_BEHIND_PROXY", False):
    # Behind the proxy every request comes from the proxy's address: count each attempt against
    # the client's (django-ipware reads it), the right-most X-Forwarded-For address, the one our
    # proxy appended; whatever a client sends in the header itself stays to its left.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_ORDER = "right-most"

ROOT_URLCONF = "policytrack.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "policytrack.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'policytrack.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiled a long search in a way that neither a cancel nor a terminate could stop (the
    # backend ran on for minutes), and spent 220 of a 2-word search's 231 ms: our queries gain
    # nothing from it. The statement timeout (seconds, 0 for none) is the backstop for any query
    # a request should never take that long on; manage.py sets it to 0, so that migrations,
    # rebuilds and imports run as long as they need.
    timeout = envint("DJANGO_STATEMENT_TIMEOUT", 30)
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # Our settings first: a -c given in DATABASE_URL's ?options= comes later and wins.
    options["options"] = f"-c jit=off -c statement_timeout={timeout * 1000} {options.get('options', '')}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Length is not strength ("aaaaaaaaaaaa", "editor1editor1"): zxcvbn estimates how many guesses a
    # password takes. 3 of 4: safe unless the database itself is stolen — these accounts edit the record.
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
PASSWORD_MINIMAL_STRENGTH = 3
PASSWORD_EXTRA_DICTIONARY = ["policytrack", "editor", "analyst"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development whitenoise serves straight from the source folders (no collectstatic needed).
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed file names in production (after collectstatic); plain files in development.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The JSON API is read-only and open: every API view answers GET only, so anonymous reads are
# all there is to allow, and no authentication is needed.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "policytrack API",
    "DESCRIPTION": "What applied on a given date, and how we know: instruments, their sourced "
    "events, and their status on any date (`on`), as known on any date (`known`).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page loads Swagger UI from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for each choice set, wherever it appears.
    "ENUM_NAME_OVERRIDES": {
        "PhaseEnum": "policytrack.timeline.models.StatusPeriod.Phase",
        "EventKindEnum": "policytrack.timeline.models.Event.Kind",
        "InstrumentKindEnum": "policytrack.timeline.models.Instrument.Kind",
        "DocumentKindEnum": "policytrack.timeline.models.Document.Kind",
        "RelationKindEnum": "policytrack.timeline.models.InstrumentRelation.Kind",
        "KnownPhaseEnum": "policytrack.api.serializers.KNOWN_PHASES",
    },
}

# --- Production hygiene (issue 17): response headers, cache, rate limits, logging, error
# reporting. One block, so that it reads, and merges, as one piece.

# Pages need none of the browser's powerful features; saying so means nothing injected can use them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("policytrack.middleware.ContentSecurityPolicyMiddleware") + 1,
    "policytrack.middleware.PermissionsPolicyMiddleware",
)

# Logs go to stderr: JSON lines in production (policytrack/jsonlog.py, for a log collector),
# plain lines when debugging. Django's own default logs django.* only while debugging, and
# mails errors to ADMINS (none here): unhandled exceptions went nowhere. Its records now
# reach the root handler, tracebacks included.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").strip().upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(f"DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "policytrack.jsonlog.JSONFormatter"},
        "text": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "text" if DEBUG else "json",
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL}},
}

# Error reporting: with SENTRY_DSN set, unhandled exceptions also go to Sentry (its Django
# integration turns itself on), without personal data (no user names, addresses or cookies).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.utils import BadDsn

    try:
        sentry_sdk.init(
            dsn=SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"), send_default_pii=False
        )
    except BadDsn as error:
        raise ImproperlyConfigured(f"SENTRY_DSN is not a Sentry DSN: {error}") from None

# The cache: Redis when REDIS_URL is set (Django's own backend, through the redis package), so
# that every worker shares the rate limits' counts; else each process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "policytrack",
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "policytrack"}
}


def envrate(name, default):
    """A rate limit such as ``120/min`` (per second, minute, hour or day), or ``off``: None."""
    value = os.environ.get(name, "").strip().lower() or default
    if value == "off":
        return None
    count, _, period = value.partition("/")
    if (
        not count.isdigit()
        or int(count) < 1
        or period not in ("s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day")
    ):
        raise ImproperlyConfigured(
            f"{name} must be a number of requests per s, min, hour or day (e.g. {default}), or off, not {value!r}"
        )
    return f"{int(count)}/{period}"


# Per-client rate limits (policytrack/throttling.py): past one, a 429 with Retry-After. A
# client is an address, read as django-axes reads it (policytrack/clientip.py).
POLICYTRACK_RATE_LIMITS = {
    "api": envrate("POLICYTRACK_API_RATE", "120/min"),  # the JSON API, feeds and calendars
    "export": envrate("POLICYTRACK_EXPORT_RATE", "10/min"),  # ?format=csv on any list
    "search": envrate("POLICYTRACK_SEARCH_RATE", "30/min"),  # ?q= on any list page
}
# Seconds a built calendar is kept (policytrack/api/calendar.py), under a key that changes with
# the record and the day; 0: built on every request.
POLICYTRACK_CALENDAR_CACHE = int(os.environ.get("POLICYTRACK_CALENDAR_CACHE", 24 * 3600))
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["policytrack.throttling.ClientRateThrottle"]
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "policytrack.throttling.api_exception_handler"

# A load balancer may probe /healthz over plain HTTP from inside the network: no redirect there.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Background tasks (django-tasks, the backport of Django 6's django.tasks) on the database
# (django-tasks-db): `python manage.py db_worker` runs them; nothing else to install. README,
# "Background tasks", says how to move them to Redis (django-tasks-rq).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
