"""Settings of the document library, with their defaults (override in settings)."""

from django.conf import settings

MB = 1024 * 1024


def get(name):
    return getattr(settings, name, DEFAULTS[name])


DEFAULTS = {
    "DOCUMENT_MAX_UPLOAD_SIZE": 100 * MB,
    "DOCUMENT_TRASH_RETENTION_DAYS": 30,
    # Extraction guards.
    "DOCUMENT_EXTRACT_MAX_PAGES": 1000,
    "DOCUMENT_EXTRACT_MAX_CHARS": 2_000_000,
    "DOCUMENT_ARCHIVE_MAX_ENTRIES": 5000,
    "DOCUMENT_ARCHIVE_MAX_UNCOMPRESSED": 300 * MB,
    "DOCUMENT_ARCHIVE_MAX_RATIO": 200,
    "DOCUMENT_EXTRACT_SOFT_TIME_LIMIT": 120,
    "DOCUMENT_EXTRACT_TIME_LIMIT": 150,
    "DOCUMENT_PREVIEW_WIDTH": 320,
    "DOCUMENT_LIBRARY_PAGE_SIZE": 20,
}
