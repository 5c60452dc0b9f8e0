"""Wagtail's database search backend, with a configurable suggestion config.

Wagtail's PostgreSQL backend always uses the ``simple`` configuration for
autocomplete, which keeps accents: « hydroge » would not suggest « Hydrogène ».
``AUTOCOMPLETE_CONFIG`` (default ``simple``) lets the settings choose
``simple_unaccent``. Everything else is Wagtail's backend untouched, so moving
to Elasticsearch/OpenSearch stays a settings change (docs/search.md)."""

from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend


def SearchBackend(params):  # noqa: N802 — Wagtail looks the backend up by this name
    backend = DatabaseSearchBackend(params)
    if hasattr(backend, "autocomplete_config") and params.get("AUTOCOMPLETE_CONFIG"):
        backend.autocomplete_config = params["AUTOCOMPLETE_CONFIG"]
    return backend
