"""Settings for the real Celery worker a test starts: the test database, the test's media folder."""

import os

from ailb_intranet.settings import env
from ailb_intranet.settings.test import *  # noqa: F403

DATABASES = {"default": env.database(os.environ["WORKER_DATABASE_URL"])}
MEDIA_ROOT = os.environ["WORKER_MEDIA_ROOT"]
CELERY_BROKER_URL = os.environ["REDIS_URL"]
CELERY_TASK_ALWAYS_EAGER = False
