"""Turn an uploaded file into a document of a group's collection."""

import os

from django.db import transaction
from wagtail.log_actions import log

from ..models import IntranetDocument
from .guards import UploadRefused, check_upload, sanitize_filename
from .versions import record_version_if_new


def schedule_processing(document_id):
    """Extraction and preview in Celery once the upload's transaction commits.
    If the broker is down the upload still stands: the task is parked
    (``ops.PendingTask``) and sent again when Redis is back. The periodic sweep
    of pending documents stays as the last net: Redis keeps nothing on disk, so
    a restart loses the tasks still queued."""
    from ailb_intranet.tasks import enqueue

    from ..tasks import extract_document_text

    enqueue(extract_document_text, document_id)


def find_duplicate(collection, file_hash, exclude_pk=None):
    queryset = IntranetDocument.objects.active().filter(collection=collection, file_hash=file_hash)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.first()


def title_from_filename(name):
    stem = os.path.splitext(name)[0].replace("_", " ").strip()
    return (stem or name)[:255]


@transaction.atomic
def create_document(uploaded_file, *, collection, user, title="", description="", tags=()):
    """Check, store and version a new document; raise UploadRefused with a French reason."""
    checked = check_upload(uploaded_file)
    document = IntranetDocument(
        title=(title or title_from_filename(sanitize_filename(uploaded_file.name, max_bytes=2000)))[:255],
        collection=collection,
        uploaded_by_user=user,
        description=description,
        kind=checked.kind,
        detected_type=checked.detected_type,
    )
    document.file.save(checked.filename, uploaded_file, save=False)
    document._set_document_file_metadata()
    duplicate = find_duplicate(collection, document.file_hash)
    if duplicate is not None:
        document.file.delete(save=False)
        raise UploadRefused(
            f"« {checked.filename} » est déjà dans la bibliothèque : « {duplicate.title} ».", duplicate=duplicate
        )
    document._ailb_versioning = True  # versioned here, not by the admin signal
    document.save()
    if tags:
        document.tags.set(tags)
    record_version_if_new(document, user=user, comment="Version initiale")
    log(instance=document, action="wagtail.create", user=user)
    schedule_processing(document.pk)
    return document
