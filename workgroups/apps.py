from django.apps import AppConfig


class WorkgroupsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workgroups"
    verbose_name = "Groupes de travail"

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
