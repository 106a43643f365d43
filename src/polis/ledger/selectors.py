"""Reads of the public log: tiles, proofs, checkpoints."""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from datetime import datetime
from typing import Generic, TypeVar

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from polis.ledger import merkle, note
from polis.ledger.anchoring import token_info
from polis.ledger.events import event_label
from polis.ledger.models import LedgerBundle, LedgerCheckpoint, LedgerEntry, LedgerTile
from polis.ledger.proofbundle import ProofBundle
from polis.ledger.tiles import TILE_HEIGHT, TILE_WIDTH, TileTree, bundle_entries, entry_bundle


def latest_checkpoint() -> LedgerCheckpoint | None:
    return LedgerCheckpoint.objects.first()


# The first W hashes of a tile never change (the log only grows), so the tiles of a tree of a
# given size are read by their width at that size: a full tile under its key of width 256, a
# partial one under its own width, never as a wider one. Each process keeps the tiles it has read
# (an LRU) in front of the database. A shared cache (Redis) would add a round trip to every tile
# it does not hold, and holds nothing a query by the tile's unique key does not read as fast.


V = TypeVar("V")


class LRU(Generic[V]):
    """A bounded map (tiles by key, indexes by leaf hash), least recently read evicted first
    (thread-safe)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: Hashable, data: V) -> None:
        with self._lock:
            self._items[key] = data
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# Every proof reads upper tiles; random proofs read random leaf tiles (8 kB each), which must not
# evict them. 2,048 upper tiles are every one of a log of 128M entries (a worker keeps them all
# once it has read them); at most ~24 MB a process.
_upper_tiles: LRU[bytes] = LRU(2048)
_leaf_tiles: LRU[bytes] = LRU(1024)


# The log only grows: a size this process has seen is a lower bound of the log's size.
_seen_size = 0


def forget_log() -> None:
    """Forget what this process knows of the log (tests build other logs, same origin)."""
    global _seen_size
    _upper_tiles.clear()
    _leaf_tiles.clear()
    _leaf_indexes.clear()
    _seen_size = 0


def log_has_size(size: int) -> bool:
    """Whether the log has reached `size` entries; asks the database only for a size beyond
    the largest this process has seen."""
    global _seen_size
    if size > _seen_size:
        checkpoint = latest_checkpoint()
        _seen_size = max(_seen_size, checkpoint.size if checkpoint else 0)
    return size <= _seen_size


def _tile_width(level: int, index: int, size: int) -> int:
    """How many hashes tile (level, index) holds in the tree of `size` entries."""
    return max(0, min(TILE_WIDTH, (size >> (TILE_HEIGHT * level)) - index * TILE_WIDTH))


def _local_tiles(level: int) -> LRU[bytes]:
    return _upper_tiles if level else _leaf_tiles


def _kept(level: int, index: int, size: int) -> bytes | None:
    """Tile (level, index) of the tree of `size` if this process holds it at that width."""
    width = _tile_width(level, index, size)
    return _local_tiles(level).get((level, index, width)) if width else b""


def _read_tiles(
    keys: Iterable[tuple[int, int]], size: int, read: dict[tuple[int, int], bytes] | None = None
) -> dict[tuple[int, int], bytes]:
    """Tiles of the tree of `size`: this process's, else those a query of the caller has `read`
    (every key it asked, b"" if not stored), else the database's (one query). What comes from
    the database is kept by the process once the transaction that read it has committed."""
    found: dict[tuple[int, int], bytes] = {}
    wanted: list[tuple[int, int]] = []
    for key in keys:
        data = _kept(*key, size)
        if data is None:
            wanted.append(key)
        else:
            found[key] = data
    if wanted:
        stored = dict(read or {})
        missing = [key for key in wanted if key not in stored]
        if missing:
            stored.update(tiles(missing))
        fresh: dict[tuple[int, int, int], bytes] = {}
        for level, index in wanted:
            width = _tile_width(level, index, size)
            found[level, index] = data = stored.get((level, index), b"")[: 32 * width]
            if len(data) == 32 * width:
                fresh[level, index, width] = data
        if fresh:
            # Once committed: a tile written by a transaction that rolls back is never kept.
            def remember() -> None:
                for key, data in fresh.items():
                    _local_tiles(key[0]).put(key, data)

            transaction.on_commit(remember, robust=True)
    return found


def _read_tile(level: int, index: int, size: int) -> bytes:
    return _read_tiles([(level, index)], size)[level, index]


def _tiles_near(size: int, positions: Iterable[int]) -> set[tuple[int, int]]:
    """The tiles holding each leaf position's ancestors at every level, and the tree's right
    edge: what a proof about those positions reads (any other tile is read when asked)."""
    keys: set[tuple[int, int]] = set()
    for position in (*positions, size - 1):
        level = 0
        while position >= 0 and size >> (TILE_HEIGHT * level):
            keys.add((level, position >> (TILE_HEIGHT * (level + 1))))
            level += 1
    return keys


class _PreparedCursor(ServerBindingCursor):
    """Statements PostgreSQL parses and plans once a connection (Django prepares none)."""

    def execute(self, query, params=None, **kwargs):  # type: ignore[no-untyped-def]
        return super().execute(query, params, prepare=True, **kwargs)


class _PreparedDebugCursor(CursorDebugWrapper):
    """Logged as Django logs its own statements, the parameters in place (psycopg keeps no text
    of a prepared statement's execution for Django to log)."""

    def execute(self, sql, params=None):  # type: ignore[no-untyped-def]
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return CursorWrapper.execute(self, sql, params)


def _persistent_connection() -> bool:
    """Whether the connection outlives the request (CONN_MAX_AGE or a pool): only then is a
    prepared statement run again; on a connection of one request preparing is a round trip
    more for nothing."""
    database = connection.settings_dict
    return database["CONN_MAX_AGE"] != 0 or bool(database["OPTIONS"].get("pool"))


def _prepared_cursor() -> CursorWrapper:
    """A cursor for the proofs' queries, prepared on a persistent connection: planning was most
    of a first-time proof's query (0.29 ms against 0.16 ms prepared, measured at 10M entries).
    A generic plan cannot degrade: each query here has a single usable index."""
    if connection.vendor != "postgresql" or not _persistent_connection():
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django's None prepares nothing, even asked; a threshold never reached prepares only
        # what is asked (prepare=True), as before for every other query.
        raw.prepare_threshold = 2**31 - 1
    cursor = _PreparedCursor(raw)  # type: ignore[call-arg]  # psycopg.Cursor(connection)
    if connection.queries_logged:
        return _PreparedDebugCursor(cursor, connection)
    return CursorWrapper(cursor, connection)


def _proof_rows(sql: str, params: list) -> list[tuple]:
    """The rows of a proof's query, on a prepared cursor, without Django's health check (a
    SELECT 1 round trip before a request's first query): outside a transaction, a query that
    finds its kept connection dead (PostgreSQL restarted) is run once more on a new one; a
    failed connect (database down) is not tried twice."""

    def rows() -> list[tuple]:
        with _prepared_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    kept = connection.connection is not None
    try:
        return rows()
    except OperationalError:
        if not kept or connection.in_atomic_block or connection.is_usable():
            raise
        connection.close()
    return rows()


def tiles(keys: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored tiles among `keys`, in one query (the sequencer reads its right edge so)."""
    if not keys:
        return {}
    table = connection.ops.quote_name(LedgerTile._meta.db_table)
    wanted = ", ".join(["(%s, %s)"] * len(keys))
    sql = f'SELECT level, "index", hashes FROM {table} WHERE (level, "index") IN ({wanted})'  # noqa: S608
    rows = _proof_rows(sql, [value for key in keys for value in key])
    return {(level, index): bytes(hashes) for level, index, hashes in rows}


def tree_at(
    size: int, near: Iterable[int] = (), read: dict[tuple[int, int], bytes] | None = None
) -> TileTree:
    """A read-only node source over the stored tiles (valid for every size <= the log's); the
    tiles a proof about the leaf positions `near` reads are read up front, together (or taken
    from those a query has already `read`)."""
    tree = TileTree(size, lambda level, index: _read_tile(level, index, size))
    if near:
        tree.preload(_read_tiles(_tiles_near(size, near), size, read))
    return tree


def hash_tile(level: int, index: int, width: int | None, tree_size: int) -> bytes | None:
    """The tile's bytes (full, or its first `width` hashes), None if not available yet."""
    wanted = TILE_WIDTH if width is None else width
    if _tile_width(level, index, tree_size) < wanted or wanted < 1:
        return None
    data = _read_tile(level, index, tree_size)
    return data[: 32 * wanted] if len(data) >= 32 * wanted else None


def _bundle(index: int) -> bytes:
    return bytes(
        LedgerBundle.objects.filter(index=index).values_list("data", flat=True).first() or b""
    )


def partial_bundle(size: int) -> bytes:
    """The last entry bundle of a log of `size` entries if incomplete, else b""."""
    return _bundle(size >> TILE_HEIGHT) if size & (TILE_WIDTH - 1) else b""


def entry_tile(index: int, width: int | None, tree_size: int) -> bytes | None:
    """The entry bundle (full, or its first `width` entries), None if not available yet."""
    available = min(TILE_WIDTH, tree_size - index * TILE_WIDTH)
    wanted = TILE_WIDTH if width is None else width
    if available < wanted or wanted < 1:
        return None
    entries = bundle_entries(_bundle(index))
    return entry_bundle(entries[:wanted]) if len(entries) >= wanted else None


def log_entries(start: int, end: int) -> list[bytes]:
    """Entries start .. end-1 of the log, from its bundles (ValueError if any is missing)."""
    bundles = LedgerBundle.objects.filter(
        index__gte=start >> TILE_HEIGHT, index__lte=(end - 1) >> TILE_HEIGHT
    ).order_by("index")
    entries = [
        e for data in bundles.values_list("data", flat=True) for e in bundle_entries(bytes(data))
    ]
    offset = (start >> TILE_HEIGHT) * TILE_WIDTH
    wanted = entries[start - offset : end - offset]
    if len(wanted) != end - start:
        raise ValueError(f"the stored bundles do not hold entries {start} to {end - 1}")
    return wanted


# Lookups by hash order by `index + 0`, an expression no index provides: ordering by the column
# would let PostgreSQL walk the `index` B-tree and filter every row until it meets the hash (the
# plan it picks before ANALYZE has seen a bulk append); this way only the hash index can serve
# them, and the few rows it finds are sorted.
_BY_INDEX = F("index") + 0

# An integrated entry's index never changes: the leaf hashes this process has looked up.
_leaf_indexes: LRU[int] = LRU(65_536)


def _index_and_tiles(
    leaf_hash: str, also: list[tuple[int, int]]
) -> tuple[int | None, dict[tuple[int, int], bytes]]:
    """In one query: the index of the first integrated entry with this leaf hash (None if none),
    the level-0 tile that holds it and the tiles `also`; every tile asked is in the dict (b""
    if not stored). Raw SQL: the ORM would take longer to compile it than PostgreSQL to run it."""
    quote = connection.ops.quote_name
    entry, tile = quote(LedgerEntry._meta.db_table), quote(LedgerTile._meta.db_table)
    others = ' OR (t.level = %s AND t."index" = %s)' * len(also)
    sql = (
        f'SELECT e.i, t.level, t."index", t.hashes FROM (SELECT "index" AS i FROM {entry} '  # noqa: S608
        f'WHERE leaf_hash = %s AND "index" IS NOT NULL ORDER BY "index" + 0 LIMIT 1) AS e '
        f'LEFT JOIN {tile} AS t ON (t.level = 0 AND t."index" = e.i >> {TILE_HEIGHT}){others}'
    )
    rows = _proof_rows(sql, [leaf_hash, *(value for key in also for value in key)])
    if not rows:
        return None, {}
    index = rows[0][0]
    read = dict.fromkeys([(0, index >> TILE_HEIGHT), *also], b"")
    read.update({(level, i): bytes(hashes) for _, level, i, hashes in rows if level is not None})
    return index, read


def leaf_inclusion_proof(leaf_hash: str, size: int) -> tuple[int, list[bytes]] | None:
    """The index of the first integrated entry with this leaf hash and its inclusion proof in
    the tree of `size` (<= the log's), None if that tree does not hold it.

    A leaf hash this process has not looked up yet costs one query: its index, its level-0 tile
    and the tiles of the tree's right edge the process does not hold (upper tiles it has not
    read yet, a second query).
    """
    index = _leaf_indexes.get(leaf_hash)
    read = None
    if index is None:
        edge = [key for key in _tiles_near(size, ()) if _kept(*key, size) is None]
        index, read = _index_and_tiles(leaf_hash, edge)
        if index is None:
            return None
        # Once committed: an index numbered by a transaction that rolls back is never kept.
        transaction.on_commit(lambda: _leaf_indexes.put(leaf_hash, index), robust=True)
    if index >= size:
        return None
    return index, merkle.inclusion_proof(tree_at(size, near=[index], read=read), index, size)


def entries_for_document(sha256: str) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(sha256=sha256, index__isnull=False).order_by(_BY_INDEX)[:20]
    )


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return merkle.inclusion_proof(tree_at(size, near=[index]), index, size)


def consistency_proof(size1: int, size2: int) -> list[bytes]:
    near = [size1 - 1, size1] if size1 < size2 else [size1 - 1]
    return merkle.consistency_proof(tree_at(size2, near=near), size1, size2)


def checkpoint_of_size(size: int) -> LedgerCheckpoint | None:
    return LedgerCheckpoint.objects.filter(size=size).first()


def cosignature_count(checkpoint: LedgerCheckpoint) -> int:
    return checkpoint.cosignatures.count(note.SIG_PREFIX)


def published_checkpoint(size_at_least: int) -> LedgerCheckpoint | None:
    """The checkpoint the public pages prove against: the latest one of at least
    `size_at_least` entries that carries what is configured (the required cosignatures, an
    RFC 3161 token); else the latest, which the page then shows as not confirmed (a witness or
    the TSA has not answered yet)."""
    candidates = LedgerCheckpoint.objects.filter(size__gte=size_at_least)
    if settings.LEDGER_WITNESS_QUORUM:
        candidates = candidates.exclude(cosignatures="")
    if settings.LEDGER_TSA_URL or settings.LEDGER_DEV_TSA:
        candidates = candidates.exclude(timestamp_token=None)
    for checkpoint in candidates[:10]:
        if cosignature_count(checkpoint) >= settings.LEDGER_WITNESS_QUORUM:
            return checkpoint
    return latest_checkpoint()


def proof_bundle_for(entry: LedgerEntry) -> ProofBundle | None:
    """A tlog-proof@v1 bundle for an integrated entry against the published checkpoint."""
    checkpoint = published_checkpoint(entry.index + 1) if entry.index is not None else None
    if checkpoint is None or entry.index >= checkpoint.size:
        return None
    proof = inclusion_proof(entry.index, checkpoint.size)
    return ProofBundle(entry.index, tuple(proof), checkpoint.signed_note, entry.data.encode())


def _local(moment: datetime) -> str:
    """A time as the site shows it: Europe/Rome, with its zone (CET or CEST)."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S %Z")


def document_lookup(sha256: str) -> dict | None:
    """What the public page shows for a document hash: its first integrated registration, with
    the published checkpoint and the inclusion proof the browser checks."""
    entries = entries_for_document(sha256)
    if not entries:
        return None
    entry = entries[0]
    checkpoint = published_checkpoint(entry.index + 1)
    if checkpoint is None or entry.index >= checkpoint.size:
        return None
    proof = inclusion_proof(entry.index, checkpoint.size)
    return {
        "found": True,
        "sha256": sha256,
        "index": entry.index,
        "type": entry.type,
        "type_label": event_label(entry.type),
        "time": _local(entry.time),
        "ref": entry.ref,
        "entry": base64.b64encode(entry.data.encode()).decode(),
        "leaf_hash": entry.leaf_hash,
        "size": checkpoint.size,
        "checkpoint": checkpoint.signed_note,
        "proof": [base64.b64encode(h).decode() for h in proof],
        "registrations": len(entries),
        "timestamp": _timestamp_display(checkpoint),
        "timestamp_url": (
            reverse("ledger:timestamp", args=[checkpoint.size])
            if checkpoint.timestamp_token
            else ""
        ),
    }


def _timestamp_display(checkpoint: LedgerCheckpoint) -> str:
    if not checkpoint.timestamp_token:
        return ""
    gen_time, _ = token_info(bytes(checkpoint.timestamp_token))
    return _local(gen_time)


def timestamp_token(size: int) -> bytes | None:
    """The RFC 3161 token of the checkpoint of that size, if it was time-stamped."""
    token = (
        LedgerCheckpoint.objects.filter(size=size).values_list("timestamp_token", flat=True).first()
    )
    return bytes(token) if token else None
