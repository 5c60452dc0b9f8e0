"""Keep the index entries' titles in the row (PostgreSQL only).

``search_vector`` (migration 0003) keeps the row above PostgreSQL's 2 kB toast
threshold, so every other compressible column was moved out of line, down to
the ~100-byte ``title``, ``title_text`` and ``autocomplete``: each read of a
title (ranking's title bonus, suggestions) cost a TOAST lookup, ~2 µs a row,
~5 ms for a page of 1,000 matches (docs/performance.md).

``STORAGE MAIN`` keeps them in the row for rows written from now on; existing
rows are rewritten with a new value (``|| ''``: a plain ``SET title = title``
would keep the stored out-of-line pointer). Not atomic, and in batches of
``BATCH`` rows each committed on its own: ``SET STORAGE`` takes an exclusive
lock on the table, and rewriting every row (which also recomputes
``search_vector`` and its GIN indexes) under that lock would stop searches and
indexing for minutes on a large index (~100 s for 20,000 entries). Interrupted,
it can simply be run again (the rewrite is idempotent).
"""

from django.db import migrations, transaction

BATCH = 1000

STORAGE = """
ALTER TABLE wagtailsearch_indexentry
    ALTER COLUMN title SET STORAGE {storage},
    ALTER COLUMN title_text SET STORAGE {storage},
    ALTER COLUMN autocomplete SET STORAGE {storage}
"""

REWRITE = """
UPDATE wagtailsearch_indexentry
   SET title = title || ''::tsvector, title_text = title_text || '', autocomplete = autocomplete || ''::tsvector
 WHERE id >= %s AND id < %s
"""


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(STORAGE.format(storage="MAIN"))  # metadata only: the lock is brief
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM wagtailsearch_indexentry")
        low, high = cursor.fetchone()
    for start in range(low or 0, (high or -1) + 1, BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(REWRITE, [start, start + BATCH])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE wagtailsearch_indexentry")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STORAGE.format(storage="EXTENDED"))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("search", "0003_indexentry_search_vector")]

    operations = [migrations.RunPython(forwards, backwards)]
