"""Celery tasks: the beat tick plans and fans out, batches send."""

import logging
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from ailb_intranet.tasks import enqueue

from . import sending

logger = logging.getLogger("ailb.digests")


def enqueue_batches(ids):
    size = settings.DIGEST_BATCH_SIZE
    batches = [ids[i : i + size] for i in range(0, len(ids), size)]
    for batch in batches:
        enqueue(send_digest_batch, batch)  # after commit; parked if the broker is down
    return len(batches)


@shared_task(name="digests.tasks.dispatch_due_digests")
def dispatch_due_digests(now=None):
    """Every 15 minutes: create the due ledger rows and fan out batches."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    created = sending.plan(moment)
    ids = sending.take_dispatchable()
    batches = enqueue_batches(ids)
    logger.info("Lettres : %s nouvelles, %s à envoyer en %s lot(s)", created, len(ids), batches)
    return {"created": created, "dispatched": len(ids), "batches": batches}


@shared_task(name="digests.tasks.send_digest_batch")
def send_digest_batch(delivery_ids):
    """Send one batch over one SMTP connection; transient failures come back later."""
    result = sending.send_batch([int(pk) for pk in delivery_ids])
    if result.retry:
        send_digest_batch.apply_async((result.retry,), countdown=result.retry_delay)
    return {
        "sent": len(result.sent),
        "empty": len(result.empty),
        "retry": len(result.retry),
        "failed": len(result.failed),
    }
