"""Embedded default for ``make run``: SQLite, local media, mail to files, Celery on the filesystem."""

import os

from . import env
from .base import *  # noqa: F403
from .base import VAR_DIR

# Off unless asked (DEBUG=1): people trying the demo see the intranet's French
# error pages, not Django's technical ones. Whitenoise serves static files
# straight from the apps, so nothing needs collecting.
DEBUG = env.get("DEBUG", default=False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = env.get("SECRET_KEY") or "dev-only-insecure-key-not-for-production"
ALLOWED_HOSTS = env.get("ALLOWED_HOSTS") or ["127.0.0.1", "localhost"]
EMAIL_BACKEND = env.get("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")

for folder in ("media", "mail", "celery/queue", "celery/control"):
    os.makedirs(VAR_DIR / folder, exist_ok=True)
