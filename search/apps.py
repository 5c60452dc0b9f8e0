from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Recherche"

    def ready(self):
        from .indexing import register_signal_handlers

        register_signal_handlers()
