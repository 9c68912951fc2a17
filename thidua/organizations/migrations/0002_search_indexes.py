"""Search indexes that differ per database.

PostgreSQL: the unaccent and pg_trgm extensions and trigram GIN indexes on search_key.
SQLite: FTS5 tables over search_key (unicode61, remove_diacritics 2) kept in step by triggers.
search_key is already folded by vi_fold (đ→d included), so both answer the same queries.
"""

from typing import Any

from django.db import migrations

FTS_SOURCES = ["organizations_unit", "organizations_person", "organizations_block"]


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table in FTS_SOURCES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} USING gin (search_key gin_trgm_ops)"
            )
    elif vendor == "sqlite":
        for table in FTS_SOURCES:
            fts = f"{table}_fts"
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_key, content='{table}', "
                f"content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
            )
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO {fts}(rowid, search_key) VALUES (new.id, new.search_key); END"
            )
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, search_key) VALUES ('delete', old.id, old.search_key); END"
            )
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF search_key ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, search_key) VALUES ('delete', old.id, old.search_key); "
                f"INSERT INTO {fts}(rowid, search_key) VALUES (new.id, new.search_key); END"
            )
            schema_editor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for table in FTS_SOURCES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")
        elif vendor == "sqlite":
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
