"""A snapshot of the test database's rows and of the media folder, restored in a later
transactional test of the same worker: data that costs seconds to make through the services
(seed_demo) is made once per worker and copied back in a fraction of a second.

PostgreSQL only, and only as a superuser: the rows go back with COPY, the triggers off (the
append-only guards, the foreign keys, checked when the snapshot was made), as the test flush of
the root conftest deletes them. The worker's VAR_DIR (development keys, CA, TSA) is the same
for both tests, so what was signed in the snapshot still verifies."""

import functools
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, bytes]  # quoted table name -> COPY binary data, the non-empty tables only
    sequences: dict[str, int | None]  # sequence -> last value (None: never used)
    media: Path


def supported() -> bool:
    """Whether this database can be snapshotted (PostgreSQL, connected as a superuser)."""
    return connection.vendor == "postgresql" and superuser(connection.alias)


@functools.cache
def superuser(alias: str) -> bool:
    """Whether the test database's user is a superuser (asked once a run)."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return cursor.fetchone()[0]


def take(folder: Path) -> Snapshot:
    """Every row of the test database (but the migrations' record) and a copy of MEDIA_ROOT."""
    with connection.cursor() as cursor:
        rows = copy_out(_tables(cursor))
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"
        )
        sequences = dict(cursor.fetchall())
    media = folder / "media"
    shutil.rmtree(media, ignore_errors=True)
    if Path(settings.MEDIA_ROOT).exists():
        shutil.copytree(settings.MEDIA_ROOT, media)
    return Snapshot(rows=rows, sequences=sequences, media=media)


def restore(snapshot: Snapshot) -> None:
    """Replace every row with the snapshot's, set the sequences where they were, copy its media
        into MEDIA_ROOT, and forget the content types the process cached (the shared cache and the
    ledger's log are emptied before each test: conftest's _clear_cache)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table in map(connection.ops.quote_name, _tables(cursor)):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        copy_in(snapshot.rows, using=connection.alias, reset_sequences=False)
        for sequence, value in snapshot.sequences.items():
            cursor.execute(
                "SELECT setval(%s, %s, %s)",
                [connection.ops.quote_name(sequence), value or 1, value is not None],
            )
    if snapshot.media.exists():
        shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    ContentType.objects.clear_cache()


def copy_out(tables: list[str], using: str = "default") -> dict[str, bytes]:
    """The rows of the non-empty `tables`, as COPY binary data by quoted table name."""
    db = connections[using]
    rows = {}
    with db.cursor() as cursor:
        for table in map(db.ops.quote_name, tables):
            cursor.execute(f"SELECT EXISTS (SELECT FROM {table})")  # noqa: S608
            if cursor.fetchone()[0]:
                with cursor.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
                    rows[table] = b"".join(copy)
    return rows


def copy_in(rows: dict[str, bytes], using: str = "default", *, reset_sequences=True) -> None:
    """Insert rows of copy_out into their (empty) tables, and (unless the caller sets them
    itself) move each table's id sequence to its largest id, so that the next insert does not
    take an id COPY has restored."""
    with connections[using].cursor() as cursor:
        for table, data in rows.items():
            with cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                copy.write(data)
            if not reset_sequences:
                continue
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, 'id') FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attname = 'id' AND NOT attisdropped",
                [table, table],
            )
            sequence = cursor.fetchone()
            if sequence and sequence[0]:
                cursor.execute(f"SELECT setval(%s, MAX(id)) FROM {table}", [sequence[0]])  # noqa: S608


def _tables(cursor) -> list[str]:
    return [t for t in connection.introspection.table_names(cursor) if t != "django_migrations"]
