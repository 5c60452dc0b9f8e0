"""Wagtail's database search backend, with two adjustments made by settings.

- ``AUTOCOMPLETE_CONFIG``: Wagtail's PostgreSQL backend always uses the
  ``simple`` configuration for autocomplete, which keeps accents: « hydroge »
  would not suggest « Hydrogène ». The option (default ``simple``) lets the
  settings choose ``simple_unaccent``.
- On SQLite (the embedded default) there is no French stemmer: every word is
  matched as a prefix, so « déchet » still finds « Déchets ».

Everything else is Wagtail's backend untouched, so moving to
Elasticsearch/OpenSearch stays a settings change (docs/search.md)."""

from django.db import connection
from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend


def _prefix_sqlite_compiler():
    """A SQLite compiler where every word of a plain query is a prefix (Wagtail's only makes
    the last one one, for autocomplete). Imported here: the SQLite backend's module looks up
    models that exist only when the database is SQLite."""
    from modelsearch.backends.database.sqlite.query import Lexeme, SearchQueryExpression
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchQueryCompiler
    from modelsearch.query import PlainText

    class PrefixSQLiteSearchQueryCompiler(SQLiteSearchQueryCompiler):
        def build_search_query_content(self, query, config=None):
            if not isinstance(query, PlainText):
                return super().build_search_query_content(query, config=config)
            terms = query.query_string.split()
            if not terms:
                return None
            lexemes = Lexeme(terms[0], prefix=True)
            for term in terms[1:]:
                word = Lexeme(term, prefix=True)
                lexemes = (lexemes & word) if query.operator.upper() == "AND" else (lexemes | word)
            return SearchQueryExpression(lexemes, config=config)

    return PrefixSQLiteSearchQueryCompiler


def SearchBackend(params):  # noqa: N802 — Wagtail looks the backend up by this name
    backend = DatabaseSearchBackend(params)
    if hasattr(backend, "autocomplete_config") and params.get("AUTOCOMPLETE_CONFIG"):
        backend.autocomplete_config = params["AUTOCOMPLETE_CONFIG"]
    if connection.vendor == "sqlite" and type(backend).__name__ == "SQLiteSearchBackend":
        backend.query_compiler_class = _prefix_sqlite_compiler()
    return backend
