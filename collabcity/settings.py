"""CollabCity settings, read from the environment (see README, "Configurazione")."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    # Only for a developer's machine: sessions signed with it are worthless elsewhere.
    SECRET_KEY = "django-insecure-collabcity-development-only"  # noqa: S105

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "collabcity",
    "consulte",
    "accordi",
    "centri_sociali",
    "volontariato",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_filters",
    "simple_history",
    "django_celery_beat",
    "rules.apps.AutodiscoverRulesConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Stored public pages are answered here, before sessions, locale, CSRF and authentication.
    "collabcity.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "collabcity.urls"
WSGI_APPLICATION = "collabcity.wsgi.application"

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
                "collabcity.context_processors.portal",
            ],
        },
    },
]

# The embedded default lets a newcomer run the portal with no services at all.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A PostgreSQL read replica answers the anonymous visitors' page reads; elections, sessions,
# accounts, writes and transactions stay on the primary (collabcity/replica.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        # In tests, a second connection to the test database.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["collabcity.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "collabcity.replica.ReplicaReadsMiddleware",
    )
# Values travel apart from the SQL text (server-side binding), and a statement run five times
# on a connection becomes a prepared one, parsed and planned once: about a quarter more casts
# per second (issue 11). Behind a pooler that does not keep prepared statements (PgBouncer in
# transaction mode before 1.21), DB_PREPARE_THRESHOLD=off.
# A migration that changes what a prepared statement returns: collabcity/prepared_statements.py.
DB_PREPARE_THRESHOLD = (os.environ.get("DB_PREPARE_THRESHOLD") or "5").strip().lower()
for _database in DATABASES.values():
    if _database.get("ENGINE") == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {}).update(
            server_side_binding=True,
            prepare_threshold=None if DB_PREPARE_THRESHOLD == "off" else int(DB_PREPARE_THRESHOLD),
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "collabcity.User"
AUTHENTICATION_BACKENDS = [
    # Object permissions from the predicates in each app's rules.py.
    "rules.permissions.ObjectPermissionBackend",
    # allauth's login by e-mail; the person of each request comes with their unread count.
    "collabcity.auth_backends.PortalBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

# django-allauth: e-mail is the login, and must be verified before it is used.
ACCOUNT_ADAPTER = "collabcity.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CollabCity] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"

# SPID/CIE for the verification of electors, through an OpenID Connect provider (for instance
# the Comune's SPID/CIE gateway): enabled only when SPID_OIDC_SERVER_URL is set. Its verified
# fiscal-number claim (`fiscalNumber`, "TINIT-<codice fiscale>") is matched to the rolls by
# consulte/elections/oidc.py; the provider id "spid" is the one that module expects.
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
if os.environ.get("SPID_OIDC_SERVER_URL"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": "spid",
            "name": os.environ.get("SPID_OIDC_NAME", "SPID / CIE"),
            "client_id": os.environ.get("SPID_OIDC_CLIENT_ID", ""),
            "secret": os.environ.get("SPID_OIDC_CLIENT_SECRET", ""),
            "settings": {
                "server_url": os.environ["SPID_OIDC_SERVER_URL"],
                "scope": env_list("SPID_OIDC_SCOPE", "openid,profile"),
            },
        }
    )

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap Italia and htmx come from the npm registry (package.json); their built files are
# served from node_modules so that no vendored copy can drift from the declared version.
BOOTSTRAP_ITALIA_DIST = BASE_DIR / "node_modules" / "bootstrap-italia" / "dist"
STATICFILES_DIRS = [
    *[
        (f"bootstrap-italia/{part}", BOOTSTRAP_ITALIA_DIST / part)
        for part in ("css", "js", "fonts", "svg")
    ],
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "collabcity.files.PrivateStorage"},
    "staticfiles": {
        "BACKEND": (
            "collabcity.static_storage.PortalStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Outside MEDIA_ROOT, never served by the web server: see collabcity/files.py.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))

# Uploads in an S3-compatible bucket, for several web and worker machines that share no disk.
# No ACL is ever sent with an object: every file is as private as the bucket, and the public
# files are reached through signed links, or through MEDIA_S3_CUSTOM_DOMAIN (a CDN, or a bucket
# policy that opens the media/ prefix only). Private files keep their URL, the view that checks
# the permission (collabcity/s3.py); they go to their own bucket if MEDIA_S3_PRIVATE_BUCKET.
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    s3_options = {
        "default_acl": None,
        "file_overwrite": False,
        **{
            option: os.environ[variable]
            for option, variable in [
                ("endpoint_url", "MEDIA_S3_ENDPOINT_URL"),
                ("region_name", "MEDIA_S3_REGION"),
                # Without them, boto3's own chain: AWS_* variables, the machine's role.
                ("access_key", "MEDIA_S3_ACCESS_KEY_ID"),
                ("secret_key", "MEDIA_S3_SECRET_ACCESS_KEY"),
            ]
            if os.environ.get(variable)
        },
    }
    media_domain = os.environ.get("MEDIA_S3_CUSTOM_DOMAIN", "")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **s3_options,
            "bucket_name": MEDIA_S3_BUCKET,
            "location": "media",
            "custom_domain": media_domain or None,
            "querystring_auth": not media_domain,
        },
    }
    STORAGES["private"] = {
        "BACKEND": "collabcity.s3.PrivateS3Storage",
        "OPTIONS": {
            **s3_options,
            "bucket_name": os.environ.get("MEDIA_S3_PRIVATE_BUCKET") or MEDIA_S3_BUCKET,
            "location": "private",
        },
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if PRODUCTION and not REDIS_URL:
    # Rate limits (votes' verification, logins) and sessions' caches must be shared by every
    # process: a per-process memory cache multiplies every limit by the number of workers.
    raise ImproperlyConfigured("REDIS_URL must be set when DJANGO_ENV=production.")

# Our reverse proxies in front of the portal: the client is the address the outermost saw.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "collabcity.redis_cache.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "collabcity",
        },
        # Whole public pages (collabcity/page_cache.py): on a Redis of its own in production
        # (maxmemory with allkeys-lru), where made-up URLs can push out only other pages.
        "pages": {
            "BACKEND": "collabcity.redis_cache.PortalRedisCache",
            "LOCATION": os.environ.get("PAGE_CACHE_REDIS_URL") or REDIS_URL,
            "KEY_PREFIX": "collabcity-pages",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

# Anonymous public pages are cached whole (collabcity/page_cache.py) and dropped as soon as
# what they show changes; this only bounds how long an unused page takes room in the cache.
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "900"))
# The release in the page cache's keys, so that no page of the previous release (its templates,
# the hashed names of its static files) is served after a deploy: the deploy may set it (a git
# commit); by default it is a digest of the portal's own files (collabcity.page_cache.release).
PAGE_CACHE_RELEASE = os.environ.get("PAGE_CACHE_RELEASE", "")
# Sessions: in the database (db), or in Redis (cache), or in Redis in front of the database
# (cached_db), so that a web process keeps nothing of its own and any machine serves any request.
# Their own cache alias, which SESSION_REDIS_URL may put on a Redis that never evicts keys.
# With Redis the default is cached_db: read from Redis on every request, written to the database
# only when they change (a login, a message), so PostgreSQL keeps them through a Redis restart.
SESSION_BACKENDS = ("db", "cached_db", "cache")
session_backend = (
    os.environ.get("SESSION_ENGINE") or ("cached_db" if REDIS_URL else "db")
).removeprefix("django.contrib.sessions.backends.")
if session_backend not in SESSION_BACKENDS:
    raise ImproperlyConfigured(f"SESSION_ENGINE must be one of {', '.join(SESSION_BACKENDS)}.")
SESSION_ENGINE = f"django.contrib.sessions.backends.{session_backend}"
if session_backend != "db":
    if not REDIS_URL:
        # A memory cache is per process: a session would exist on one web process only.
        raise ImproperlyConfigured(f"SESSION_ENGINE={session_backend} needs REDIS_URL.")
    CACHES["sessions"] = {
        "BACKEND": "collabcity.redis_cache.PortalRedisCache",
        "LOCATION": os.environ.get("SESSION_REDIS_URL") or REDIS_URL,
        "KEY_PREFIX": "collabcity-sessions",
    }
    SESSION_CACHE_ALIAS = "sessions"

# Celery: with no broker configured, tasks run in the request that queues them.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A web request must not hang on a broker that is down: the outbox retries later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The core's periodic tasks; each programme adds its own from AppConfig.ready()
# (collabcity.registry.register_periodic_tasks).
CELERY_BEAT_SCHEDULE = {
    "deliver-pending-notifications": {
        "task": "collabcity.tasks.deliver_pending_notifications",
        "schedule": 60.0,
    },
    "compact-page-changes": {
        "task": "collabcity.tasks.compact_page_changes",
        "schedule": 60.0,
    },
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CollabCity <noreply@collabcity.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Absolute address of the portal, for links in e-mails sent outside a request.
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
# Shown on the privacy notice and the accessibility statement; empty hides the address.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "")
# The public administration that publishes the open data catalogue (/dati/, DCAT-AP_IT) and holds
# the rights on its datasets: its name and its code in the Indice delle Pubbliche Amministrazioni.
OPEN_DATA_PUBLISHER_NAME = os.environ.get("OPEN_DATA_PUBLISHER_NAME", "Comune di Reggio Emilia")
OPEN_DATA_PUBLISHER_IPA_CODE = os.environ.get("OPEN_DATA_PUBLISHER_IPA_CODE", "c_h223")
# Bumped whenever the privacy notice changes, so that a consent records the text it was given to.
PRIVACY_NOTICE_VERSION = "1 (novembre 2026)"

# One catalogue for the whole project: `manage.py makemessages -l en` from the top folder.
LOCALE_PATHS = [BASE_DIR / "collabcity" / "locale"]
