"""Let PostgreSQL use an index for Wagtail's search filter.

The database backend filters on ``title || body`` (both tsvectors); its own GIN
indexes cover each column alone, so every search scanned the whole index
table. A GIN index on the same expression makes the match an index scan."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_indexentry_title_body_gin "
            "ON wagtailsearch_indexentry USING gin ((title || body))"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_indexentry_title_body_gin")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_french_unaccent"), ("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(forwards, backwards)]
