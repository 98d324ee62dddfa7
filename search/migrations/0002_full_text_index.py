"""The full-text index beside the entries table, for the database in use: an FTS5 table
and its triggers on SQLite, a tsvector column and GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_SCHEMA = [
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5(indexed_title, indexed_body, "
    "content='search_searchentry', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(rowid, indexed_title, indexed_body) "
    "VALUES (new.id, new.indexed_title, new.indexed_body); END",
    "CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, indexed_title, indexed_body) "
    "VALUES ('delete', old.id, old.indexed_title, old.indexed_body); END",
    "CREATE TRIGGER search_entry_fts_update AFTER UPDATE ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, indexed_title, indexed_body) "
    "VALUES ('delete', old.id, old.indexed_title, old.indexed_body); "
    "INSERT INTO search_entry_fts(rowid, indexed_title, indexed_body) "
    "VALUES (new.id, new.indexed_title, new.indexed_body); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TABLE IF EXISTS search_entry_fts",
]
POSTGRES_SCHEMA = [
    "ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector",
    "CREATE INDEX search_entry_vector ON search_searchentry USING gin (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector",
]


def create_schema(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_SCHEMA, "postgresql": POSTGRES_SCHEMA}.get(vendor, []):
        schema_editor.execute(statement)


def drop_schema(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_index")]

    operations = [migrations.RunPython(create_schema, drop_schema)]
