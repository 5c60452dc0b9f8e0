from wagtail import hooks


@hooks.register("register_log_actions")
def register_security_actions(actions):
    actions.register_action("ailb.document.download", "Téléchargement", "Téléchargement d'un document")
    actions.register_action("ailb.permission", "Changement de droits", "Changement des droits d'un groupe")
    actions.register_action("ailb.2fa.enable", "Double authentification activée", "Double authentification activée")
    actions.register_action(
        "ailb.2fa.disable", "Double authentification désactivée", "Double authentification désactivée"
    )


@hooks.register("register_log_actions")
def register_trash_actions(actions):
    # Written by the document library when a document goes to / leaves the trash.
    actions.register_action("ailb.document.trash", "Mise à la corbeille", "Document mis à la corbeille")
    actions.register_action("ailb.document.restore", "Restauration", "Document restauré depuis la corbeille")


@hooks.register("register_log_actions")
def register_audited_models(actions):
    # Wagtail logs only the models it registers (pages, snippets, view sets):
    # the permission and two-factor entries are written on groups and users.
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from wagtail.models import ModelLogEntry

    for model in (Group, get_user_model()):
        actions.register_model(model, ModelLogEntry)


@hooks.register("before_serve_document", order=-10)
def deny_logged_in_outsiders_documents(document, request):
    """Wagtail answers a failed collection restriction with a login redirect, which a
    logged-in member of another group loops on: tell them "accès refusé" instead."""
    from django.core.exceptions import PermissionDenied

    from workgroups.access import can_view_document

    if request.user.is_authenticated and not can_view_document(request.user, document):
        raise PermissionDenied
