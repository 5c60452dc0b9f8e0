"""Keep the search index current for documents.

Wagtail already reindexes an IntranetDocument on its own ``post_save`` (edit,
new version, move to another collection, trash, restore: the trash date and
collection are filter fields, and the search query filters on them, so a
trashed document never appears even before reindexing). What Wagtail misses:
tags are saved *after* the document (taggit's through rows), a new
``DocumentVersion`` may be saved without touching the document, and the
extraction pipeline records the extracted text with an ``update()`` (no signal).
All three reindex the document, after the transaction commits.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.search import index

logger = logging.getLogger("ailb.search")


def reindex_document(document_id):
    from documents.models import IntranetDocument

    document = IntranetDocument.objects.filter(pk=document_id).first()
    if document is not None:
        index.insert_or_update_object(document)


def schedule_reindex(document_id):
    """Reindex the document once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: reindex_document(document_id))


def _on_version_saved(instance, raw=False, **kwargs):
    if not raw:
        schedule_reindex(instance.document_id)


def _on_tag_changed(instance, raw=False, **kwargs):
    from django.contrib.contenttypes.models import ContentType

    from documents.models import IntranetDocument

    if raw:
        return
    if instance.content_type_id == ContentType.objects.get_for_model(IntranetDocument).pk:
        schedule_reindex(instance.object_id)


def register_signal_handlers():
    from taggit.models import TaggedItem

    from documents.models import DocumentVersion

    post_save.connect(_on_version_saved, sender=DocumentVersion, dispatch_uid="search-version-saved")
    post_save.connect(_on_tag_changed, sender=TaggedItem, dispatch_uid="search-tag-saved")
    post_delete.connect(_on_tag_changed, sender=TaggedItem, dispatch_uid="search-tag-deleted")
