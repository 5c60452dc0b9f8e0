from django.db.models.signals import m2m_changed, post_delete, post_save


def version_admin_uploads(sender, instance, created, raw=False, **kwargs):
    """Documents created or replaced through the Wagtail admin get a version and an extraction too."""
    from .services.upload import schedule_processing
    from .services.versions import record_version_if_new

    if raw or getattr(instance, "_ailb_versioning", False):
        return
    if record_version_if_new(instance, user=instance.uploaded_by_user if created else None) is not None:
        schedule_processing(instance.pk)


def invalidate_library(sender, instance, **kwargs):
    """Any change to a document or its tags makes the library's cached facets stale."""
    from .models import IntranetDocument
    from .services.library import bump_library

    if isinstance(instance, IntranetDocument) and instance.collection_id:
        bump_library(instance.collection_id)


def register_signal_handlers():
    from .models import IntranetDocument

    post_save.connect(version_admin_uploads, sender=IntranetDocument, dispatch_uid="ailb_version_admin_uploads")
    post_save.connect(invalidate_library, sender=IntranetDocument, dispatch_uid="ailb_library_saved")
    post_delete.connect(invalidate_library, sender=IntranetDocument, dispatch_uid="ailb_library_deleted")
    m2m_changed.connect(
        invalidate_library, sender=IntranetDocument.tags.through, dispatch_uid="ailb_library_tags_changed"
    )
