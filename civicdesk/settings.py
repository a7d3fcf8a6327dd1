"""Settings, driven by the environment. SQLite is the embedded default; PostgreSQL is
selected with DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/civicdesk)."""

import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CIVICDESK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "civicdesk.twofactor.admin_apps.TwoFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "ninja",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "civicdesk.twofactor",
    "civicdesk.accounts",
    "civicdesk.places",
    "civicdesk.catalogue",
    "civicdesk.assets",
    "civicdesk.units",
    "civicdesk.issues",
    "civicdesk.activities",
    "civicdesk.timeline",
    "civicdesk.alerts",
    "civicdesk.workers",
    "civicdesk.slawatch",
    "civicdesk.live",
    "civicdesk.open311",
    "civicdesk.forwarding",
    "civicdesk.citizens",
    "civicdesk.following",
    "civicdesk.backoffice",
    "civicdesk.reports",
    "civicdesk.demo",
    "civicdesk.phonelines",
    "civicdesk.imports",
    "civicdesk.opendata",
    "civicdesk.backups",
    "civicdesk.throttling",
    "civicdesk.moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "civicdesk.urls"
WSGI_APPLICATION = "civicdesk.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Citizens sign in on the public site; staff pages redirect to /staff/sign-in/ themselves.
LOGIN_URL = "citizens:sign-in"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "civicdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'civicdesk.sqlite3'}",
        conn_max_age=60,
        # A persistent connection is checked before each request reuses it, so that after a
        # database restart the next request opens a new one instead of failing.
        conn_health_checks=True,
    )
}
# Reports (the SLA report, transparency figures, open data) read from this database when
# set: a streaming replica of the default one (civicdesk.replicas). Tests use the default.
REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL", "")
if REPORTS_DATABASE_URL:
    DATABASES["reports"] = dj_database_url.parse(
        REPORTS_DATABASE_URL, conn_max_age=60, conn_health_checks=True
    )
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web process share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests start real worker processes, which must open the test database: a file (not
    # :memory:), one per test run so that runs side by side do not collide.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"civicdesk-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 hashes new and changed passwords; older hashes still verify and are re-hashed
# with Argon2 at the user's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Staff two-factor sign-in (civicdesk.twofactor; TOTP apps and backup codes): users with a
# device give a code after the password at /staff/sign-in/ and /admin/. When required (the
# default in production), staff without a device must set one up at /staff/two-factor/
# before any other back-office page.
STAFF_REQUIRE_TWO_FACTOR = env_bool("STAFF_REQUIRE_TWO_FACTOR", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Civic Desk")
# The admin lists devices but never shows their secret keys or QR codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Cookies and headers. Sessions are HttpOnly; the CSRF cookie is not, because the offline
# outbox (citizens/outbox.js) reads it, as Django's docs allow (HttpOnly would add nothing).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Other sites (the map tile server among them: OpenStreetMap's policy wants a Referer) see
# the site's origin only, never a page's path.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
if not DEBUG:
    # Production is served over HTTPS behind a reverse proxy (docs/deploy.md).
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the web processes directly, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is a promise to browsers' built-in lists that is slow to undo: opt in.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # The header the proxy sets to the scheme the client used; the proxy must overwrite
    # it on every request. Empty when Django terminates TLS itself.
    _proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    if _proxy_ssl_header:
        SECURE_PROXY_SSL_HEADER = (
            "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
            "https",
        )
    # `check --deploy` warns about HSTS choices left off on purpose (docs/decisions.md).
    SILENCED_SYSTEM_CHECKS = [
        check
        for check, chosen in (
            ("security.W021", SECURE_HSTS_PRELOAD),
            ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
        )
        if not chosen
    ]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zu", "isiZulu"), ("af", "Afrikaans")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Africa/Johannesburg")
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "civicdesk" / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries from npm packages (package.json; `./civic` runs `npm ci`).
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "civicdesk" / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/htmx-sse", NODE_MODULES / "htmx-ext-sse" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
]
# Map tiles: any XYZ tile server. Pages work without tiles (address and coordinate entry).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")
# Address search on the place step (civicdesk.places.geocoding): a Nominatim-compatible
# /search endpoint, empty to search the jurisdiction's area names only. Nominatim's usage
# policy wants a User-Agent naming the site; answers are cached for a day.
GEOCODER_URL = os.environ.get("GEOCODER_URL", "https://nominatim.openstreetmap.org/search")
GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT", "3"))
GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", f"Civic Desk ({SITE_URL})")
GEOCODER_COUNTRY_CODES = os.environ.get("GEOCODER_COUNTRY_CODES", "")  # e.g. "za"
# Nominatim's usage policy allows one query a second; set higher for a city's own geocoder.
GEOCODER_QUERIES_PER_SECOND = int(os.environ.get("GEOCODER_QUERIES_PER_SECOND", "1"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))


def url_origin(url: str) -> str:
    """The scheme://host[:port] of an absolute URL template, "" for a relative one; a
    placeholder in the host ({s} subdomains) becomes a wildcard."""
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return ""
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    return f"{parts.scheme}://{host}"


# Content-Security-Policy (django-csp): scripts only from this site's files, never inline
# (no inline <script> or on…= handlers, no eval; data for scripts in json_script blocks or
# data- attributes). Map tiles come from MAP_TILE_URL's server; data: images are Leaflet's
# blank tile and Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *filter(None, [url_origin(MAP_TILE_URL)])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Civic Desk <noreply@civicdesk.local>")

# Radius within which an open issue of the same type counts as "nearby" (duplicate hints).
NEARBY_RADIUS_METRES = int(os.environ.get("NEARBY_RADIUS_METRES", "250"))

# How long each process keeps a jurisdiction's issue types, areas, units and service
# levels before reading them again (civicdesk.issues.reference); changes made in the same
# process apply at once.
REFERENCE_CACHE_SECONDS = int(os.environ.get("REFERENCE_CACHE_SECONDS", "30"))

# Open311 GeoReport v2 (civicdesk.open311): what discovery announces, and how long an
# identical POST from the same client and device counts as a retry of the first.
OPEN311_CHANGESET = "2026-11-23T00:00:00+02:00"
OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "Civic Desk, open311@civicdesk.local")
OPEN311_KEY_SERVICE = os.environ.get("OPEN311_KEY_SERVICE", f"{SITE_URL}/admin/")
OPEN311_REPEAT_WINDOW_SECONDS = int(os.environ.get("OPEN311_REPEAT_WINDOW_SECONDS", "600"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # httpx logs every request's full URL at INFO: providers' query strings can hold keys.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

# Background work, alert delivery, the SLA watch and live updates (issue #6).
# TASKS_BACKEND=django_tasks_rq.RQBackend moves the queue to Redis (REDIS_URL); the
# database backend is the default. REDIS_URL also turns on Redis fan-out for live updates.
REDIS_URL = os.environ.get("REDIS_URL", "")
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}
RQ_SHOW_ADMIN_LINK = False  # the outbox and worker admin pages cover it
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "5"))
ALERTS_POLL_SECONDS = float(os.environ.get("ALERTS_POLL_SECONDS", "2"))
ALERTS_BATCH_SIZE = int(os.environ.get("ALERTS_BATCH_SIZE", "100"))
# A claimed alert not finished within the lease is taken again (its worker died).
ALERTS_LEASE_SECONDS = float(os.environ.get("ALERTS_LEASE_SECONDS", "300"))
ALERTS_MAX_ATTEMPTS = int(os.environ.get("ALERTS_MAX_ATTEMPTS", "8"))
ALERTS_RETRY_BASE_SECONDS = float(os.environ.get("ALERTS_RETRY_BASE_SECONDS", "30"))
ALERTS_RETRY_MAX_SECONDS = float(os.environ.get("ALERTS_RETRY_MAX_SECONDS", "3600"))
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "20"))
# SMS through Africa's Talking (https://api.africastalking.com/version1/messaging);
# the sandbox is https://api.sandbox.africastalking.com/version1/messaging.
SMS_API_URL = os.environ.get("SMS_API_URL", "https://api.africastalking.com/version1/messaging")
SMS_USERNAME = os.environ.get("SMS_USERNAME", "sandbox")
SMS_API_KEY = os.environ.get("SMS_API_KEY", "")
SMS_SENDER_ID = os.environ.get("SMS_SENDER_ID", "")
SMS_TIMEOUT = float(os.environ.get("SMS_TIMEOUT", "10"))
# Web Push: the VAPID private key (base64url DER or PEM path) and contact subject.
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:alerts@civicdesk.local")
SLA_WATCH_SECONDS = float(os.environ.get("SLA_WATCH_SECONDS", "60"))
# How often workers send due forwardings and pull outside providers' updates.
PROVIDER_PULL_SECONDS = float(os.environ.get("PROVIDER_PULL_SECONDS", "300"))
# Resolved issues close after the feedback window; followers get one reminder before.
FEEDBACK_WINDOW_HOURS = float(os.environ.get("FEEDBACK_WINDOW_HOURS", "168"))
FEEDBACK_REMINDER_HOURS = float(os.environ.get("FEEDBACK_REMINDER_HOURS", "72"))
# /health/details/ (parts of the site, queue sizes) is for staff signed in and for a
# monitor sending `Authorization: Bearer <this>`; /health/ is the public probe.
HEALTH_DETAILS_TOKEN = os.environ.get("HEALTH_DETAILS_TOKEN", "")
LIVE_POLL_SECONDS = float(os.environ.get("LIVE_POLL_SECONDS", "1"))
LIVE_STREAM_SECONDS = float(os.environ.get("LIVE_STREAM_SECONDS", "300"))
LIVE_KEEPALIVE_SECONDS = float(os.environ.get("LIVE_KEEPALIVE_SECONDS", "15"))

# Feature phones (civicdesk.phonelines, docs/channels.md): USSD and SMS callbacks of Africa's
# Talking at /phone/ussd/<token>/ and /phone/sms/<token>/. The gateway signs nothing: the
# token in the URL is the secret (the endpoints are off while it is empty), and an optional
# allow-list of the gateway's addresses or networks narrows the callers further.
PHONELINES_CALLBACK_TOKEN = os.environ.get("PHONELINES_CALLBACK_TOKEN", "")
PHONELINES_ALLOWED_IPS = env_list("PHONELINES_ALLOWED_IPS", "")
# A new USSD session within this many minutes of one that stopped mid-way offers to continue.
PHONELINES_RESUME_MINUTES = float(os.environ.get("PHONELINES_RESUME_MINUTES", "5"))
# Per phone number: USSD sessions and text messages answered per hour, reports per day.
PHONELINES_USSD_SESSIONS_PER_HOUR = int(os.environ.get("PHONELINES_USSD_SESSIONS_PER_HOUR", "20"))
PHONELINES_SMS_PER_HOUR = int(os.environ.get("PHONELINES_SMS_PER_HOUR", "20"))
PHONELINES_REPORTS_PER_DAY = int(os.environ.get("PHONELINES_REPORTS_PER_DAY", "10"))

# The shared cache: rate-limit counters (civicdesk.throttling) and cached answers. Redis
# when REDIS_URL is set; otherwise a table in the database (`createcachetable`, run by
# ./civic and by the tests' database set-up), the one store that the web server and the
# worker of the embedded default already share (docs/decisions.md).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "civicdesk",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "civicdesk_cache",
            # Culling at the default 300 entries would forget rate-limit counters under attack.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    }

# Rate limits (civicdesk.throttling), answered with a 429 and Retry-After. Each is a rate
# "count/period", period s, m, h or d with an optional multiplier ("5/15m"); empty turns it
# off. Scopes: the client's IP address, its account (a signed-in user, or the e-mail or
# phone a signed-out citizen gives; for sign-ins the account asked for) and its API key (an
# Open311 application key or an /api/v1 bearer token: an app speaks for many citizens).
# Reports and pushes count when made (a refused or invalid request does not count); only
# FAILED sign-ins count, so signing in often never locks anyone out; every sign-in link
# asked for counts (each sends an e-mail). Phone lines have their own limits (PHONELINES_*).
RATE_LIMITS = {
    "report_per_account": os.environ.get("RATE_LIMIT_REPORTS_PER_ACCOUNT", "10/h"),
    "report_per_ip": os.environ.get("RATE_LIMIT_REPORTS_PER_IP", "30/h"),
    "report_per_key": os.environ.get("RATE_LIMIT_REPORTS_PER_KEY", "600/h"),
    "push_per_account": os.environ.get("RATE_LIMIT_PUSHES_PER_ACCOUNT", "30/h"),
    "push_per_ip": os.environ.get("RATE_LIMIT_PUSHES_PER_IP", "100/h"),
    "push_per_key": os.environ.get("RATE_LIMIT_PUSHES_PER_KEY", "1000/h"),
    "sign_in_per_account": os.environ.get("RATE_LIMIT_FAILED_SIGN_INS_PER_ACCOUNT", "5/15m"),
    "sign_in_per_ip": os.environ.get("RATE_LIMIT_FAILED_SIGN_INS_PER_IP", "20/15m"),
    "sign_in_link_per_account": os.environ.get("RATE_LIMIT_SIGN_IN_LINKS_PER_EMAIL", "3/h"),
    "sign_in_link_per_ip": os.environ.get("RATE_LIMIT_SIGN_IN_LINKS_PER_IP", "20/h"),
    # Open-data files stream every issue asked for (a year of a metro is hundreds of MB).
    "download_per_ip": os.environ.get("RATE_LIMIT_DOWNLOADS_PER_IP", "30/h"),
}
# Behind a reverse proxy every client has the proxy's address: name the META entry that
# holds the client's (e.g. HTTP_X_REAL_IP; the proxy must overwrite it, never pass it on).
RATE_LIMIT_IP_HEADER = os.environ.get("RATE_LIMIT_IP_HEADER", "")
# An unreachable cache lets requests through rather than refusing every citizen.
RATELIMIT_FAIL_OPEN = True

# Photos (civicdesk.issues.photos): JPEG, PNG or WebP, at most this many bytes and pixels
# (both sides and in all: a small file declaring a huge image is refused before decoding).
# They are stored turned upright, at most PHOTO_STORED_EDGE pixels, without metadata except
# the GPS position when the citizen chose to share it.
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS", "50000000"))
PHOTO_MAX_SIDE = int(os.environ.get("PHOTO_MAX_SIDE", "12000"))
PHOTO_STORED_EDGE = int(os.environ.get("PHOTO_STORED_EDGE", "1600"))
