"""Hooks between the Plone import and the rest of the intranet."""

from documents.models import FileKind, IntranetDocument
from documents.services.guards import ALLOWED, SNIFF_BYTES, _accepts, sniff
from documents.services.upload import schedule_processing


def after_document_import(doc):
    """Classify an imported file by its content and queue text extraction, as
    for any upload. Imports are lossless: a type the library would refuse at
    upload is kept, classified "autre", and never served inline."""
    with doc.file.open("rb") as handle:
        mime = sniff(handle.read(SNIFF_BYTES))
    extension = doc.file_extension.lower()
    kind, allowed = ALLOWED.get(extension, (FileKind.OTHER, ()))
    if not _accepts(allowed, mime):
        kind = FileKind.OTHER
    IntranetDocument.objects.filter(pk=doc.pk).update(kind=kind, detected_type=mime)
    schedule_processing(doc.pk)
    return True
