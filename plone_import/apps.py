from django.apps import AppConfig


class PloneImportConfig(AppConfig):
    name = "plone_import"
    verbose_name = "Import depuis Plone"
    default_auto_field = "django.db.models.BigAutoField"
