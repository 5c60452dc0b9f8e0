"""Extraction and preview of one document, recording the outcome on it. Safe to
re-run: everything is recomputed from the current file and overwritten."""

import contextlib
import logging
import os
import shutil
import tempfile

from django.core.files.base import ContentFile
from django.utils import timezone

from ..models import ExtractionStatus, IntranetDocument
from .extraction import ExtractionFailed, Unsupported, extract
from .library import bump_library
from .previews import make_preview

logger = logging.getLogger("ailb.documents")


@contextlib.contextmanager
def local_path(field_file):
    """A filesystem path for a stored file (copied to a temporary file for remote storages)."""
    try:
        path = field_file.path
    except NotImplementedError:  # S3 and other remote storages have no path
        path = None
    if path is not None:
        yield path
        return
    suffix = os.path.splitext(field_file.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp, field_file.storage.open(field_file.name, "rb") as src:
        shutil.copyfileobj(src, tmp)
        tmp.flush()
        yield tmp.name


def _record(document_id, **fields):
    from search.indexing import schedule_reindex

    fields["extracted_at"] = timezone.now()
    IntranetDocument.objects.filter(pk=document_id).update(**fields)
    # An update sends no signal: the library shows the preview and a failed extraction, and the
    # search index must read the extracted text (Wagtail indexed the document when it was saved,
    # before there was any text).
    collection_id = IntranetDocument.objects.filter(pk=document_id).values_list("collection_id", flat=True).first()
    if collection_id:
        bump_library(collection_id)
        schedule_reindex(document_id)


def process_document(document):
    """Extract text and make the preview for ``document``'s current file.

    Parser failures become a status with a reason; storage and database errors
    propagate so that the task can retry them."""
    extension = document.file_extension.lower()
    with local_path(document.file) as path:
        try:
            text, pages = extract(path, extension)
        except Unsupported as exc:
            status, text, pages, error = ExtractionStatus.UNSUPPORTED, "", None, str(exc)
        except ExtractionFailed as exc:
            status, text, pages, error = ExtractionStatus.FAILED, "", None, str(exc)
        else:
            status, error = ExtractionStatus.DONE, ""
        preview_name = _save_preview(document, path, extension) if status != ExtractionStatus.FAILED else ""
    _record(
        document.pk,
        extracted_text=text,
        page_count=pages,
        extraction_status=status,
        extraction_error=error[:500],
        preview=preview_name,
    )
    logger.info("document %s: extraction %s %s", document.pk, status, error)
    return status


def _save_preview(document, path, extension):
    try:
        png = make_preview(path, extension)
    except Exception:  # noqa: BLE001 - a preview is a nicety: never fail the extraction for it
        logger.warning("document %s: aperçu impossible", document.pk, exc_info=True)
        return ""
    if document.preview:
        document.preview.delete(save=False)
    if png is None:
        return ""
    return document.preview.storage.save(f"previews/document-{document.pk}.png", ContentFile(png))


def record_failure(document_id, reason):
    _record(document_id, extraction_status=ExtractionStatus.FAILED, extraction_error=reason[:500])
