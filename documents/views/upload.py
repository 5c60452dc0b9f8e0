from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..permissions import can_upload, get_group, require_view_group
from ..services.guards import UploadRefused, too_large_message
from ..services.upload import create_document
from ..upload_handlers import upload_was_too_large


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _document_url(group, document):
    return reverse("documents:library", args=[group.slug]) + f"#document-{document.pk}"


@require_POST
def upload(request, slug):
    """One or several files (field ``files``). The script sends one file per request
    to show a progress bar per file; without script the form sends them all."""
    group = get_group(slug)
    require_view_group(request.user, group)
    if not can_upload(request.user, group):
        raise PermissionDenied
    results = []
    if upload_was_too_large(request):
        results.append({"name": "", "ok": False, "error": too_large_message()})
    else:
        files = request.FILES.getlist("files")
        if not files:
            results.append({"name": "", "ok": False, "error": "Aucun fichier reçu : choisissez au moins un fichier."})
        for uploaded in files:
            try:
                document = create_document(uploaded, collection=group.collection, user=request.user)
            except UploadRefused as refused:
                result = {"name": uploaded.name, "ok": False, "error": refused.message}
                if refused.duplicate is not None:
                    result["duplicate_url"] = _document_url(group, refused.duplicate)
                    result["duplicate_title"] = refused.duplicate.title
                results.append(result)
            else:
                results.append(
                    {"name": uploaded.name, "ok": True, "id": document.pk, "title": document.title,
                     "url": _document_url(group, document)}
                )  # fmt: skip
    if _wants_json(request):
        status = 200 if all(r["ok"] for r in results) else 400
        return JsonResponse({"results": results}, status=status)
    for result in results:
        if result["ok"]:
            messages.success(request, f"« {result['title']} » a été déposé.")
        else:
            messages.error(request, result["error"])
    return redirect("documents:library", slug=group.slug)
