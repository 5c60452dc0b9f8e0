"""Planning and sending digests through the delivery ledger.

Exactly-once, as far as SMTP allows (see docs/digests.md):
1. ``plan`` inserts one ``Delivery`` row per (recipient, period) with
   ``ignore_conflicts``: a second beat tick inserts nothing new.
2. ``claim`` moves a row to "envoi" with a single conditional UPDATE and a
   lease; of two workers holding the same id only one wins.
3. The message is handed to SMTP, then the row is marked "envoyé" at once.
   Only a crash between the server's 250 and that commit (milliseconds) can
   cause one duplicate, after the lease expires; the stable Message-ID lets
   mail systems drop it. The opposite order (commit first) could lose a digest.
"""

import contextlib
import logging
import random
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Max, Q
from django.utils import timezone

from . import recipients
from .content import build_digest
from .mail import build_message, message_id
from .models import DONE_STATUSES, Delivery, DeliveryStatus, Subscription
from .schedule import LENGTH, due_periods

logger = logging.getLogger("ailb.digests")


def due_recipients(period, group=None):
    """Recipient keys with at least one active subscription at ``period.frequency``."""
    subs = Subscription.objects.filter(frequency=period.frequency).filter(
        Q(user__is_active=True) | Q(partner__is_active=True)
    )
    if group is not None:
        subs = subs.filter(group=group)
    pairs = subs.values_list("user_id", "partner_id").distinct()
    return sorted({f"user:{u}" if u else f"partner:{p}" for u, p in pairs})


def plan(now, group=None):
    """Create the ledger rows of every due (recipient, period); returns how many are new."""
    created = 0
    for period in due_periods(now):
        rows = []
        for key in due_recipients(period, group):
            kind, _, pk = key.partition(":")
            rows.append(
                Delivery(
                    recipient_key=key,
                    period=period.key,
                    frequency=period.frequency,
                    cutoff=period.slot,
                    user_id=int(pk) if kind == "user" else None,
                    partner_id=int(pk) if kind == "partner" else None,
                )
            )
        before = Delivery.objects.filter(period=period.key).count()
        Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        created += Delivery.objects.filter(period=period.key).count() - before
    return created


def lease():
    return timedelta(seconds=settings.DIGEST_SENDING_LEASE)


def take_dispatchable(now=None):
    """Ids of rows a batch should (re)try: new rows, rows whose task seems lost,
    sends interrupted by a crash (lease expired), retries that are due. Marks them
    dispatched so the next tick does not enqueue them again while they wait."""
    now = now or timezone.now()
    stale = now - lease()
    not_recently_dispatched = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale)
    condition = (
        Q(status=DeliveryStatus.PENDING) & not_recently_dispatched
        | Q(status=DeliveryStatus.SENDING, lease_until__lt=now)
        | Q(status=DeliveryStatus.RETRY, next_attempt_at__lte=now) & not_recently_dispatched
    )
    ids = list(Delivery.objects.filter(condition).order_by("pk").values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(dispatched_at=now)
    return ids


def claim(pk):
    """Take row ``pk`` for sending, or None if someone else has it or it is done."""
    now = timezone.now()
    claimable = (
        Q(status=DeliveryStatus.PENDING)
        | Q(status=DeliveryStatus.SENDING, lease_until__lt=now)
        | Q(status=DeliveryStatus.RETRY, next_attempt_at__lte=now)
    )
    taken = Delivery.objects.filter(claimable, pk=pk).update(
        status=DeliveryStatus.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1
    )
    return Delivery.objects.get(pk=pk) if taken else None


def _finish(delivery, status, **fields):
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status, lease_until=None, **fields
    )


def previous_cutoff(delivery):
    done = Delivery.objects.filter(
        recipient_key=delivery.recipient_key,
        frequency=delivery.frequency,
        status__in=DONE_STATUSES,
        cutoff__lt=delivery.cutoff,
    ).aggregate(last=Max("cutoff"))["last"]
    return done or delivery.cutoff - LENGTH[delivery.frequency]


def is_transient(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError, OSError))


def backoff_delay(attempts):
    """Exponential backoff with full jitter on top: base·2^(n-1) + U(0, base·2^(n-1))."""
    base = settings.DIGEST_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    return base + random.uniform(0, base)  # noqa: S311 - jitter, not security


@dataclass
class BatchResult:
    sent: list = field(default_factory=list)
    empty: list = field(default_factory=list)
    retry: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    retry_delay: float = 0.0


def _record_failure(delivery, exc, result):
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if is_transient(exc) and delivery.attempts < settings.DIGEST_MAX_ATTEMPTS:
        delay = backoff_delay(delivery.attempts)
        _finish(
            delivery,
            DeliveryStatus.RETRY,
            last_error=error,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            dispatched_at=timezone.now(),
        )
        result.retry.append(delivery.pk)
        result.retry_delay = max(result.retry_delay, delay)
        logger.warning("Lettre %s à réessayer dans %.0f s : %s", delivery.pk, delay, error)
    else:
        _finish(delivery, DeliveryStatus.FAILED, last_error=error)
        result.failed.append(delivery.pk)
        logger.error("Lettre %s en échec : %s", delivery.pk, error)


def send_batch(ids):
    """Send the deliveries ``ids`` over one SMTP connection."""
    result = BatchResult()
    connection = None
    cache = {}
    try:
        for pk in ids:
            delivery = claim(pk)
            if delivery is None:
                continue
            try:
                recipient = recipients.from_key(delivery.recipient_key)
                digest = None
                if recipient is not None:
                    since = previous_cutoff(delivery)
                    digest = build_digest(recipient, delivery.frequency, since, delivery.cutoff, cache)
                if digest is None or digest.is_empty:
                    _finish(
                        delivery,
                        DeliveryStatus.EMPTY,
                        since=digest.since if digest else None,
                        summary="Rien de nouveau" if digest else "Destinataire inactif ou sans adresse",
                    )
                    result.empty.append(pk)
                    continue
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()
                message = build_message(digest, delivery.pk, delivery.period, connection=connection)
                message.send()
                # Mark sent immediately: this is the only duplicate window.
                _finish(
                    delivery,
                    DeliveryStatus.SENT,
                    sent_at=timezone.now(),
                    email=recipient.email,
                    since=digest.since,
                    message_id=message.extra_headers["Message-ID"],
                    summary=digest.summary()[:255],
                    last_error="",
                )
                result.sent.append(pk)
            except Exception as exc:  # noqa: BLE001 - recorded on the row, retried or failed
                if not isinstance(exc, (smtplib.SMTPException, OSError)):
                    logger.exception("Erreur inattendue pour la lettre %s", pk)
                _record_failure(delivery, exc, result)
                if connection is not None:
                    with contextlib.suppress(Exception):  # the connection is being dropped anyway
                        connection.close()
                    connection = None
    finally:
        if connection is not None:
            connection.close()
    return result


def reset_for_retry(delivery):
    """Administrator's "réessayer": a failed (or waiting) row becomes due now."""
    Delivery.objects.filter(pk=delivery.pk, status__in=[DeliveryStatus.FAILED, DeliveryStatus.RETRY]).update(
        status=DeliveryStatus.RETRY, next_attempt_at=timezone.now(), attempts=0, dispatched_at=timezone.now()
    )


__all__ = ["plan", "take_dispatchable", "send_batch", "claim", "message_id"]
