import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify

from .models import Contact
from .services import can_export_directory, contact_vcard, write_directory_csv


@login_required
def contact_vcard_view(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("organisation"), pk=pk)
    response = HttpResponse(contact_vcard(contact), content_type="text/vcard; charset=utf-8")
    filename = slugify(contact.full_name) or f"contact-{contact.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.vcf"'
    return response


@login_required
def directory_csv_view(request):
    if not can_export_directory(request.user):
        raise PermissionDenied("L'export de l'annuaire est réservé à l'équipe et aux animateurs.")
    buffer = io.StringIO()
    write_directory_csv(buffer)
    # A byte-order mark so that spreadsheet software reads the accents as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="annuaire-ailb-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
