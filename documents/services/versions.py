"""Versions: every file ever uploaded for a document is kept; the document's own
file field always points at the current one."""

from django.db import transaction
from django.db.models import Max
from wagtail.log_actions import log

from ..models import DocumentVersion, ExtractionStatus


def record_version_if_new(document, user=None, comment=""):
    """Make sure the document's current file is recorded as a version (idempotent).

    Called by our services and by a post_save signal, so files replaced through
    the Wagtail admin are versioned too."""
    if not document.file or document.versions.filter(file=document.file.name).exists():
        return None
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return DocumentVersion.objects.create(
        document=document,
        number=number,
        file=document.file.name,
        filename=document.filename[:255],
        file_size=document.file_size,
        file_hash=document.file_hash,
        detected_type=document.detected_type,
        comment=comment[:500],
        created_by=user,
    )


def reset_extraction(document):
    document.extraction_status = ExtractionStatus.PENDING
    document.extraction_error = ""
    document.extracted_text = ""
    document.page_count = None


@transaction.atomic
def add_version(document, uploaded_file, checked, user, comment=""):
    """A new current file for ``document``; earlier files stay untouched."""
    from .upload import schedule_processing

    document.file.save(checked.filename, uploaded_file, save=False)
    document._set_document_file_metadata()
    document.detected_type = checked.detected_type
    document.kind = checked.kind
    reset_extraction(document)
    document._ailb_versioning = True
    document.save()
    version = record_version_if_new(document, user=user, comment=comment or "Nouvelle version")
    log(instance=document, action="ailb.documents.version", user=user, data={"version": version.number})
    schedule_processing(document.pk)
    return version


@transaction.atomic
def restore_version(document, version, user):
    """Make ``version`` current again by adding a new version pointing at its file."""
    from .upload import schedule_processing

    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    document.file.name = version.file.name
    document.file_size = version.file_size
    document.file_hash = version.file_hash
    document.detected_type = version.detected_type
    reset_extraction(document)
    document._ailb_versioning = True
    document.save()
    restored = DocumentVersion.objects.create(
        document=document, number=number, file=version.file.name, filename=version.filename,
        file_size=version.file_size, file_hash=version.file_hash, detected_type=version.detected_type,
        comment=f"Restauration de la version {version.number}", created_by=user,
    )  # fmt: skip
    log(instance=document, action="ailb.documents.version", user=user, data={"restored": version.number})
    schedule_processing(document.pk)
    return restored
