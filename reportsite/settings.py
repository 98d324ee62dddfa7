"""Settings for reportsite, read from the environment (and an optional `.env` file).

Every value has a safe development default except SECRET_KEY, which production must set.
See `.env.example` for the documented variables, and `.env.production.example` for the
values a production server runs with (`manage.py check --deploy` is clean with them).
"""

import datetime
import importlib.util
import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables already in the process environment win over the file.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set SECRET_KEY in the environment or in .env "
            "(or set DEBUG=true for local development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The site's public origin, used for absolute links that leave the page: canonical URLs,
# the feed, the sitemap, social-media cards and citations. One configured origin rather
# than the request's Host header, so every copy of a link names the same address.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
if not re.fullmatch(r"https?://[^/?#\s]+", SITE_URL):
    raise ImproperlyConfigured(
        f"SITE_URL must be an origin such as https://example.org (no path), not {SITE_URL!r}."
    )

# HTTPS. Off by default so that development and the tests run over plain HTTP;
# `.env.production.example` turns everything on, and `check --deploy` says what is missing.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Load balancers probe over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a TLS-terminating proxy, e.g. "HTTP_X_FORWARDED_PROTO,https". Only set this when the
# proxy always overwrites that header: otherwise a client could claim HTTPS itself.
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER must be a header name and a value separated by a comma, "
        "e.g. HTTP_X_FORWARDED_PROTO,https"
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
# Django's defaults, stated because the security headers test relies on them.
SECURE_CONTENT_TYPE_NOSNIFF = True
# Other sites learn only our origin, never the page. Not "same-origin": embedded YouTube
# players refuse to play without a Referer.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Where the editors' admin lives, e.g. "editors-7f3a/" (relative, ending with a slash).
ADMIN_URL = env.str("ADMIN_URL", default="admin/")
if ADMIN_URL.startswith("/") or not ADMIN_URL.endswith("/"):
    raise ImproperlyConfigured(
        f"ADMIN_URL must be a relative path ending with a slash, like 'admin/' (got {ADMIN_URL!r})."
    )

INSTALLED_APPS = [
    # Content in every language (one column per language); before the admin, as it asks.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "reversion",
    "reportsite",
    # Citation metadata, downloads and stable file addresses (publications register with it).
    "citations",
    # Site search (SQLite FTS5 or PostgreSQL full-text search; apps register what is found).
    "search",
    # Drafts, publishing, previews, history and files for every kind of content (content
    # apps register with it).
    "editorial",
    "publications",
    "consent",
    "translations",
    # Background work (the editions' imports): Django's tasks framework (backport) and its
    # database backend; `manage.py db_worker` runs the tasks.
    "django_tasks",
    "django_tasks_db",
    "editions",
]

MIDDLEWARE = [
    # First: HTTPS redirects and HSTS for every answer, cached pages included.
    "django.middleware.security.SecurityMiddleware",
    # Before everything else: a cached public page is answered with the headers stored with
    # it, the policies below included, so it costs none of them (nor sessions, CSRF or the
    # database). It reads the language from the URL itself.
    "reportsite.pagecache.PublicPageCacheMiddleware",
    # The security policies come before WhiteNoise so that static files carry them too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The language comes from the URL's prefix alone (/fr/, /ar/; none for English), never
    # from Accept-Language or a cookie (see reportsite.languages).
    "reportsite.languages.UrlLanguageMiddleware",
    # After the page cache: the page that confirms a decision deletes a cookie, so it is
    # never stored (consent.notice).
    "consent.notice.NoticeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes wants to be last: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reportsite.urls"

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

WSGI_APPLICATION = "reportsite.wsgi.application"

# The embedded default: one SQLite file in the project folder.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with the database file (and its -wal, -shm) readable by the site's
    # own user alone: it holds password hashes and sessions (reportsite.private_sqlite3).
    DATABASES["default"]["ENGINE"] = "reportsite.private_sqlite3"
    # Many concurrent writers (consent records) on one file: readers never block the
    # writer (WAL), writers queue at BEGIN instead of failing mid-transaction with
    # "database is locked" (IMMEDIATE), and wait up to 20 s for their turn.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Each worker keeps its connection for its whole life instead of opening one per
    # request: opening SQLite (Django registers its SQL functions on every new connection,
    # the PRAGMAs above run again) was 1.9 of the 2.6 ms of CPU a /healthz took under
    # Gunicorn. There is no server to go away; a conn_max_age in DATABASE_URL still wins.
    # Not under DEBUG: the development server answers each request in a thread of its own,
    # which would leave its connection open until the garbage collector found it.
    if not DEBUG:
        DATABASES["default"].setdefault("CONN_MAX_AGE", None)

# Cache: local memory by default (one server); Redis when several servers share it, e.g.
# CACHE_URL=redis://127.0.0.1:6379/1 (Django's built-in RedisCache).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    # Each worker keeps its own copies. Django's 300 entries are fewer than the real pages:
    # (publications + index pages + 5) × 6 languages × ~6 consent variants, about 2 700 for
    # 50 publications, each page stored as three entries (plain, Brotli, gzip: a hit reads
    # only the one it sends). At ~25 KB a page in all, 9 000 entries are at most ~75 MB per
    # worker, and only pages visitors ask for are stored (docs/hardening-cache.md).
    CACHES["default"].setdefault("OPTIONS", {}).setdefault(
        "MAX_ENTRIES", env.int("PAGE_CACHE_MAX_ENTRIES", default=9000)
    )
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis outage slows pages down instead of failing them (reportsite.rediscache);
    # each call gives up on an unreachable Redis after CACHE_REDIS_TIMEOUT seconds.
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    CACHES["default"]["BACKEND"] = "reportsite.rediscache.DegradingRedisCache"
    _redis_timeout = env.float("CACHE_REDIS_TIMEOUT", default=0.5)
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "socket_connect_timeout": _redis_timeout,
            "socket_timeout": _redis_timeout,
            # One immediate retry (a pooled connection broken by a Redis restart), not
            # redis-py's default backoff, which holds every request ~4 s while Redis is away.
            "retry": Retry(NoBackoff(), 1),
            # Signed before pickling, verified before unpickling: a value someone else wrote
            # to Redis is refused, never run.
            "serializer": "reportsite.rediscache.SignedPickleSerializer",
        }
    )
    # Rate-limit counters (reportsite.counters) apart from the pages: by default the same
    # Redis server's next database (redis://.../1 for pages in /0), so that emptying the
    # page cache (FLUSHDB) cannot reset them; without Redis they are counted in the database.
    _pages = urlsplit(CACHES["default"]["LOCATION"])
    _pages_db = int(_pages.path.strip("/") or 0)
    _counters_url = env.str(
        "COUNTER_CACHE_URL",
        default=_pages._replace(path=f"/{_pages_db + 1}").geturl() if _pages_db < 15 else "",
    )
    if not _counters_url:
        raise ImproperlyConfigured(
            "CACHE_URL uses Redis database 15: set COUNTER_CACHE_URL to another database "
            "for the rate-limit counters, e.g. redis://:PASSWORD@host:6379/14."
        )
    CACHES["counters"] = {**CACHES["default"], "LOCATION": _counters_url, "KEY_PREFIX": "counters"}

# Public pages are cached whole for anonymous visitors, per consent state (reportsite.pagecache).
# PAGE_CACHE_SECONDS=0 turns it off. With the local-memory cache each worker keeps its own
# copies, and this file's time tells every worker on the machine that content changed.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
EDITION_IMPORT_STALE_SECONDS = env.int("EDITION_IMPORT_STALE_SECONDS", default=120)

PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_ALIAS = "default"
# With a shared cache (Redis), how often (seconds) each process also reads the content
# generation from the database, so that an edit reaches every visitor even when Redis is
# full, flushed or restarted from an old dump (reportsite.pagecache.current_generation).
PAGE_CACHE_GENERATION_CHECK = env.float("PAGE_CACHE_GENERATION_CHECK", default=1.0)
PAGE_CACHE_STAMP_FILE = BASE_DIR / env.str("PAGE_CACHE_STAMP_FILE", default="var/content-changed")
# A stored page also keeps its Brotli and gzip bodies, made once (docs/nginx.md).
PAGE_CACHE_BROTLI_QUALITY = env.int("PAGE_CACHE_BROTLI_QUALITY", default=9)
# The front server's copy (nginx's proxy_cache, deploy/nginx.conf.in): fresh for this long,
# then refreshed in the background while served for the next, and served while no app
# server answers for the last; an edit reaches every visitor within the first two.
PAGE_FRONT_CACHE_SECONDS = env.int("PAGE_FRONT_CACHE_SECONDS", default=2)
PAGE_FRONT_CACHE_REFRESH_SECONDS = env.int("PAGE_FRONT_CACHE_REFRESH_SECONDS", default=3)
PAGE_FRONT_CACHE_STALE_IF_ERROR_SECONDS = env.int("PAGE_FRONT_CACHE_STALE_IF_ERROR_SECONDS", default=60)
PAGE_CACHE_VARIANT_COOKIE = "pagevariant"

# django-axes checks every login over HTTP first, then Django's own backend checks the password.
AUTHENTICATION_BACKENDS = [
    "reportsite.authentication.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The six official languages of the United Nations. English is the default, at the
# unprefixed addresses; the others live under /fr/, /es/, /ru/, /zh-hans/ and /ar/.
# Names are the languages' own ("Français"), as the language switcher shows them.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("zh-hans", "简体中文"),
    ("ar", "العربية"),
]
# Translatable content (publications.translation, consent.translation): an empty
# translation shows the English text, which pages mark lang="en".
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Editors see the English columns under the field's own name in forms and lists.
MODELTRANSLATION_AUTO_POPULATE = False
# The interface's translations, compiled and committed (a fresh machine needs no gettext).
LOCALE_PATHS = [BASE_DIR / "locale"]
# British English dates ("25 November 2025") rather than Django's American default.
FORMAT_MODULE_PATH = ["reportsite.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` writes; relative paths are taken from the project folder.
STATIC_ROOT = BASE_DIR / env.str("STATIC_ROOT", default="staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_URL = "/media/"
# A relative MEDIA_ROOT is taken from the project folder, not the working directory.
MEDIA_ROOT = BASE_DIR / env.str("MEDIA_ROOT", default="media")

# Uploaded media: the local MEDIA_ROOT on a single server, or an S3-compatible bucket that
# several app servers share (needs `pip install -r requirements-s3.txt`).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
MEDIA_ORIGIN = ""
# Files only drafts have live in a private store (editorial.files): a folder outside
# MEDIA_ROOT, or the bucket's private prefix.
PRIVATE_MEDIA_ROOT = BASE_DIR / env.str("PRIVATE_MEDIA_ROOT", default="private-media")
if MEDIA_STORAGE == "local":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage = {"BACKEND": "editorial.files.PrivateFileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs django-storages: pip install -r requirements-s3.txt"
        )
    from botocore.config import Config as _BotoConfig

    AWS_S3_CONNECT_TIMEOUT = env.float("AWS_S3_CONNECT_TIMEOUT", default=2)
    AWS_S3_READ_TIMEOUT = env.float("AWS_S3_READ_TIMEOUT", default=5)
    AWS_S3_MAX_ATTEMPTS = env.int("AWS_S3_MAX_ATTEMPTS", default=1)
    _s3_domain = env.str("AWS_S3_CUSTOM_DOMAIN", default="")
    _s3_endpoint = env.str("AWS_S3_ENDPOINT_URL", default="")
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "endpoint_url": _s3_endpoint or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": _s3_domain or None,
            # An unreachable or frozen bucket must fail an upload within seconds (the editor
            # sees the 503 of reportsite.unavailable), well before Gunicorn's worker timeout
            # kills the worker with a bare 500: (connect + read) × attempts < GUNICORN_TIMEOUT,
            # which a system check verifies (reportsite.checks). Addressing style "path"
            # suits servers without per-bucket host names (MinIO, moto, Ceph).
            "client_config": _BotoConfig(
                s3={"addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="auto")},
                connect_timeout=AWS_S3_CONNECT_TIMEOUT,
                read_timeout=AWS_S3_READ_TIMEOUT,
                retries={"total_max_attempts": AWS_S3_MAX_ATTEMPTS, "mode": "standard"},
            ),
            # Published media are public and their names change with their content.
            "querystring_auth": False,
            "file_overwrite": False,
            "location": env.str("MEDIA_PUBLIC_PREFIX", default="published"),
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    # The same bucket's private prefix, which the bucket policy never opens to anyone.
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_media_storage["OPTIONS"],
            "custom_domain": None,
            "querystring_auth": True,
            "location": env.str("MEDIA_PRIVATE_PREFIX", default="drafts"),
            "default_acl": "private",
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }
    # Pages show covers and logos from the bucket: the CSP must allow its origin.
    MEDIA_ORIGIN = env.str(
        "MEDIA_ORIGIN", default=f"https://{_s3_domain}" if _s3_domain else _s3_endpoint
    )
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'local' or 's3' (got {MEDIA_STORAGE!r}).")

# Gunicorn's worker timeout (gunicorn.conf.py reads the same variable): storage calls must
# give up well before it (reportsite.checks).
GUNICORN_TIMEOUT = env.int("GUNICORN_TIMEOUT", default=30)

# Where `manage.py backup` writes its archives; relative paths are taken from the project folder.
BACKUP_DIR = BASE_DIR / env.str("BACKUP_DIR", default="backups")
# Key of the archives' signatures (HMAC-SHA256 of the manifest), distinct from SECRET_KEY:
# `backup` refuses to write and `restore` to read without it (reportsite.backups).
BACKUP_SIGNING_KEY = env.str("BACKUP_SIGNING_KEY", default="")

STORAGES = {
    "default": _media_storage,
    "drafts": _private_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Django 6 behaviour now: links typed without a scheme in the admin become https://.
FORMS_URLFIELD_ASSUME_HTTPS = True

# Where a valid file waits when the rest of its admin form failed (editorial.conf):
# private to the site's user (0700/0600, checked at start-up), inside the project's own
# data folder by default; several app servers must share it. Relative paths are taken from
# the project folder.
PENDING_UPLOADS_DIR = BASE_DIR / env.str("PENDING_UPLOADS_DIR", default="var/pending-uploads")

# Uploads checked by editorial.uploads: limits an editor sees in form errors.
MAX_IMAGE_UPLOAD_BYTES = env.int("MAX_IMAGE_UPLOAD_BYTES", default=25 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=50_000_000)
MAX_PDF_UPLOAD_BYTES = env.int("MAX_PDF_UPLOAD_BYTES", default=100 * 1024 * 1024)

# Optional third parties, gated by the consent app. Analytics is off while unset
# (e.g. a self-hosted Matomo or Plausible script URL and site id).
ANALYTICS_SCRIPT_URL = env.str("ANALYTICS_SCRIPT_URL", default="")
ANALYTICS_SITE_ID = env.str("ANALYTICS_SITE_ID", default="")
# Origins whose players may be embedded once a visitor allows embedded content.
EMBED_FRAME_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]

# Consent (see consent/ and docs/privacy-officers.md): consent/conf.py documents
# each setting and owns its default; here only what the environment sets (None = default).
CONSENT_MAX_AGE_DAYS = env.int("CONSENT_MAX_AGE_DAYS", default=None)
CONSENT_RETENTION_DAYS = env.int("CONSENT_RETENTION_DAYS", default=None)
CONSENT_COOKIE_NAME = env.str("CONSENT_COOKIE_NAME", default=None)
CONSENT_COOKIE_SECURE = env.bool("CONSENT_COOKIE_SECURE", default=None)
CONSENT_HASH_KEY = env.str("CONSENT_HASH_KEY", default=None)
# Decisions one client network may post (e.g. 60/m); beyond it HTTP 429, nothing recorded.
# Unset or empty: the default (consent/conf.py); "off": no limit.
CONSENT_RATE_LIMIT = env.str("CONSENT_RATE_LIMIT", default=None) or None
if CONSENT_RATE_LIMIT == "off":
    CONSENT_RATE_LIMIT = ""


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Content-Security-Policy (django-csp): no inline code anywhere, so no 'unsafe-inline' and no
# nonces; one header for every visitor, which keeps pages cacheable. Third-party origins are
# listed only when configured.
_analytics = [o for o in [_origin(ANALYTICS_SCRIPT_URL)] if o]
_media = [o for o in [_origin(MEDIA_ORIGIN)] if o]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, *_analytics],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_media, *_analytics],
        "font-src": [SELF],
        "connect-src": [SELF, *_analytics],
        "frame-src": EMBED_FRAME_ORIGINS or [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
    },
}

# Permissions-Policy (django-permissions-policy): the site uses none of these features.
# Embedded players get fullscreen (the video frames ask for it).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": ["self", *EMBED_FRAME_ORIGINS],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# Admin protection (django-axes): after AXES_FAILURE_LIMIT failed logins for one username
# from one IP address, that pair is locked out for AXES_COOLOFF_MINUTES (HTTP 429). Attempts
# and lockouts are logged (logger "axes") and listed in the admin.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "reportsite/locked_out.html"
# The log names the username and address, so that an operator can see who is targeted.
AXES_SENSITIVE_PARAMETERS = ["password"]
# Reverse proxies in front of Gunicorn that append to X-Forwarded-For: the lockout keys on
# the address they saw, not on one the client wrote (reportsite.client_address). The header
# is read only from TRUSTED_PROXIES (addresses or networks, like Gunicorn's
# forwarded_allow_ips): anyone else reaching an app server is known by their own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
AXES_CLIENT_IP_CALLABLE = "reportsite.client_address.client_ip"

# Logs go to standard error, where Gunicorn's own messages go and systemd or a container
# collects them: one line per event (time, level, logger, message) and, for an error, its
# traceback on the lines below. Server errors (every 500, logged by `django.request` with
# the exception) are never lost: Django's default sends them only to `mail_admins`, which
# without ADMINS goes nowhere. Client errors (404, 400) are in Gunicorn's access log already.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Security events (refused hosts, bad signatures) and errors; in development, also
        # runserver's messages and each 404 as Django shows them by default.
        "django": {
            "handlers": ["console"],
            "level": "INFO" if DEBUG else "WARNING",
            "propagate": False,
        },
        "django.request": {
            "handlers": ["console"],
            "level": "WARNING" if DEBUG else "ERROR",
            "propagate": False,
        },
        # Failed logins and lockouts are warnings; successful logins are not logged.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "reportsite": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Error reporting (optional): with SENTRY_DSN set, server errors and their tracebacks also go
# to Sentry (or a Sentry-compatible service such as GlitchTip) through the official
# sentry-sdk, installed with `pip install -r requirements-sentry.txt`. Unset, the SDK is not
# even imported and nothing is sent. No personal data is sent (no IP address, cookie or user
# name: `send_default_pii` stays off) and no performance traces, only errors. The SDK reads
# SENTRY_ENVIRONMENT and SENTRY_RELEASE from the environment itself.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError as error:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: "
            "pip install -r requirements-sentry.txt (or unset SENTRY_DSN)."
        ) from error
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        traces_sample_rate=0,
    )

# Files that must live at the site root because clients ask for them there without a page
# naming them (/favicon.ico, /apple-touch-icon.png): WhiteNoise serves this folder at "/".
# Drawn by reportsite/icons.py.
WHITENOISE_ROOT = BASE_DIR / "reportsite" / "root"
