"""Settings of the benchmark server: production-like (no debug), its own database and media."""

import os

from ailb_intranet.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "benchmark-only-key"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {"default": database_settings(os.environ["BENCH_DATABASE_URL"])}  # noqa: F405
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", str(VAR_DIR / "bench" / "media"))  # noqa: F405
# As deployed (docker-compose sets REDIS_URL): one Redis cache shared by the workers, so that
# what one worker invalidates the other sees. Without REDIS_URL, a per-process memory cache.
if os.environ.get("BENCH_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "ops.cache.FailSoftRedisCache", "LOCATION": os.environ["BENCH_REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Extraction runs inside the upload request, so an upload's time includes its extraction.
CELERY_TASK_ALWAYS_EAGER = True
DOCUMENT_MAX_UPLOAD_SIZE = WAGTAILDOCS_MAX_UPLOAD_SIZE = int(os.environ.get("BENCH_MAX_UPLOAD", 300 * 1024 * 1024))
LOGGING["loggers"]["ailb"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["celery"]["level"] = "WARNING"  # noqa: F405
