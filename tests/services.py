"""Which real services this test run has, and what to do when one is missing.

Tests that need a service carry a marker (``postgres``, ``redis``,
``celery_worker``, ``browser``, ``smtp``). Without the service they are skipped
with the reason, and the run ends with a list of what could not run; with
``--require-services`` (as in CI) a missing service fails the test instead.
"""

import functools
import os
import shutil

from django.conf import settings

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def chromium_path():
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


@functools.cache
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return None
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return None
    return url


def missing(marker):
    """None if the service behind ``marker`` is here, else why not."""
    if marker == "postgres":
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            return "PostgreSQL absent (DATABASE_URL=postgres://… non défini)"
    elif marker in ("redis", "celery_worker"):
        if redis_url() is None:
            return "Redis absent (REDIS_URL non défini ou injoignable)"
    elif marker == "browser":
        if chromium_path() is None:
            return "Chromium absent (paquet Debian « chromium »)"
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "Playwright absent"
    return None


SERVICE_MARKERS = ("postgres", "redis", "celery_worker", "browser")

# Set from --require-services when the run starts (tests/conftest.py).
REQUIRE = False
NOT_RUN = []


def unavailable(nodeid, reason):
    """A test found a tool it needs missing: fail under --require-services, else skip and list it."""
    import pytest

    if REQUIRE:
        pytest.fail(f"{reason} — requis avec --require-services", pytrace=False)
    NOT_RUN.append((nodeid, reason))
    pytest.skip(reason)


def free_port():
    """A loopback port nobody listens on right now, for servers a test starts."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
