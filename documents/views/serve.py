"""Previews and version downloads. Wagtail's serve view handles current files
(/documents/<id>/<name>) with the same rule through the before_serve_document hook."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from wagtail.log_actions import log

from ..models import IntranetDocument, content_disposition_for, content_type_for
from ..permissions import ensure_can_view_document


def file_response(field_file, filename, *, inline_allowed=True):
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("Fichier introuvable") from exc
    response = FileResponse(handle, content_type=content_type_for(filename))
    response["Content-Disposition"] = content_disposition_for(filename, inline_allowed)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=0"
    return response


def preview(request, pk):
    document = get_object_or_404(IntranetDocument.objects.select_related("collection"), pk=pk)
    ensure_can_view_document(request.user, document)
    if not document.preview:
        raise Http404("Pas d'aperçu")
    return file_response(document.preview, f"apercu-{document.pk}.png")


def version_download(request, pk, number):
    document = get_object_or_404(IntranetDocument.objects.select_related("collection"), pk=pk)
    ensure_can_view_document(request.user, document)
    version = get_object_or_404(document.versions, number=number)
    # Wagtail's document_served signal covers current files; earlier versions are audited here.
    log(
        instance=document,
        action="ailb.document.download",
        user=request.user,
        data={"file": version.file.name, "version": version.number},
    )
    return file_response(version.file, version.filename)
