"""Hooks between the Plone import and the rest of the intranet."""

import importlib


def after_document_import(doc):
    """Queue text extraction for an imported document, as for any upload.

    The extraction task belongs to the ``documents`` app; when it is not there
    (yet), there is nothing to queue."""
    try:
        tasks = importlib.import_module("documents.tasks")
    except ImportError:
        return False
    task = getattr(tasks, "extract_document_text", None)
    if task is None:
        return False
    task.delay_on_commit(doc.pk)
    return True
