"""Settings for Incident Archive.

Development needs no configuration: SQLite and the search index live in
ARCHIVE_DATA_DIR (default var/ in the checkout). Production is chosen with
ARCHIVE_ENV=production and then refuses to start without its secrets.
"""

import re
from pathlib import Path

import dj_database_url

from archive.env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ARCHIVE_ENV = env_str("ARCHIVE_ENV", "development")
if ARCHIVE_ENV not in {"development", "production"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"ARCHIVE_ENV={ARCHIVE_ENV!r}: use 'development' or 'production'.")
PRODUCTION = ARCHIVE_ENV == "production"

DATA_DIR = Path(env_str("ARCHIVE_DATA_DIR", str(BASE_DIR / "var"))).resolve()
# The archive's own records as files (load_content's default folder).
CONTENT_DIR = Path(env_str("ARCHIVE_CONTENT_DIR", str(BASE_DIR / "content"))).resolve()

if PRODUCTION:
    SECRET_KEY = env_str("ARCHIVE_SECRET_KEY", required=True)
    ALLOWED_HOSTS = env_list("ARCHIVE_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set ARCHIVE_ALLOWED_HOSTS (comma-separated host names).")
    DEBUG = False
    # Feeds, exports and citations write absolute links; behind a proxy the Host header
    # is no trustworthy source for them.
    ARCHIVE_BASE_URL = env_str("ARCHIVE_BASE_URL", required=True)
else:
    # A fixed key is fine only because development never runs in production mode.
    SECRET_KEY = env_str("ARCHIVE_SECRET_KEY", "dev-only-insecure-key-not-for-production")
    ALLOWED_HOSTS = env_list("ARCHIVE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    DEBUG = env_bool("ARCHIVE_DEBUG", True)
    # Empty: absolute links are built from the request's own address.
    ARCHIVE_BASE_URL = env_str("ARCHIVE_BASE_URL", "")
if ARCHIVE_BASE_URL and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", ARCHIVE_BASE_URL):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"ARCHIVE_BASE_URL={ARCHIVE_BASE_URL!r}: give the site's root, e.g. https://archive.example/"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "archive.security.ContentSecurityPolicyMiddleware",
    "archive.api.middleware.ApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "archive.ratelimit.LoginRateLimitMiddleware",
    # Last: it answers 304 before the view, after the language and the user are known.
    "archive.caching.ConditionalCachingMiddleware",
]

ROOT_URLCONF = "archive.urls"

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

WSGI_APPLICATION = "archive.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'archive.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging lets readers and one writer work at once, and synchronous=NORMAL
    # makes a commit cheap (a power cut may lose the last commits, never corrupt the file).
    # IMMEDIATE transactions take the write lock up front, so two writers wait for each
    # other (up to the timeout) instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves static files from every web worker. Production serves what
# `collectstatic` gathered into STATIC_ROOT, compressed and with hashed names
# cached forever; development serves static/ as it is, re-read on each request.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
if PRODUCTION:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# The search engine behind archive.search: "whoosh" (files in the data folder) or "postgres"
# (the database's own full-text search; docs/production.md).
ARCHIVE_SEARCH_BACKEND = env_str("ARCHIVE_SEARCH_BACKEND", "whoosh")
# Processes writing a Whoosh rebuild or a large bulk write (docs/search.md); 0: one per core.
ARCHIVE_INDEX_WORKERS = env_int("ARCHIVE_INDEX_WORKERS", 0, minimum=0)

# Languages an article may be written in; the importers and the loader refuse others.
ARCHIVE_LANGUAGES = {"de": "German", "en": "English"}

# What the importers and the content loader read at most (docs/importing.md): one record
# (an article file, a JSON line, a content file), and one .jsonl file after decompression.
ARCHIVE_MAX_RECORD_BYTES = env_int("ARCHIVE_MAX_RECORD_BYTES", 4 * 1024 * 1024, minimum=1024)
ARCHIVE_MAX_FILE_BYTES = env_int("ARCHIVE_MAX_FILE_BYTES", 1024 * 1024 * 1024, minimum=1024)

# What the Whoosh engine keeps per process from one index generation (docs/search.md, "Memory"):
# at most this many filter sets and orders, the least recently used dropped first. Each holds up
# to one number per article (some 7 MB at 100,000 articles).
ARCHIVE_SEARCH_CACHED_SETS = env_int("ARCHIVE_SEARCH_CACHED_SETS", 16, minimum=1)

# A file cache in the data folder, for the login limit: every gunicorn worker on the
# machine sees the same counts (the local-memory cache is one per process, so each worker
# would allow the whole limit again), and it takes no database write lock, which on SQLite
# would make every login wait behind a running import. Several machines need a shared
# cache instead (the database cache or memcached). The API limit keeps its counts in a
# file of its own in the data folder (archive/ratelimit.py), which can count exactly.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        # Every write lists the folder to see whether to cull, so the folder is kept to a
        # few thousand files (a few ms to list).
        "OPTIONS": {"MAX_ENTRIES": 3000},
    }
}
# Seconds a shared cache (a CDN) may serve an anonymous response without asking again;
# five times as long it may serve it stale while it revalidates (a 304 when nothing changed).
ARCHIVE_CACHE_MAX_AGE = env_int("ARCHIVE_CACHE_MAX_AGE", 60, minimum=0)

# Seconds a web process reuses the archive's change stamp (one small query) before asking again.
ARCHIVE_STAMP_SECONDS = env_int("ARCHIVE_STAMP_SECONDS", 2, minimum=0)

# Aggregates (counts per month, the most named entities, a long list's first keys) a web process
# keeps for the archive's current state (archive/remembered.py); the least recently used go first.
ARCHIVE_REMEMBERED = env_int("ARCHIVE_REMEMBERED", 256, minimum=0)

# Addresses per sitemap file (the protocol's ceiling is 50,000); /sitemap.xml indexes the files.
ARCHIVE_SITEMAP_LIMIT = env_int("ARCHIVE_SITEMAP_LIMIT", 5000, minimum=1)

# Slides in a TimelineJS export at most: TimelineJS builds every slide in the browser, and a few
# hundred are what it shows smoothly. The title slide says what was left out (docs/timelines.md).
ARCHIVE_TIMELINEJS_SLIDES = env_int("ARCHIVE_TIMELINEJS_SLIDES", 500, minimum=1)

# Requests per client address to /api/search and the records API: "COUNT/SECONDS", or "off".
# Counted in DATA_DIR/ratelimit.sqlite3; see docs/hardening.md.
ARCHIVE_API_RATE = env_rate("ARCHIVE_API_RATE", "120/60")

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("ARCHIVE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Sent with every response, in development too, so an inline script fails early.
# No 'unsafe-inline' anywhere: pages work without script, and the admin loads its
# scripts from files.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Admin login attempts: failures allowed per address and user name, per address
# alone, within a window of seconds; then 429 until the window ends.
ARCHIVE_LOGIN_LIMITS = {
    "per_account": env_int("ARCHIVE_LOGIN_FAILURES", 5, minimum=1),
    "per_address": env_int("ARCHIVE_LOGIN_FAILURES_PER_ADDRESS", 20, minimum=1),
    "window": env_int("ARCHIVE_LOGIN_WINDOW", 900, minimum=1),
}
# How many reverse proxies in front of the site append to X-Forwarded-For (0: none).
ARCHIVE_PROXY_COUNT = env_int("ARCHIVE_PROXY_COUNT", 0, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ARCHIVE_LOG_LEVEL", "WARNING")},
}
