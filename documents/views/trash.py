from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import conf
from ..permissions import can_change, can_curate, get_group, get_group_document, require_view_group
from ..services import trash as trash_service


@require_POST
def delete(request, slug, pk):
    group = get_group(slug)
    require_view_group(request.user, group)
    document = get_group_document(group, pk)
    if not can_change(request.user, group, document):
        raise PermissionDenied
    trash_service.move_to_trash(document, request.user)
    messages.success(request, f"« {document.title} » a été mis à la corbeille.")
    return redirect("documents:library", slug=group.slug)


@require_POST
def restore(request, slug, pk):
    group = get_group(slug)
    require_view_group(request.user, group)
    if not can_curate(request.user, group):
        raise PermissionDenied
    document = get_group_document(group, pk, trashed=True)
    trash_service.restore(document, request.user)
    messages.success(request, f"« {document.title} » a été restauré.")
    return redirect("documents:trash", slug=group.slug)


def trash(request, slug):
    group = get_group(slug)
    require_view_group(request.user, group)
    if not can_curate(request.user, group):
        raise PermissionDenied
    from ..models import IntranetDocument

    documents = (
        IntranetDocument.objects.trashed()
        .filter(collection_id=group.collection_id)
        .select_related("deleted_by")
        .defer("extracted_text")
        .order_by("-deleted_at")[:200]
    )
    return render(
        request,
        "documents/trash.html",
        {"group": group, "documents": documents, "retention_days": conf.get("DOCUMENT_TRASH_RETENTION_DAYS")},
    )
