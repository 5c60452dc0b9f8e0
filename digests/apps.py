from django.apps import AppConfig


class DigestsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "digests"
    verbose_name = "Lettres d'information"

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
