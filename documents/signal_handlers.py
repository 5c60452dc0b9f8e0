from django.db.models.signals import m2m_changed, post_delete, post_init, post_save


def version_admin_uploads(sender, instance, created, raw=False, **kwargs):
    """Documents created or replaced through the Wagtail admin get a version and an extraction too."""
    from .services.upload import schedule_processing
    from .services.versions import record_version_if_new

    if raw or getattr(instance, "_ailb_versioning", False):
        return
    if record_version_if_new(instance, user=instance.uploaded_by_user if created else None) is not None:
        schedule_processing(instance.pk)


def remember_collection(sender, instance, **kwargs):
    """Keep the collection a document was loaded with, to know which library it leaves."""
    instance._ailb_loaded_collection_id = instance.__dict__.get("collection_id")


def invalidate_library(sender, instance, **kwargs):
    """Any change to a document or its tags makes the library's cached facets, counts
    and rendered fragments stale (a move, through any editor, staled both libraries)."""
    from .models import IntranetDocument
    from .services.library import bump_all_libraries, bump_library

    if not isinstance(instance, IntranetDocument):
        # Tags changed from the tag's side (tag.intranetdocument_set…): which libraries is unknown.
        bump_all_libraries()
        return
    if instance.collection_id:
        bump_library(instance.collection_id)
    previous = getattr(instance, "_ailb_loaded_collection_id", None)
    if previous and previous != instance.collection_id:
        bump_library(previous)
        instance._ailb_loaded_collection_id = instance.collection_id


def invalidate_library_of_version(sender, instance, raw=False, **kwargs):
    """A version added or removed changes the version count shown in the list."""
    from .services.library import bump_library

    if raw:
        return
    from .models import IntranetDocument

    collection_id = (
        IntranetDocument.objects.filter(pk=instance.document_id).values_list("collection_id", flat=True).first()
    )
    if collection_id:
        bump_library(collection_id)


def invalidate_libraries_on_rename(sender, instance, raw=False, update_fields=None, **kwargs):
    """Uploader names and tag names appear in every library: a rename retires them all.
    A login only writes ``last_login``: it changes nothing shown."""
    from .services.library import bump_all_libraries

    if raw or (update_fields is not None and not set(update_fields) & {"first_name", "last_name", "username", "name"}):
        return
    bump_all_libraries()


def register_signal_handlers():
    from django.contrib.auth import get_user_model
    from taggit.models import Tag

    from .models import DocumentVersion, IntranetDocument

    post_save.connect(version_admin_uploads, sender=IntranetDocument, dispatch_uid="ailb_version_admin_uploads")
    post_init.connect(remember_collection, sender=IntranetDocument, dispatch_uid="ailb_library_loaded")
    post_save.connect(invalidate_library, sender=IntranetDocument, dispatch_uid="ailb_library_saved")
    post_delete.connect(invalidate_library, sender=IntranetDocument, dispatch_uid="ailb_library_deleted")
    m2m_changed.connect(
        invalidate_library, sender=IntranetDocument.tags.through, dispatch_uid="ailb_library_tags_changed"
    )
    post_save.connect(invalidate_library_of_version, sender=DocumentVersion, dispatch_uid="ailb_library_version")
    post_delete.connect(
        invalidate_library_of_version, sender=DocumentVersion, dispatch_uid="ailb_library_version_deleted"
    )
    for model in (get_user_model(), Tag):
        post_save.connect(invalidate_libraries_on_rename, sender=model, dispatch_uid=f"ailb_library_rename_{model}")
        post_delete.connect(invalidate_libraries_on_rename, sender=model, dispatch_uid=f"ailb_library_removed_{model}")
