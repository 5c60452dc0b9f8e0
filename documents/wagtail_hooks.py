from wagtail import hooks

from .permissions import ensure_can_view_document


@hooks.register("before_serve_document", order=-10)
def check_document_access(document, request):
    """Wagtail's serve view (every /documents/<id>/<name> download) applies our rule:
    trashed documents do not exist (404); logged-in readers who may not see the
    collection get "accès refusé" (403) instead of a login loop. Anonymous readers
    are sent to the login page by the middleware and Wagtail's own restriction check."""
    if document.deleted_at is not None or request.user.is_authenticated:
        ensure_can_view_document(request.user, document)


@hooks.register("construct_document_chooser_queryset")
def hide_trashed_from_chooser(documents, request):
    return documents.filter(deleted_at__isnull=True)


@hooks.register("register_log_actions")
def register_document_actions(actions):
    actions.register_action("ailb.documents.trash", "Mise à la corbeille", "Document mis à la corbeille")
    actions.register_action("ailb.documents.restore", "Restauration", "Document restauré depuis la corbeille")
    actions.register_action("ailb.documents.version", "Nouvelle version", "Nouvelle version du document")
    actions.register_action("ailb.documents.move", "Déplacement", "Document déplacé vers un autre groupe")


@hooks.register("after_bulk_action")
def invalidate_libraries_after_bulk_action(request, action_type, objects, action_class_instance):
    """Wagtail's bulk actions (collection, tags, deletion) write with ``update()``, without
    signals: the cached libraries of every group are retired."""
    from .models import IntranetDocument
    from .services.library import bump_all_libraries

    if any(isinstance(obj, IntranetDocument) for obj in objects):
        bump_all_libraries()
