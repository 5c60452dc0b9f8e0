"""Media on S3-compatible object storage (moto in server mode on loopback):
uploads, extraction, previews, versions and the trash purge work against the
bucket, the bucket stays private, and browsers only ever see the intranet's
permission-checked URLs."""

import uuid
from datetime import timedelta

import boto3
import pytest
import requests
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from storages.backends.s3 import S3Storage

from ailb_intranet.settings.storage import s3_storage
from documents.models import ExtractionStatus, IntranetDocument
from documents.services.trash import move_to_trash, purge_expired
from tests import services
from tests.documents import corpus
from tests.ops import servers

BUCKET = "ailb-media-essai"
KEYS = {"AWS_ACCESS_KEY_ID": "cle-essai", "AWS_SECRET_ACCESS_KEY": "secret-essai", "AWS_S3_REGION_NAME": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    port = services.free_port()
    process = servers.start_moto(port)
    yield f"http://127.0.0.1:{port}"
    servers.stop(process)


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh private bucket, and STORAGES["default"] built from the environment as in production."""
    name = f"{BUCKET}-{uuid.uuid4().hex[:8]}"
    for variable, value in {**KEYS, "AWS_STORAGE_BUCKET_NAME": name, "AWS_S3_ENDPOINT_URL": s3_endpoint}.items():
        monkeypatch.setenv(variable, value)
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        region_name=KEYS["AWS_S3_REGION_NAME"],
    )
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage()}
    default_storage._setup()
    assert isinstance(default_storage._wrapped, S3Storage)
    return client, name


def _keys(client, name):
    return {item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])}


def _body(response):
    """The response's bytes, read once (streamed responses can only be read once)."""
    if not hasattr(response, "body_bytes"):
        response.body_bytes = b"".join(response.streaming_content) if response.streaming else response.content
    return response.body_bytes


def test_s3_settings_are_private_signed_and_never_overwrite(monkeypatch):
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "intranet")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    config = s3_storage()
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False
    assert "access_key" not in options  # empty: boto3's own chain (instance role)


def test_documents_live_in_a_private_bucket_behind_the_permission_checked_views(
    roles, client_for, bucket, s3_endpoint, django_capture_on_commit_callbacks
):
    client_s3, name = bucket
    assert IntranetDocument._meta.get_field("file").storage is default_storage
    first = corpus.pdf_bytes(text="Rapport annuel Loire-Bretagne")
    second = corpus.pdf_bytes(text="Rapport annuel révisé Vilaine")
    member = client_for(roles.users["membre"])
    responses = []

    upload_url = reverse("documents:upload", args=[roles.private.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(
            upload_url, {"files": [SimpleUploadedFile("rapport.pdf", first)]}, HTTP_ACCEPT="application/json"
        )
    responses.append(response)
    assert response.status_code == 200, response.content
    document = IntranetDocument.objects.get(pk=response.json()["results"][0]["id"])

    # Extraction and preview ran on a temporary copy of the remote file, and wrote back to the bucket.
    assert document.extraction_status == ExtractionStatus.DONE, document.extraction_error
    assert "Loire-Bretagne" in document.extracted_text
    assert document.preview
    assert {document.file.name, document.preview.name} <= _keys(client_s3, name)

    # The objects are private: the bucket refuses them to an anonymous browser.
    for key in (document.file.name, document.preview.name):
        assert requests.get(f"{s3_endpoint}/{name}/{key}", timeout=5).status_code == 403
        grants = client_s3.get_object_acl(Bucket=name, Key=key)["Grants"]
        assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]

    # Downloads stream through Django with the same bytes, never as a redirect to the bucket.
    download = member.get(document.url)
    responses.append(download)
    assert download.status_code == 200 and "Location" not in download.headers
    assert _body(download) == first
    preview = member.get(reverse("documents:preview", args=[document.pk]))
    responses.append(preview)
    assert preview.status_code == 200 and _body(preview).startswith(b"\x89PNG")
    responses.append(member.get(reverse("documents:library", args=[roles.private.slug])))

    # A new version gets its own object (no overwrite); both stay downloadable.
    versions_url = reverse("documents:versions", args=[roles.private.slug, document.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(versions_url, {"file": SimpleUploadedFile("rapport.pdf", second), "comment": "Révision"})
    assert response.status_code == 302, response.content
    responses.append(member.get(versions_url))
    document.refresh_from_db()
    assert "Vilaine" in document.extracted_text
    old = member.get(reverse("documents:version_download", args=[document.pk, 1]))
    new = member.get(document.url)
    responses += [old, new]
    assert _body(old) == first and _body(new) == second
    names = {document.file.name, document.preview.name, *(v.file.name for v in document.versions.all())}
    assert len(names) == 3 and names <= _keys(client_s3, name)

    # Someone outside the group gets nothing, from the intranet or the bucket.
    outsider = client_for(roles.users["autre_groupe"])
    for url in (document.url, reverse("documents:version_download", args=[document.pk, 1])):
        refused = outsider.get(url)
        responses.append(refused)
        assert refused.status_code in (403, 404)

    # No response ever names the bucket or its address.
    for response in responses:
        exposed = _body(response) + str(dict(response.headers)).encode()
        assert name.encode() not in exposed and s3_endpoint.encode() not in exposed, response

    # Purging the trash removes every object of the document from the bucket.
    move_to_trash(document, roles.users["membre"])
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired(now=timezone.now() + timedelta(days=1), days=0) == 1
    assert not names & _keys(client_s3, name)
