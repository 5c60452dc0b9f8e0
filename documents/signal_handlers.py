from django.db.models.signals import post_save


def version_admin_uploads(sender, instance, created, raw=False, **kwargs):
    """Documents created or replaced through the Wagtail admin get a version and an extraction too."""
    from .services.upload import schedule_processing
    from .services.versions import record_version_if_new

    if raw or getattr(instance, "_ailb_versioning", False):
        return
    if record_version_if_new(instance, user=instance.uploaded_by_user if created else None) is not None:
        schedule_processing(instance.pk)


def register_signal_handlers():
    from .models import IntranetDocument

    post_save.connect(version_admin_uploads, sender=IntranetDocument, dispatch_uid="ailb_version_admin_uploads")
