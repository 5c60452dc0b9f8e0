"""Production: everything comes from the environment; missing essentials stop the start."""

from . import env
from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.require("SECRET_KEY")
ALLOWED_HOSTS = env.require("ALLOWED_HOSTS")
# Production never falls back to the embedded SQLite file of `make run`.
env.require("DATABASE_URL")

STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
