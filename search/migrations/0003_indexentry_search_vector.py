"""A stored ``title || body`` vector, kept inline, with its own GIN index (PostgreSQL only).

Profiling (docs/performance.md, « Recherche ») showed two costs: the planner
does not know that ``title || body`` is expensive, so once statistics are fresh
it prefers a sequential scan that concatenates two detoasted vectors per row
(~150 ms at 5,000 documents); and ranking reads ``body`` out of line from
TOAST. A generated column is maintained by PostgreSQL itself whatever writes
the row (Wagtail's backend upserts with raw SQL), ``STORAGE MAIN`` keeps it
compressed in the row, and its GIN index answers the match without a recheck.
"""

from django.db import migrations

FORWARDS = """
ALTER TABLE wagtailsearch_indexentry
    ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS (title || body) STORED;
ALTER TABLE wagtailsearch_indexentry ALTER COLUMN search_vector SET STORAGE MAIN;
-- rewrite existing rows so they take the new storage
UPDATE wagtailsearch_indexentry SET title = title;  -- recomputes search_vector
SET CONSTRAINTS ALL IMMEDIATE;
CREATE INDEX IF NOT EXISTS search_indexentry_vector_gin ON wagtailsearch_indexentry USING gin (search_vector);
ANALYZE wagtailsearch_indexentry;
"""

BACKWARDS = """
DROP INDEX IF EXISTS search_indexentry_vector_gin;
ALTER TABLE wagtailsearch_indexentry DROP COLUMN IF EXISTS search_vector;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_indexentry_combined_vector")]

    operations = [migrations.RunPython(forwards, backwards)]
