"""Test settings: fast hashing, local cache unless Redis is given, Celery eager unless a test runs a worker."""

import tempfile

from . import env
from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="ailb-test-media-")
CELERY_TASK_ALWAYS_EAGER = env.get("CELERY_TASK_ALWAYS_EAGER", default=True)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WAGTAILADMIN_BASE_URL = SITE_URL = "http://testserver"
# django-axes needs the request in authenticate(), which Client.login() does not
# pass; the throttling tests switch it back on with override_settings.
AXES_ENABLED = False
