"""Who may do what in a group's library. Seeing goes through workgroups.access;
acting depends on the role in the group (workgroups.membership)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from workgroups.access import can_view_document, can_view_page
from workgroups.membership import Role, role_of


def get_group(slug):
    from workgroups.models import WorkingGroupPage

    group = WorkingGroupPage.objects.live().filter(slug=slug).select_related("collection").first()
    if group is None or group.collection_id is None:
        raise Http404("Groupe inconnu")
    return group


def require_view_group(user, group):
    if not can_view_page(user, group):
        raise PermissionDenied


def can_upload(user, group):
    return user.is_authenticated and (user.is_superuser or role_of(user, group) is not None)


def can_curate(user, group):
    """Animateurs (and administrators) restore from the trash and move documents."""
    return user.is_authenticated and (user.is_superuser or role_of(user, group) == Role.ANIMATEUR)


def can_change(user, group, document):
    """Edit, new version, delete: the animateurs, or the member who uploaded it."""
    if can_curate(user, group):
        return True
    return can_upload(user, group) and document.uploaded_by_user_id == user.pk


def ensure_can_view_document(user, document):
    """The single rule for serving a file: 404 when trashed, 403 when not visible."""
    if document.deleted_at is not None:
        raise Http404("Document à la corbeille")
    if not can_view_document(user, document):
        raise PermissionDenied


def get_group_document(group, pk, *, trashed=False):
    from .models import IntranetDocument

    queryset = IntranetDocument.objects.filter(collection_id=group.collection_id)
    queryset = queryset.trashed() if trashed else queryset.active()
    document = queryset.filter(pk=pk).first()
    if document is None:
        raise Http404("Document introuvable")
    return document
