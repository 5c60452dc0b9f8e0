from wagtail import hooks


@hooks.register("register_log_actions")
def register_security_actions(actions):
    actions.register_action("ailb.document.download", "Téléchargement", "Téléchargement d'un document")
    actions.register_action("ailb.permission", "Changement de droits", "Changement des droits d'un groupe")
    actions.register_action("ailb.2fa.enable", "Double authentification activée", "Double authentification activée")
    actions.register_action(
        "ailb.2fa.disable", "Double authentification désactivée", "Double authentification désactivée"
    )
