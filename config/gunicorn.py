"""Gunicorn configuration, read from the environment.

``gunicorn -c config/gunicorn.py ailb_intranet.wsgi:application``

PORT                 listening port (8000)
WEB_CONCURRENCY      worker processes (2 x CPU + 1, at most 8)
GUNICORN_THREADS     threads per worker (2)
GUNICORN_TIMEOUT     seconds before a silent worker is restarted (60)
FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-* (* : the container is
                     only reachable through the reverse proxy)
LOG_LEVEL            shared with the application (INFO)
"""

import gc
import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("GUNICORN_THREADS", 2)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so that a slow leak never grows; the jitter
# keeps them from all restarting at once.
max_requests = 1000
max_requests_jitter = 100

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Heartbeat files on tmpfs: a container's disk-backed /tmp can stall workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (heartbeat only)


def post_worker_init(worker):
    """The application is loaded: build what the first request would (``ops.warmup``: ~90 ms it
    paid, then once per ``max_requests``), then freeze the ~200,000 objects that Django, Wagtail and
    the project created, so that the collector's full passes no longer walk them. Without this, one
    request in a hundred or so pays a full collection of ~120 ms (docs/performance.md, « Ramasse-miettes »)."""
    from ops.warmup import warm_up

    warm_up()  # imports every view module too (URL tables)
    gc.collect()  # import-time garbage first: frozen objects are never collected
    gc.freeze()
