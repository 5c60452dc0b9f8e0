"""Administrator-only views: digest preview and the delivery retry action."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import recipients, sending
from .content import build_digest
from .mail import render_html
from .models import Delivery, DeliveryStatus, Frequency
from .schedule import LENGTH


def _require_admin(request):
    if not request.user.is_superuser:
        raise PermissionDenied("Réservé aux administrateurs.")


def preview(request, recipient_key, frequency):
    """The digest ``recipient_key`` would receive now, rendered as the email's HTML."""
    _require_admin(request)
    if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
        raise Http404("Fréquence inconnue.")
    recipient = recipients.from_key(recipient_key)
    if recipient is None:
        raise Http404("Destinataire inconnu ou inactif.")
    now = timezone.now()
    probe = Delivery(recipient_key=recipient_key, frequency=frequency, cutoff=now)
    since = sending.previous_cutoff(probe) if probe.cutoff else now - LENGTH[frequency]
    digest = build_digest(recipient, frequency, since, now)
    if digest.is_empty:
        return HttpResponse(
            "<!DOCTYPE html><html lang='fr'><meta charset='utf-8'><title>Aperçu</title>"
            "<p>Rien de nouveau : aucune lettre ne serait envoyée à ce destinataire.</p></html>"
        )
    return HttpResponse(render_html(digest))


@require_POST
def retry_delivery(request, pk):
    _require_admin(request)
    delivery = get_object_or_404(Delivery, pk=pk)
    if delivery.status not in (DeliveryStatus.FAILED, DeliveryStatus.RETRY):
        messages.warning(request, "Seul un envoi en échec ou en attente de nouvelle tentative peut être relancé.")
    else:
        from .tasks import enqueue_batches

        sending.reset_for_retry(delivery)
        enqueue_batches([delivery.pk])
        messages.success(request, f"Nouvel essai d'envoi programmé pour {delivery}.")
    return redirect("digests_delivery:index")
