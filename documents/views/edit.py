from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from wagtail.log_actions import log

from workgroups.membership import Role, role_of

from ..forms import DocumentMetadataForm, MoveForm
from ..permissions import can_change, can_curate, get_group, get_group_document, require_view_group
from ..services.library import bump_library


def _move_targets(user, group):
    from workgroups.models import WorkingGroupPage

    groups = WorkingGroupPage.objects.live().exclude(pk=group.pk).exclude(collection=None).order_by("title")
    if user.is_superuser:
        return list(groups)
    return [g for g in groups if role_of(user, g) == Role.ANIMATEUR]


def edit(request, slug, pk):
    group = get_group(slug)
    require_view_group(request.user, group)
    document = get_group_document(group, pk)
    if not can_change(request.user, group, document):
        raise PermissionDenied
    targets = _move_targets(request.user, group) if can_curate(request.user, group) else []
    form = DocumentMetadataForm(request.POST or None, instance=document, prefix="meta")
    move_form = MoveForm(request.POST or None, groups=targets, prefix="move")
    if request.method == "POST" and "move-target" in request.POST and targets:
        if move_form.is_valid():
            target = next(g for g in targets if g.pk == move_form.cleaned_data["target"])
            with transaction.atomic():
                bump_library(document.collection_id)  # the group it leaves
                document.collection = target.collection
                document.save(update_fields=["collection", "updated_at"])
                log(instance=document, action="ailb.documents.move", user=request.user,
                    data={"from": group.slug, "to": target.slug})  # fmt: skip
            messages.success(request, f"« {document.title} » a été déplacé vers {target.title}.")
            return redirect("documents:library", slug=target.slug)
    elif request.method == "POST" and form.is_valid():
        form.save()
        bump_library(document.collection_id)  # tags are saved after the document
        log(instance=document, action="wagtail.edit", user=request.user)
        messages.success(request, f"« {document.title} » a été mis à jour.")
        return redirect("documents:library", slug=group.slug)
    return render(
        request,
        "documents/edit.html",
        {"group": group, "document": document, "form": form, "move_form": move_form if targets else None},
    )
