from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from ..forms import NewVersionForm
from ..permissions import can_change, get_group, get_group_document, require_view_group
from ..services.guards import UploadRefused, check_upload, too_large_message
from ..services.versions import add_version, restore_version
from ..upload_handlers import upload_was_too_large


def versions(request, slug, pk):
    group = get_group(slug)
    require_view_group(request.user, group)
    document = get_group_document(group, pk)
    may_change = can_change(request.user, group, document)
    form = NewVersionForm()
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if upload_was_too_large(request):
            messages.error(request, too_large_message())
            return redirect("documents:versions", slug=group.slug, pk=document.pk)
        if "restore" in request.POST:
            version = get_object_or_404(document.versions, number=request.POST.get("restore"))
            restored = restore_version(document, version, request.user)
            messages.success(
                request, f"La version {version.number} est redevenue courante (version {restored.number})."
            )
            return redirect("documents:versions", slug=group.slug, pk=document.pk)
        form = NewVersionForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                checked = check_upload(uploaded)
            except UploadRefused as refused:
                form.add_error("file", refused.message)
            else:
                version = add_version(document, uploaded, checked, request.user, form.cleaned_data["comment"])
                messages.success(request, f"Version {version.number} déposée.")
                return redirect("documents:versions", slug=group.slug, pk=document.pk)
    history = document.versions.select_related("created_by").order_by("-number")
    return render(
        request,
        "documents/versions.html",
        {"group": group, "document": document, "history": history, "form": form, "can_change": may_change},
    )
