"""The trash: soft deletion, restoration, and the purge of old entries."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .. import conf
from ..models import IntranetDocument

logger = logging.getLogger("ailb.documents")


def move_to_trash(document, user):
    document.move_to_trash(user)
    log(instance=document, action="ailb.documents.trash", user=user)


def restore(document, user):
    document.restore_from_trash()
    log(instance=document, action="ailb.documents.restore", user=user)


def _file_names(document):
    names = {document.file.name, *(v.file.name for v in document.versions.all())}
    if document.preview:
        names.add(document.preview.name)
    return {name for name in names if name}


def _delete_files(storage, names):
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("fichier %s non supprimé", name, exc_info=True)


def purge_expired(now=None, days=None):
    """Delete documents that stayed in the trash longer than the retention period, files included."""
    days = conf.get("DOCUMENT_TRASH_RETENTION_DAYS") if days is None else days
    limit = (now or timezone.now()) - timedelta(days=days)
    purged = 0
    for document in IntranetDocument.objects.filter(deleted_at__lt=limit).prefetch_related("versions"):
        names = _file_names(document)
        with transaction.atomic():
            document.delete()
        # Files go only once the rows are gone for good.
        transaction.on_commit(lambda names=names, storage=document.file.storage: _delete_files(storage, names))
        purged += 1
    return purged
