"""Keep the index entries' titles in the row (PostgreSQL only).

``search_vector`` (migration 0003) keeps the row above PostgreSQL's 2 kB toast
threshold, so every other compressible column was moved out of line, down to
the ~100-byte ``title``, ``title_text`` and ``autocomplete``: each read of a
title (ranking's title bonus, suggestions) cost a TOAST lookup, ~2 µs a row,
~5 ms for a page of 1,000 matches (docs/performance.md). ``STORAGE MAIN`` keeps
them in the row. Existing rows are rewritten with a new value (``|| ''``; a
plain ``SET title = title`` would keep the stored out-of-line pointer).
"""

from django.db import migrations

FORWARDS = """
ALTER TABLE wagtailsearch_indexentry
    ALTER COLUMN title SET STORAGE MAIN,
    ALTER COLUMN title_text SET STORAGE MAIN,
    ALTER COLUMN autocomplete SET STORAGE MAIN;
UPDATE wagtailsearch_indexentry
   SET title = title || ''::tsvector, title_text = title_text || '', autocomplete = autocomplete || ''::tsvector;
SET CONSTRAINTS ALL IMMEDIATE;
ANALYZE wagtailsearch_indexentry;
"""

BACKWARDS = """
ALTER TABLE wagtailsearch_indexentry
    ALTER COLUMN title SET STORAGE EXTENDED,
    ALTER COLUMN title_text SET STORAGE EXTENDED,
    ALTER COLUMN autocomplete SET STORAGE EXTENDED;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_indexentry_search_vector")]

    operations = [migrations.RunPython(forwards, backwards)]
