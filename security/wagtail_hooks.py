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
def register_audited_models(actions):
    # Wagtail logs only the models it registers (pages, snippets, view sets):
    # the permission and two-factor entries are written on groups and users.
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from wagtail.models import ModelLogEntry

    for model in (Group, get_user_model()):
        actions.register_model(model, ModelLogEntry)
