"""Planning and sending digests through the delivery ledger.

Exactly-once, as far as SMTP allows (see docs/digests.md):
1. ``plan`` inserts one ``Delivery`` row per (recipient, period) with
   ``ignore_conflicts``: a second beat tick inserts nothing new.
2. ``claim_batch`` moves a batch's rows to "envoi" with one conditional
   ``UPDATE … RETURNING`` and a lease; of two workers holding the same ids, each
   row goes to only one. A batch renews the lease of the rows it still holds
   before it can run out.
3. Each message is handed to SMTP, then its row is marked "envoyé" at once.
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
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import connections
from django.db.models import F, Max, Q
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from workgroups.access import prime_access_cache

from . import recipients
from .content import build_digest
from .mail import build_message, message_id
from .models import DONE_STATUSES, SENDING_FREQUENCIES, Delivery, DeliveryStatus, Partner, Subscription
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


def _update_returning_pks(queryset, **values):
    """``queryset.update(**values)`` that tells which rows it changed: one
    ``UPDATE … RETURNING`` (PostgreSQL, SQLite ≥ 3.35), so that of two workers
    updating the same rows under a condition, each knows exactly what it won."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    statement, params = query.get_compiler(queryset.db).as_sql()
    connection = connections[queryset.db]
    pk_column = connection.ops.quote_name(queryset.model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"{statement} RETURNING {pk_column}", params)
        return {row[0] for row in cursor.fetchall()}


def _claimable(now):
    return (
        Q(status=DeliveryStatus.PENDING)
        | Q(status=DeliveryStatus.SENDING, lease_until__lt=now)
        | Q(status=DeliveryStatus.RETRY, next_attempt_at__lte=now)
    )


def claim_batch(ids):
    """Take the rows of ``ids`` nobody else holds, in one statement; returns them
    (fresh copies, in the order of ``ids``), all leased until the same instant."""
    if not ids:
        return []
    now = timezone.now()
    won = _update_returning_pks(
        Delivery.objects.filter(_claimable(now), pk__in=ids),
        status=DeliveryStatus.SENDING,
        lease_until=now + lease(),
        attempts=F("attempts") + 1,
    )
    if not won:
        return []
    rows = Delivery.objects.in_bulk(won)
    return [rows[pk] for pk in ids if pk in rows]


def renew_lease(deliveries):
    """Extend the lease of ``deliveries`` (claimed together) before it runs out;
    returns those still ours. A row whose lease ran out and that another worker
    took is no longer ours (its lease changed) and must not be sent here."""
    if not deliveries:
        return []
    held = deliveries[0].lease_until
    until = timezone.now() + lease()
    kept = _update_returning_pks(
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries], status=DeliveryStatus.SENDING, lease_until=held),
        lease_until=until,
    )
    still_ours = [d for d in deliveries if d.pk in kept]
    for delivery in still_ours:
        delivery.lease_until = until
    return still_ours


def _lease_running_out(delivery):
    """True when less than half of the lease remains: time to renew, with room to spare."""
    return timezone.now() >= delivery.lease_until - lease() / 2


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


class BatchContext:
    """Everything a batch reads, loaded with a fixed number of queries whatever
    the batch size: recipients, their auth groups, subscriptions, previous
    digests and the view restrictions (via ``workgroups.access``)."""

    def __init__(self, deliveries):
        rows = [(d.recipient_key, d.frequency, d.cutoff) for d in deliveries]
        user_ids = {int(k[5:]) for k, _f, _c in rows if k.startswith("user:")}
        partner_ids = {int(k[8:]) for k, _f, _c in rows if k.startswith("partner:")}
        users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
        self.users = {u.pk: u for u in users.prefetch_related("groups")}
        self.partners = {p.pk: p for p in Partner.objects.filter(pk__in=partner_ids, is_active=True)}
        prime_access_cache(self.users.values())
        self.partner_viewer = recipients.PartnerViewer()
        prime_access_cache([self.partner_viewer])
        self.subscriptions = {}
        subs = Subscription.objects.filter(
            Q(user_id__in=user_ids) | Q(partner_id__in=partner_ids), frequency__in=SENDING_FREQUENCIES,
            group__live=True,
        ).select_related("group", "group__collection")  # fmt: skip
        for sub in subs:
            self.subscriptions.setdefault((sub.recipient_key, sub.frequency), []).append(sub)
        self.done = {}
        keys = {k for k, _f, _c in rows}
        for key, frequency, cutoff in Delivery.objects.filter(
            recipient_key__in=keys, status__in=DONE_STATUSES
        ).values_list("recipient_key", "frequency", "cutoff"):
            self.done.setdefault((key, frequency), []).append(cutoff)
        self.cache = {}

    def recipient(self, key):
        kind, _, pk = key.partition(":")
        if kind == "user" and int(pk) in self.users:
            return recipients.from_user(self.users[int(pk)])
        if kind == "partner" and int(pk) in self.partners:
            recipient = recipients.from_partner(self.partners[int(pk)])
            recipient.partner_viewer = self.partner_viewer
            return recipient
        return None

    def since(self, delivery):
        earlier = [c for c in self.done.get((delivery.recipient_key, delivery.frequency), []) if c < delivery.cutoff]
        return max(earlier) if earlier else delivery.cutoff - LENGTH[delivery.frequency]

    def digest(self, delivery):
        recipient = self.recipient(delivery.recipient_key)
        if recipient is None:
            return None
        subs = self.subscriptions.get((recipient.key, delivery.frequency), [])
        return build_digest(recipient, delivery.frequency, self.since(delivery), delivery.cutoff, self.cache, subs)


def send_batch(ids):
    """Send the deliveries ``ids`` over one SMTP connection."""
    result = BatchResult()
    connection = None
    claimed = claim_batch(ids)
    lost = set()  # rows whose lease ran out and went to another worker
    context = BatchContext(claimed)
    try:
        for index, delivery in enumerate(claimed):
            if delivery.pk not in lost and _lease_running_out(delivery):
                remaining = [d for d in claimed[index:] if d.pk not in lost]
                lost |= {d.pk for d in remaining} - {d.pk for d in renew_lease(remaining)}
            if delivery.pk in lost:
                continue
            pk = delivery.pk
            try:
                digest = context.digest(delivery)
                if digest is not None:
                    recipient = digest.recipient
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
                message = build_message(
                    digest, delivery.pk, delivery.period, connection=connection, cache=context.cache
                )
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


__all__ = ["plan", "take_dispatchable", "send_batch", "claim_batch", "message_id"]
