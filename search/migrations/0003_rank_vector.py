"""PostgreSQL: each entry's vectors are made by a trigger as the row is written, and
matches are ranked on a small vector of their own.

- The trigger makes `search_vector` (what is matched, through its GIN index) and
  `rank_vector` in the INSERT itself. They used to be set by an UPDATE after each insert,
  which left every entry's first copy dead until vacuumed: after a rebuild the table was
  half dead rows, and searches slowed down until autovacuum caught up.
- `rank_vector` holds the title (weight A) and the start of the text (weight B, its first
  500 characters: the context line and about 80 words). It stays in the row (storage
  PLAIN), so ranking thousands of matches of a common word reads no out-of-line (TOAST)
  data, which reading the whole text's vector for each of them did: most of such a search's
  time.

The configuration per language is PG_CONFIGS of search.text when this was written; a
change there needs a migration that replaces the function.
"""

from django.db import migrations

POSTGRES_SCHEMA = [
    "ALTER TABLE search_searchentry ADD COLUMN rank_vector tsvector",
    "ALTER TABLE search_searchentry ALTER COLUMN rank_vector SET STORAGE PLAIN",
    """
    CREATE FUNCTION search_entry_vectors() RETURNS trigger AS $$
    DECLARE
        config regconfig := CASE NEW.language
            WHEN 'en' THEN 'english' WHEN 'fr' THEN 'french' WHEN 'es' THEN 'spanish'
            WHEN 'ru' THEN 'russian' ELSE 'simple' END;
        title tsvector := setweight(to_tsvector(config, NEW.indexed_title), 'A');
    BEGIN
        NEW.search_vector := title || setweight(to_tsvector(config, NEW.indexed_body), 'B');
        NEW.rank_vector := title || setweight(to_tsvector(config, left(NEW.indexed_body, 500)), 'B');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER search_entry_vectors BEFORE INSERT OR UPDATE OF language, indexed_title, indexed_body "
    "ON search_searchentry FOR EACH ROW EXECUTE FUNCTION search_entry_vectors()",
    # The entries already there.
    "UPDATE search_searchentry SET indexed_title = indexed_title",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS search_entry_vectors ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_entry_vectors()",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS rank_vector",
]


def create_schema(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_SCHEMA:
            schema_editor.execute(statement)


def drop_schema(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text_index")]

    operations = [migrations.RunPython(create_schema, drop_schema)]
