import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.documents import corpus


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached library facets must not leak from one test to the next (ids are reused on SQLite)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def add_document(django_capture_on_commit_callbacks):
    """Create a document through the upload service, running the (eager) extraction after commit."""
    from documents.services.upload import create_document

    def add(group, user, name="note.pdf", data=None, **extra):
        data = corpus.pdf_bytes(text=name) if data is None else data
        with django_capture_on_commit_callbacks(execute=True):
            document = create_document(SimpleUploadedFile(name, data), collection=group.collection, user=user, **extra)
        document.refresh_from_db()
        return document

    return add


@pytest.fixture
def post_upload(client_for, django_capture_on_commit_callbacks):
    """POST files to a group's upload view as ``user``, like the script does; returns (response, json)."""

    def post(group, user, *files):
        client = client_for(user)
        payload = {"files": [SimpleUploadedFile(name, data) for name, data in files]}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("documents:upload", args=[group.slug]), payload, HTTP_ACCEPT="application/json"
            )
        body = response.json() if response.headers.get("Content-Type", "").startswith("application/json") else None
        return response, body

    return post


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, on this app's loopback port range (8310-8319)."""
    from pytest_django.live_server_helper import LiveServer

    last_error = None
    for port in range(8310, 8320):
        try:
            server = LiveServer(f"127.0.0.1:{port}")
        except Exception as exc:  # noqa: BLE001 - port taken: try the next one
            last_error = exc
            continue
        yield server
        server.stop()
        return
    raise RuntimeError(f"Aucun port libre entre 8310 et 8319 : {last_error}")
