"""Settings shared by every environment; the environment is read in ``env.py``."""

from pathlib import Path

from . import env

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env.get("SECRET_KEY")
DEBUG = env.get("DEBUG")
ALLOWED_HOSTS = env.get("ALLOWED_HOSTS") or []
CSRF_TRUSTED_ORIGINS = env.get("CSRF_TRUSTED_ORIGINS")
SITE_URL = env.get("SITE_URL").rstrip("/")

INSTALLED_APPS = [
    # First, so that a serialized test database restores content types before
    # the objects whose signal handlers (audit log) refer to them.
    "django.contrib.contenttypes",
    "home",
    "workgroups",
    "documents",
    "search",
    "plone_import",
    "directory",
    "digests",
    "security",
    "ops",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks.backends.immediate",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Users who enrolled a TOTP device finish their login with a code first.
    "security.middleware.TwoFactorRequiredMiddleware",
    # Private by default: every view needs a login unless it opts out.
    "ailb_intranet.middleware.IntranetLoginRequiredMiddleware",
    "ailb_intranet.middleware.MethodNotAllowedPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a lockout into the French lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ailb_intranet.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "ailb_intranet.context_processors.intranet",
            ],
        },
    },
]

WSGI_APPLICATION = "ailb_intranet.wsgi.application"


def database_settings(url=None):
    """The database of ``url`` (default ``DATABASE_URL``), with what every deployment wants."""
    database = env.database(url)
    database.setdefault("CONN_MAX_AGE", 60)
    database["CONN_HEALTH_CHECKS"] = True
    if database["ENGINE"] == "django.db.backends.postgresql" and env.get("DATABASE_PREPARED_STATEMENTS"):
        # Lets ``ops.db.fetchall_prepared`` prepare; Django's own cursors bind client-side and never do.
        database.setdefault("OPTIONS", {})["prepare_threshold"] = 5
    return database


DATABASES = {"default": database_settings()}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.get("REDIS_URL")
if REDIS_URL:
    # Fails soft: with Redis down the cache misses instead of breaking the page.
    CACHES = {"default": {"BACKEND": "ops.cache.FailSoftRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Django's defaults first (new passwords); Plone's hashes last ({BCRYPT} as plain bcrypt,
# {SSHA} by our hasher), upgraded to the first one at the first login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "plone_import.hashers.PloneSSHAPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: refuses locked-out credentials before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is locked out for AXES_COOLOFF_TIME (hours).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
# Behind the reverse proxy the client address is in X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = 1
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Content-Security-Policy (django-csp): no inline script, nothing from
# elsewhere. Wagtail's admin is excluded: Wagtail 8's admin still emits inline
# scripts and styles (editor, choosers, previews) and breaks under this policy;
# it is served to logged-in staff only and keeps frame denial and the other
# headers. See docs/security.md.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

OTP_TOTP_ISSUER = "Intranet AILB"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
WAGTAIL_FRONTEND_LOGIN_URL = "/connexion/"
SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day
CSRF_FAILURE_VIEW = "ailb_intranet.views.csrf_failure"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
WAGTAIL_CONTENT_LANGUAGES = [("fr", "Français")]
WAGTAIL_USER_EDIT_FORM_LANGUAGE = "fr"

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = env.get("STATIC_ROOT")
STATIC_URL = "/static/"
MEDIA_ROOT = env.get("MEDIA_ROOT")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env.get("AWS_STORAGE_BUCKET_NAME"):
    from .storage import s3_storage

    STORAGES["default"] = s3_storage()
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploads stream to a temporary file beyond this size instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The first handler refuses a file past DOCUMENT_MAX_UPLOAD_SIZE while it streams in.
FILE_UPLOAD_HANDLERS = [
    "documents.upload_handlers.MaxSizeUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_BACKEND = env.get("EMAIL_BACKEND")
EMAIL_HOST = env.get("EMAIL_HOST")
EMAIL_PORT = env.get("EMAIL_PORT")
EMAIL_HOST_USER = env.get("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.get("EMAIL_USE_TLS")
EMAIL_FILE_PATH = env.get("EMAIL_FILE_PATH")
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DIGEST_REPLY_TO = env.get("DIGEST_REPLY_TO")
DIGEST_DAILY_HOUR = env.get("DIGEST_DAILY_HOUR")
DIGEST_WEEKLY_DAY = env.get("DIGEST_WEEKLY_DAY")
DIGEST_BATCH_SIZE = env.get("DIGEST_BATCH_SIZE")
DIGEST_SENDING_LEASE = env.get("DIGEST_SENDING_LEASE")
DIGEST_PARTNER_LINK_MAX_AGE_DAYS = env.get("DIGEST_PARTNER_LINK_MAX_AGE_DAYS")
DIGEST_MAX_ATTEMPTS = 6
DIGEST_RETRY_BACKOFF = 60  # seconds, doubled at each attempt, plus jitter

# Wagtail
WAGTAIL_SITE_NAME = "Intranet AILB"
WAGTAILADMIN_BASE_URL = SITE_URL
# French stemming that ignores accents (configurations created by the search
# app's migration on PostgreSQL); see docs/search.md for Elasticsearch/OpenSearch.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.backends",
        "SEARCH_CONFIG": "french_unaccent",
        "AUTOCOMPLETE_CONFIG": "simple_unaccent",
    }
}
WAGTAILDOCS_DOCUMENT_MODEL = "documents.IntranetDocument"
# Every download goes through Wagtail's serve view, where permissions apply.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = [
    "pdf", "txt", "csv", "md", "html", "htm", "rtf",
    "doc", "docx", "odt", "xls", "xlsx", "ods", "ppt", "pptx", "odp",
    "png", "jpg", "jpeg", "gif", "webp",
]  # fmt: skip
WAGTAILDOCS_MAX_UPLOAD_SIZE = env.get("DOCUMENT_MAX_UPLOAD_SIZE")
WAGTAILDOCS_DOCUMENT_FORM_BASE = "documents.forms.AdminDocumentFormBase"
WAGTAILDOCS_INLINE_CONTENT_TYPES = [
    "application/pdf", "text/plain", "image/png", "image/jpeg", "image/gif", "image/webp",
]  # fmt: skip
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_PASSWORD_RESET_ENABLED = True

DOCUMENT_MAX_UPLOAD_SIZE = WAGTAILDOCS_MAX_UPLOAD_SIZE
DOCUMENT_TRASH_RETENTION_DAYS = env.get("DOCUMENT_TRASH_RETENTION_DAYS")

# Wagtail's own background work (reference index, file clean-up) goes through
# django-tasks. It is small and must never wait for a broker, so it runs in
# the request; our heavy work (extraction, digests) is Celery's.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Celery: JSON only, late acknowledgement so a killed worker's task is redelivered.
CELERY_BROKER_URL = env.get("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    _queue = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "control_folder": str(_queue / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.get("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Each app adds its periodic entries here; every entry expires before its
# next run so a backlog never piles up.
CELERY_BEAT_SCHEDULE = {}
CELERY_BEAT_SCHEDULE["documents-purge-trash"] = {
    "task": "documents.purge_trash",
    "schedule": 6 * 3600,
    "options": {"expires": 3 * 3600},
}
CELERY_BEAT_SCHEDULE["documents-sweep-pending"] = {
    "task": "documents.sweep_pending_documents",
    "schedule": 600,
    "options": {"expires": 300},
}
CELERY_BEAT_SCHEDULE["dispatch-due-digests"] = {
    "task": "digests.tasks.dispatch_due_digests",
    "schedule": 15 * 60,
    "options": {"expires": 10 * 60},
}
# Tasks parked while Redis was down (ailb_intranet.tasks.enqueue) go out again.
CELERY_BEAT_SCHEDULE["resend-pending-tasks"] = {
    "task": "ops.resend_pending_tasks",
    "schedule": 300,
    "options": {"expires": 240},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "ailb": {"handlers": ["console"], "level": env.get("LOG_LEVEL"), "propagate": False},
        "celery": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # 403s and 404s are answered with French pages; only server errors deserve a log line.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
