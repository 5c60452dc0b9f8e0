"""A real Celery worker process, fed through Redis, extracts an uploaded document's text."""

import os
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import ExtractionStatus, IntranetDocument
from tests import services
from tests.documents import corpus
from tests.ops import servers

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def worker():
    db = settings.DATABASES["default"]
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    url = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{host}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.documents.worker_settings",
        "WORKER_DATABASE_URL": url,
        "WORKER_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REDIS_URL": services.redis_url(),
    }
    process = servers.start_celery_worker(env, "documents-test")
    yield process
    print(servers.stop_celery_worker(process)[-4000:])


@pytest.fixture
def broker(settings):
    from ailb_intranet.celery import app

    def reset_pools():
        # Producers are pooled per broker URL: drop any made for the embedded filesystem broker.
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = services.redis_url()
    app.conf.task_always_eager = False
    reset_pools()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with app.connection_for_write() as connection:
        connection.default_channel.client.delete("celery")  # no stale messages from an earlier run
    yield app
    app.conf.broker_url, app.conf.task_always_eager = saved
    reset_pools()


def test_worker_extracts_text_after_upload(roles, client_for, broker, worker):
    client = client_for(roles.users["membre"])
    upload = {"files": [SimpleUploadedFile("sdage.docx", corpus.docx_bytes("Schéma directeur SDAGE Loire-Bretagne"))]}
    response = client.post(reverse("documents:upload", args=[roles.open.slug]), upload, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    document_id = response.json()["results"][0]["id"]
    assert IntranetDocument.objects.get(pk=document_id).extraction_status == ExtractionStatus.PENDING
    deadline = time.monotonic() + 60
    document = None
    while time.monotonic() < deadline:
        document = IntranetDocument.objects.get(pk=document_id)
        if document.extraction_status != ExtractionStatus.PENDING:
            break
        assert worker.poll() is None, "le worker Celery s'est arrêté"
        time.sleep(0.3)
    assert document.extraction_status == ExtractionStatus.DONE, document.extraction_error
    assert "SDAGE Loire-Bretagne" in document.extracted_text
    # The worker also reindexes the document: its text is searchable (right after the status commits).
    from search.parsing import parse
    from search.service import Filters, run_search

    reader = roles.users["autre_groupe"]
    while time.monotonic() < deadline and not run_search(reader, parse("directeur"), Filters()).total:
        time.sleep(0.3)
    found = run_search(reader, parse("schéma directeur"), Filters())
    assert [hit.obj.pk for hit in found.hits] == [document_id]
