"""Real processes for the load and fault tests: a private redis-server and
gunicorn with the project's config, on loopback ports of this test range."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PORT_BASE = int(os.environ.get("AILB_TEST_PORT_BASE", "8360"))
REDIS_PORT = PORT_BASE + 11
WEB_PORT = PORT_BASE + 12


def wait_until(check, timeout=30, what="service"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise TimeoutError(f"{what} ne répond pas après {timeout} s")


def start_redis(port=REDIS_PORT):
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server absent (paquet Debian redis-server)")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    wait_until(lambda: redis.Redis(port=port, socket_connect_timeout=0.2).ping(), what="redis-server")
    return process


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    # A master killed before its workers leaves them behind, still holding the port
    # (the next server's health check would reach them): end its whole session.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if getattr(process, "own_session", False):
            os.killpg(process.pid, signal.SIGKILL)


def port_is_free(port):
    import socket

    with socket.socket() as probe:
        # As gunicorn binds: connections in TIME_WAIT do not count, a listener does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def database_url():
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def web_env(redis_port=None, **extra):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="ailb_intranet.settings.dev",
        DEBUG="False",
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0" if redis_port else "",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/1" if redis_port else "",
        CELERY_TASK_ALWAYS_EAGER="False",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def start_gunicorn(env, port=WEB_PORT, workers=2, threads=2):
    env = dict(env, PORT=str(port), WEB_CONCURRENCY=str(workers), GUNICORN_THREADS=str(threads))
    log = open(os.environ.get("AILB_GUNICORN_LOG", os.devnull), "a")  # noqa: SIM115 - lives with the process
    # The health check below must reach this server, not one a previous test is still shutting down.
    wait_until(lambda: port_is_free(port), what=f"port {port} (serveur précédent)")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}",
         "ailb_intranet.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True, start_new_session=True,
    )  # fmt: skip
    process.own_session = True
    wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/healthz/", timeout=2).ok, what="gunicorn")
    return process


def login(base_url, username, password):
    """A requests session logged in through the real /connexion/ form."""
    session = requests.Session()
    page = session.get(f"{base_url}/connexion/", timeout=10)
    token = session.cookies.get("csrftoken") or page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = session.post(
        f"{base_url}/connexion/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/"},
        headers={"Referer": f"{base_url}/connexion/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, f"connexion refusée pour {username} ({response.status_code})"
    return session


def start_moto(port):
    """moto in server mode: a local S3-compatible service on a loopback port."""
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/moto-api/", timeout=2).ok, what="moto")
    return process


def start_celery_worker(env, name, output=subprocess.PIPE):
    """A real Celery worker (solo pool) named ``name@host``; its log goes to ``output``."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ailb_intranet", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"{name}@%h"],
        env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def stop_celery_worker(process):
    """Stop the worker; returns what it printed when its output was piped."""
    process.terminate()
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or ""


def upload(session, base_url, group_slug, name, data):
    """Drop a file in a group's library as the library page's script does; returns the JSON result."""
    url = f"{base_url}/groupes/{group_slug}/documents/deposer/"
    response = session.post(
        url,
        files={"files": (name, data, "application/octet-stream")},
        headers={"X-CSRFToken": session.cookies.get("csrftoken"), "Referer": url, "Accept": "application/json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text[:500]
    results = response.json()["results"]
    assert all(result["ok"] for result in results), results
    return results
