"""Faults against the real stack: gunicorn (config/gunicorn.py) on PostgreSQL,
with a private redis-server this test starts and stops (never the shared one)."""

import subprocess
import sys

import pytest
import redis
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.base import ContentFile
from django.db import connection

from documents.models import IntranetDocument
from ops.models import PendingTask
from workgroups.membership import Role, set_role

from . import servers

PASSWORD = "mot-de-passe-panne"
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(make_user, make_group):
    eau = make_group("eau", "Eau", "ouvert")
    user = make_user("lecteur")
    # The web process uses production hashers; a cheap PBKDF2 hash keeps the test fast.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "selpanne1234", iterations=1000)
    user.save()
    set_role(eau, user, Role.MEMBER)
    document = IntranetDocument.objects.create(
        title="Note",
        file=ContentFile(b"contenu de la note", name="note.txt"),
        collection=eau.collection,
        uploaded_by_user=user,
    )
    return {"group": eau, "document": document}


@pytest.fixture
def redis_server():
    process = servers.start_redis()
    yield process
    servers.stop(process)


def _browse(session, base, world):
    for path in ("/", "/groupes/", world["group"].url, "/actualites/", "/recherche/?q=note"):
        response = session.get(base + path, timeout=15)
        assert response.status_code == 200, (path, response.status_code)
    download = session.get(base + world["document"].url, timeout=15)
    assert download.status_code == 200 and download.content == b"contenu de la note"


def _upload(session, base, world, name):
    servers.upload(session, base, world["group"].slug, name, b"texte depose pendant le test")
    return IntranetDocument.objects.get(title=name.rsplit(".", 1)[0])


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=servers.ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_redis_stopped_pages_login_downloads_keep_working_and_work_resumes(world, redis_server):
    env = servers.web_env(redis_port=servers.REDIS_PORT)
    web = servers.start_gunicorn(env)
    base = f"http://127.0.0.1:{servers.WEB_PORT}"
    try:
        session = servers.login(base, "lecteur", PASSWORD)
        _browse(session, base, world)

        servers.stop(redis_server)  # Redis goes down in the middle of the run
        _browse(session, base, world)
        _browse(servers.login(base, "lecteur", PASSWORD), base, world)
        uploaded = _upload(session, base, world, "depot-sans-redis.txt")
        assert session.get(base + uploaded.url, timeout=15).status_code == 200

        # The extraction asked for by the upload while the broker is down is parked, not lost.
        parked = PendingTask.objects.get()
        assert (parked.task_name, parked.args) == ("documents.extract_document_text", [uploaded.pk])
        assert web.poll() is None
    finally:
        servers.stop(web)

    # Redis is back: the parked task is sent to the queue.
    restarted = servers.start_redis()
    try:
        result = _manage(env, "resend_pending_tasks")
        assert result.returncode == 0, result.stderr
        assert "1 tâche(s) renvoyée(s)" in result.stdout
        assert not PendingTask.objects.exists()
        assert redis.Redis(port=servers.REDIS_PORT, db=1).llen("celery") == 1
    finally:
        servers.stop(restarted)


def test_postgresql_connections_lost_the_app_recovers_without_restart(world):
    """Simulates a PostgreSQL restart by terminating every server process of the
    app's database (the shared server is not restarted: other runs use it)."""
    env = servers.web_env()
    web = servers.start_gunicorn(env, workers=1, threads=1)
    base = f"http://127.0.0.1:{servers.WEB_PORT}"
    try:
        session = servers.login(base, "lecteur", PASSWORD)
        _browse(session, base, world)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1
        # The very first request after the loss is served: CONN_HEALTH_CHECKS reconnects.
        _browse(session, base, world)
        assert requests.get(base + "/healthz/", timeout=5).json() == {"status": "ok"}
    finally:
        servers.stop(web)
