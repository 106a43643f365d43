"""Substring search that PostgreSQL serves from trigram indexes, and SQLite still answers.

Django's `icontains` is `UPPER(col::text) LIKE UPPER('%word%')` on PostgreSQL: a GIN index with
`gin_trgm_ops` on the same expression, `UPPER(col)`, answers it (and `istartswith`, `iexact`)
without reading the table. The indexes live in migrations that are no-ops on SQLite, where the
same lookups stay correct by scanning.
"""

from django.db import migrations


def trigram_indexes(table: str, columns: dict[str, str]) -> migrations.RunPython:
    """A migration operation: {index name: column} GIN trigram indexes on UPPER(column), built
    CONCURRENTLY (the migration must be `atomic = False`), on PostgreSQL only."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in columns.items():
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} "
                f"USING gin (UPPER({column}) gin_trgm_ops)"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in columns:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")

    return migrations.RunPython(create, drop, atomic=False)
