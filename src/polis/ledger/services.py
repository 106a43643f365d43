"""The only code that changes the ledger: queue an event, integrate pending events, sign.

The log is stored as C2SP tlog-tiles: entry bundles (LedgerBundle) and hash tiles (LedgerTile),
each batch closed by a signed checkpoint. LedgerEntry rows are the outbox and the lookup index.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.core.access import ADMIN
from polis.core.errors import DomainError
from polis.ledger import anchoring, merkle, note, selectors
from polis.ledger.audit import verify_ledger
from polis.ledger.events import EVENT_TYPES
from polis.ledger.keys import log_signer
from polis.ledger.models import LedgerBundle, LedgerCheckpoint, LedgerEntry, LedgerTile
from polis.ledger.tiles import append_bundles
from polis.ledger.witnessing import submit_checkpoint
from polis.notify.recipients import role_emails
from polis.notify.services import queue_email

if TYPE_CHECKING:
    from django.db import models

_HEX64 = re.compile(r"[0-9a-f]{64}")
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
# pg_advisory_xact_lock key: "polis ledger sequencer".
SEQUENCER_LOCK = 0x706F6C69_736C6467
BATCH_SIZE = 1000


def _check_event(*, type: str, ref: str, sha256: str) -> None:
    """Refuse anything but an allowed type, an opaque reference and a SHA-256."""
    if type not in EVENT_TYPES:
        message = _("Tipo di evento non ammesso nel registro: %(type)s.") % {"type": type}
        raise DomainError(message, field="type")
    if not isinstance(ref, str) or not _REF.fullmatch(ref):
        message = _("Il riferimento deve essere un codice opaco (lettere, cifre, .:_-).")
        raise DomainError(message, field="ref")
    if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256.lower()):
        raise DomainError(_("L'impronta SHA-256 deve avere 64 cifre esadecimali."), field="sha256")


def _canonical(type: str, ref: str, sha256: str, stamp: str) -> str:
    """What canonical_entry() produces, written out: checked fields need no JSON escaping."""
    return f'{{"ref":"{ref}","sha256":"{sha256}","time":"{stamp}","type":"{type}","v":1}}'


# A whole batch of valid references or hashes, one per line: one regex pass instead of one per
# event (the appends benchmark spends most of its Python time validating).
_REFS = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9._:-]{0,63}\n)*")
_HEX64S = re.compile(r"(?:[0-9a-f]{64}\n)*")


def _valid_batch(events: list[dict]) -> bool:
    try:
        types = {event["type"] for event in events}
        refs = "\n".join(event["ref"] for event in events) + "\n"
        hashes = "\n".join(event["sha256"] for event in events).lower() + "\n"
    except (KeyError, TypeError):
        return False
    return (
        types <= set(EVENT_TYPES)
        # as many lines as events: a reference or hash holding a newline is not two valid ones
        and refs.count("\n") == hashes.count("\n") == len(events)
        and _REFS.fullmatch(refs) is not None
        and _HEX64S.fullmatch(hashes) is not None
    )


def _canonical_entries(events: list[dict], now: datetime) -> list[str]:
    """The canonical entry of each event, all validated first."""
    if not _valid_batch(events):
        for event in events:
            _check_event(**event)  # raises for the first invalid event
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return [_canonical(e["type"], e["ref"], e["sha256"].lower(), stamp) for e in events]


def _new_entries(events: list[dict], now: datetime) -> list[LedgerEntry]:
    sha256 = hashlib.sha256
    return [
        LedgerEntry(
            type=event["type"],
            ref=event["ref"],
            sha256=event["sha256"].lower(),
            time=now,
            data=data,
            leaf_hash=sha256(b"\x00" + data.encode()).hexdigest(),
        )
        for event, data in zip(events, _canonical_entries(events, now), strict=True)
    ]


def record_events(*, events: list[dict]) -> list[LedgerEntry]:
    """Queue many events at once (same rules as record_event), in the caller's transaction."""
    entries = _new_entries(events, timezone.now().replace(microsecond=0))
    return LedgerEntry.objects.bulk_create(entries)


def record_event(*, type: str, ref: str, sha256: str) -> LedgerEntry:
    """Queue an event for the public log, in the caller's transaction (outbox).

    `ref` must be an opaque identifier (e.g. a UUID or a random code), never a name, tax code or
    anything personal: the log is public forever. If the caller's transaction rolls back, the
    entry never reaches the log; once it commits, the sequencer integrates it.
    """
    event = {"type": type, "ref": ref, "sha256": sha256}
    (entry,) = _new_entries([event], timezone.now().replace(microsecond=0))
    entry.save()
    return entry


def _sign_checkpoint(size: int, root: bytes, *, indexed: bool = True) -> LedgerCheckpoint:
    """A signed checkpoint, not yet saved."""
    text = note.Checkpoint(settings.LEDGER_ORIGIN, size, root).text()
    return LedgerCheckpoint(
        size=size,
        root_hash=root.hex(),
        note=note.sign_note(text, log_signer()),
        indexed=indexed,
        created_at=timezone.now(),
    )


def _latest() -> tuple[int, str]:
    latest = LedgerCheckpoint.objects.values_list("size", "root_hash").first()
    return latest or (0, merkle.EMPTY_ROOT.hex())


def _lock_latest() -> tuple[int, str]:
    """Take the sequencer lock (held until commit), then read the latest checkpoint.

    On PostgreSQL in one round trip: two statements, the second with a snapshot taken once the
    lock is held (READ COMMITTED), so it sees every batch committed before.
    """
    if connection.vendor != "postgresql":
        return _latest()
    table = connection.ops.quote_name(LedgerCheckpoint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_advisory_xact_lock({SEQUENCER_LOCK:d}); "  # noqa: S608 - constants only
            f"SELECT size, root_hash FROM {table} ORDER BY size DESC LIMIT 1"
        )
        cursor.nextset()
        latest = cursor.fetchone()
    return latest or (0, merkle.EMPTY_ROOT.hex())


def latest_size() -> int:
    return _latest()[0]


def _number_entries(size: int, pks: list[int]) -> None:
    """index = size, size+1, ... for exactly these rows in pk order, in one UPDATE statement."""
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    placeholders = ", ".join(["%s"] * len(pks))
    sql = (
        f'UPDATE {table} SET "index" = %s + numbered.n - 1 FROM '  # noqa: S608 - no user input
        f"(SELECT id, row_number() OVER (ORDER BY id) AS n FROM {table} "
        f"WHERE id IN ({placeholders})) AS numbered WHERE {table}.id = numbered.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [size, *pks])


def _upsert_sql(model: type[models.Model], columns: tuple[str, ...], rows: int, binary: str) -> str:
    """INSERT of `rows` rows replacing those with the same key: the last column is the value,
    its placeholder `binary`, the other columns are the model's unique key."""
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), [quote(c) for c in columns]
    row = "(" + ", ".join(["%s"] * (len(columns) - 1) + [binary]) + ")"
    return (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([row] * rows)} "  # noqa: S608
        f"ON CONFLICT ({', '.join(names[:-1])}) DO UPDATE SET {names[-1]} = excluded.{names[-1]}"
    )


def _store(
    bundles: dict[int, bytes],
    tiles: dict[tuple[int, int], bytes],
    checkpoint: LedgerCheckpoint,
) -> None:
    """Write a batch's changed entry bundles and hash tiles, and its checkpoint.

    On PostgreSQL the three statements go in one round trip (a psycopg pipeline) with the bytes
    bound in binary by the server: Django's client-side binding would send ~200 kB of hex text
    for the server to parse back (measured: 1.9 against 0.5 ms a batch for the bundles alone).
    """
    binary = "%b" if connection.vendor == "postgresql" else "%s"
    writes = [
        (
            _upsert_sql(LedgerBundle, ("index", "data"), len(bundles), binary),
            [value for item in bundles.items() for value in item],
        ),
        (
            _upsert_sql(LedgerTile, ("level", "index", "hashes"), len(tiles), binary),
            [value for (level, index), hashes in tiles.items() for value in (level, index, hashes)],
        ),
    ]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            for sql, params in writes:
                cursor.execute(sql, params)
        checkpoint.save()
        return
    table = connection.ops.quote_name(LedgerCheckpoint._meta.db_table)
    fields = ("size", "root_hash", "note", "cosignatures", "created_at", "indexed")
    connection.ensure_connection()
    raw = connection.connection
    with raw.pipeline(), psycopg.Cursor(raw) as cursor:
        for sql, params in writes:
            cursor.execute(sql, params)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(fields)}) "  # noqa: S608 - constants only
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id",
            [getattr(checkpoint, field) for field in fields],
        )
        (checkpoint.pk,) = cursor.fetchone()


# The right edge of the tree this process last signed, by (size, root): its partial hash tiles
# and its partial entry bundle, so that the next batch reads neither. The same size and root
# mean the same log, so an entry can never be stale.
_right_edge: dict[tuple[int, str], tuple[dict[tuple[int, int], bytes], bytes]] = {}


def _extend(
    latest: tuple[int, str], entries: list[bytes], leaf_hashes: list[bytes], *, indexed: bool
) -> LedgerCheckpoint:
    """Append entries (and their leaf hashes) to the log `latest` (size, root): store the changed
    bundles and tiles, sign a checkpoint."""
    tree = selectors.tree_at(latest[0])
    edge = tree.right_edge()
    known = _right_edge.get(latest)
    if known is None:
        known = (selectors.tiles(edge), selectors.partial_bundle(latest[0]))
    stored, partial = known
    tree.preload({key: stored.get(key, b"") for key in edge})
    tree.append(leaf_hashes)
    bundles = append_bundles(latest[0], partial, entries)
    checkpoint = _sign_checkpoint(tree.size, tree.root(), indexed=indexed)
    _store(bundles, tree.changed_tiles(), checkpoint)
    after = (
        {key: tree.tile(*key) for key in tree.right_edge()},
        bundles[max(bundles)] if tree.size % 256 else b"",
    )

    def remember() -> None:
        _right_edge.clear()
        _right_edge[tree.size, checkpoint.root_hash] = after

    transaction.on_commit(remember)
    return checkpoint


def integrate_pending(*, batch_size: int = BATCH_SIZE) -> LedgerCheckpoint | None:
    """Sequence up to `batch_size` pending entries, store their tiles, sign a checkpoint.

    A single sequencer at a time (PostgreSQL advisory lock held until commit): the tree never
    forks. Returns the new checkpoint, or None if nothing was pending (the empty tree gets a
    size-0 checkpoint the first time).
    """
    with transaction.atomic():
        latest = _lock_latest()
        pending = list(
            LedgerEntry.objects.filter(index__isnull=True)
            .order_by("pk")
            .values_list("pk", "data", "leaf_hash")[:batch_size]
        )
        if not pending:
            if LedgerCheckpoint.objects.exists():
                return None
            checkpoint = _sign_checkpoint(0, merkle.EMPTY_ROOT)
            checkpoint.save()
            return checkpoint
        _number_entries(latest[0], [pk for pk, _, _ in pending])
        entries = [data.encode() for _, data, _ in pending]
        leaves = [bytes.fromhex(leaf) for _, _, leaf in pending]
        return _extend(latest, entries, leaves, indexed=True)


_COPY_COLUMNS = ("index", "type", "ref", "sha256", "time", "data", "leaf_hash")


def _insert_numbered(first_index: int, rows: list[tuple]) -> None:
    """Store lookup rows (type, ref, sha256, time, data, leaf hash) numbered from
    `first_index`: one COPY on PostgreSQL.

    The rows come from stored entries, validated when appended: nothing for COPY's text format
    to escape.
    """
    if connection.vendor != "postgresql":
        fields = ("type", "ref", "sha256", "time", "data", "leaf_hash")
        LedgerEntry.objects.bulk_create(
            LedgerEntry(index=first_index + n, **dict(zip(fields, row, strict=True)))
            for n, row in enumerate(rows)
        )
        return
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COPY_COLUMNS)
    text = "".join(
        f"{first_index + n}\t{t}\t{r}\t{s}\t{time.isoformat()}\t{d}\t{h}\n"
        for n, (t, r, s, time, d, h) in enumerate(rows)
    )
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write(text)


def append_events(*, events: list[dict]) -> LedgerCheckpoint:
    """Append a batch of events straight to the log, in one transaction of its own.

    Same rules as record_event, but the batch is numbered, stored in entry bundles, tiled and
    closed by a signed checkpoint before this returns (or nothing of it is stored): for bulk
    producers that need no business transaction around each event, such as imports. Pending
    outbox entries keep their turn with the sequencer. Lookups by document or leaf hash find
    the batch once the follower (index_entries) has run.
    """
    now = timezone.now().replace(microsecond=0)
    # validated and hashed before taking the lock
    entries = [data.encode() for data in _canonical_entries(events, now)]
    sha256 = hashlib.sha256
    leaves = [sha256(b"\x00" + entry).digest() for entry in entries]
    with transaction.atomic():
        return _extend(_lock_latest(), entries, leaves, indexed=False)


def _lookup_row(entry: bytes) -> tuple:
    """A stored entry's lookup columns: type, ref, sha256, time, data, leaf hash."""
    fields = json.loads(entry)
    time = datetime.fromisoformat(fields["time"])
    leaf = merkle.leaf_hash(entry).hex()
    return (fields["type"], fields["ref"], fields["sha256"], time, entry.decode(), leaf)


def index_entries(*, checkpoints: int = 100) -> int:
    """The follower: write the lookup rows of the entries appended straight to the log, one
    checkpoint's batch per transaction, up to `checkpoints` batches; the entries indexed.

    The rows are read back from the stored bundles. Runs after the sequencer (the same task);
    concurrent runs take different batches (SKIP LOCKED) and a rerun does nothing twice.
    """
    indexed = 0
    for _batch in range(checkpoints):
        with transaction.atomic():
            checkpoint = (
                LedgerCheckpoint.objects.select_for_update(skip_locked=True)
                .filter(indexed=False)
                .order_by("size")
                .first()
            )
            if checkpoint is None:
                break
            first = (
                LedgerCheckpoint.objects.filter(size__lt=checkpoint.size)
                .order_by("-size")
                .values_list("size", flat=True)
                .first()
            ) or 0
            _insert_numbered(
                first, [_lookup_row(e) for e in selectors.log_entries(first, checkpoint.size)]
            )
            LedgerCheckpoint.objects.filter(pk=checkpoint.pk).update(indexed=True)
            indexed += checkpoint.size - first
    return indexed


def integrate_all(*, batch_size: int = BATCH_SIZE) -> int:
    """Integrate until nothing is pending; the number of entries integrated."""
    before = latest_size()
    while integrate_pending(batch_size=batch_size) is not None:
        pass
    return latest_size() - before


def document_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def publish_log() -> int:
    """Integrate what is pending and index what was appended straight to the log, then have the
    latest checkpoint cosigned by the witnesses and time-stamped, each once: every path that
    appends (the outbox, append_events, the demo data) is published so. Returns the number of
    entries integrated."""
    count = integrate_all()
    index_entries()
    witness_latest()
    anchor_latest()
    return count


def witness_latest() -> int:
    """Submit the latest checkpoint to the configured witnesses (outside the sequencer lock)."""
    latest = LedgerCheckpoint.objects.first()
    return submit_checkpoint(latest) if latest is not None else 0


def anchor_latest() -> bool:
    """RFC 3161 time-stamp of the latest checkpoint (LEDGER_TSA_URL), outside the lock."""
    return anchoring.anchor_latest()


def verify_and_alert() -> bool:
    """Verify the whole log; on failure queue an e-mail to every active administrator."""
    report = verify_ledger()
    if report.ok:
        return True
    with transaction.atomic():
        for email in role_emails(ADMIN):
            queue_email(
                to=email,
                template="ledger_verify_failed",
                context={"problems": report.problems, "size": report.size},
            )
    return False
