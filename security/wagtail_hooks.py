from wagtail import hooks
from wagtail.log_actions import LogFormatter


@hooks.register("register_log_actions")
def register_security_actions(actions):

    @actions.register_action("ailb.document.download")
    class DocumentDownload(LogFormatter):
        label = "Téléchargement"

        def format_message(self, log_entry):
            # A partner opening their digest's link has no account: the entry has no user, so name the partner.
            partner_email = (log_entry.data or {}).get("partner_email")
            if partner_email:
                return f"Téléchargement d'un document par le partenaire {partner_email} (lien de la lettre)"
            return "Téléchargement d'un document"

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
