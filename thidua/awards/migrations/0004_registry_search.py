"""Search index of the registry, per database (as organizations 0002_search_indexes).

PostgreSQL: a trigram GIN index on awards_award.search_key (pg_trgm, created if missing).
SQLite: an FTS5 table over search_key (unicode61, remove_diacritics 2) kept in step by triggers.
search_key is already folded by vi_fold (đ→d included), so both answer the same queries.
"""

from typing import Any

from django.db import migrations

TABLE = "awards_award"
FTS = f"{TABLE}_fts"


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_search_trgm ON {TABLE} USING gin (search_key gin_trgm_ops)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(search_key, content='{TABLE}', "
            f"content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
            f"INSERT INTO {FTS}(rowid, search_key) VALUES (new.id, new.search_key); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
            f"INSERT INTO {FTS}({FTS}, rowid, search_key) VALUES ('delete', old.id, old.search_key); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF search_key ON {TABLE} BEGIN "
            f"INSERT INTO {FTS}({FTS}, rowid, search_key) VALUES ('delete', old.id, old.search_key); "
            f"INSERT INTO {FTS}(rowid, search_key) VALUES (new.id, new.search_key); END"
        )
        schema_editor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TABLE}_search_trgm")
    elif vendor == "sqlite":
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")


class Migration(migrations.Migration):
    dependencies = [("awards", "0003_registry")]
    operations = [migrations.RunPython(forwards, backwards)]
