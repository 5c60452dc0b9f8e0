"""Celery tasks of the document library: ids in, outcome recorded on the document."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError
from django.utils import timezone

from . import conf

logger = logging.getLogger("ailb.documents")

TRANSIENT = (DatabaseError, OSError, ConnectionError)


@shared_task(
    bind=True,
    name="documents.extract_document_text",
    soft_time_limit=conf.DEFAULTS["DOCUMENT_EXTRACT_SOFT_TIME_LIMIT"],
    time_limit=conf.DEFAULTS["DOCUMENT_EXTRACT_TIME_LIMIT"],
    max_retries=4,
    acks_late=True,
)
def extract_document_text(self, document_id):
    """Extract text and preview for one document. Idempotent: re-running recomputes both."""
    from .models import IntranetDocument
    from .services.pipeline import process_document, record_failure

    document = IntranetDocument.objects.filter(pk=document_id).first()
    if document is None:
        logger.info("document %s disparu : rien à extraire", document_id)
        return None
    try:
        return process_document(document)
    except SoftTimeLimitExceeded:
        record_failure(document_id, "délai d'extraction dépassé (fichier trop complexe)")
        return "echec"
    except FileNotFoundError:
        record_failure(document_id, "fichier introuvable sur le stockage")
        return "echec"
    except MemoryError:
        record_failure(document_id, "fichier trop volumineux pour être analysé")
        return "echec"
    except TRANSIENT as exc:
        if self.request.called_directly or self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=min(600, 10 * 2**self.request.retries)) from exc


@shared_task(name="documents.sweep_pending_documents")
def sweep_pending_documents(older_than_minutes=5, limit=500):
    """Re-enqueue documents still waiting for extraction (their task was lost: queued in a Redis that restarted)."""
    from .models import ExtractionStatus, IntranetDocument

    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = list(
        IntranetDocument.objects.filter(extraction_status=ExtractionStatus.PENDING, updated_at__lt=cutoff)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    for document_id in ids:
        extract_document_text.delay(document_id)
    return len(ids)


@shared_task(name="documents.purge_trash")
def purge_trash():
    """Delete documents kept in the trash longer than DOCUMENT_TRASH_RETENTION_DAYS."""
    from .services.trash import purge_expired

    purged = purge_expired()
    logger.info("corbeille : %s document(s) purgé(s)", purged)
    return purged
