"""Reads of the public log: tiles, proofs, checkpoints."""

from __future__ import annotations

import base64

from django.db import connection

from polis.ledger import merkle
from polis.ledger.models import LedgerBundle, LedgerCheckpoint, LedgerEntry, LedgerTile
from polis.ledger.proofbundle import ProofBundle
from polis.ledger.tiles import TILE_HEIGHT, TILE_WIDTH, TileTree, bundle_entries, entry_bundle


def latest_checkpoint() -> LedgerCheckpoint | None:
    return LedgerCheckpoint.objects.first()


def _read_tile(level: int, index: int) -> bytes:
    return tiles([(level, index)]).get((level, index), b"")


def tiles(keys: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored tiles among `keys`, in one query (the sequencer reads its right edge so)."""
    if not keys:
        return {}
    table = connection.ops.quote_name(LedgerTile._meta.db_table)
    wanted = ", ".join(["(%s, %s)"] * len(keys))
    sql = f'SELECT level, "index", hashes FROM {table} WHERE (level, "index") IN ({wanted})'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for key in keys for value in key])
        return {(level, index): bytes(hashes) for level, index, hashes in cursor.fetchall()}


def tree_at(size: int) -> TileTree:
    """A read-only node source over the stored tiles (valid for every size <= the log's)."""
    return TileTree(size, _read_tile)


def hash_tile(level: int, index: int, width: int | None, tree_size: int) -> bytes | None:
    """The tile's bytes (full, or its first `width` hashes), None if not available yet."""
    available = min(TILE_WIDTH, (tree_size >> (TILE_HEIGHT * level)) - index * TILE_WIDTH)
    wanted = TILE_WIDTH if width is None else width
    if available < wanted or wanted < 1:
        return None
    data = _read_tile(level, index)
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


def entry_by_leaf_hash(leaf_hash: str) -> LedgerEntry | None:
    entries = LedgerEntry.objects.filter(leaf_hash=leaf_hash, index__isnull=False)
    return entries.order_by("index").first()


def entries_for_document(sha256: str) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(sha256=sha256, index__isnull=False).order_by("index")[:20]
    )


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return merkle.inclusion_proof(tree_at(size), index, size)


def consistency_proof(size1: int, size2: int) -> list[bytes]:
    return merkle.consistency_proof(tree_at(size2), size1, size2)


def checkpoint_of_size(size: int) -> LedgerCheckpoint | None:
    return LedgerCheckpoint.objects.filter(size=size).first()


def proof_bundle_for(entry: LedgerEntry) -> ProofBundle | None:
    """A tlog-proof@v1 bundle for an integrated entry against the latest checkpoint."""
    checkpoint = latest_checkpoint()
    if checkpoint is None or entry.index is None or entry.index >= checkpoint.size:
        return None
    proof = inclusion_proof(entry.index, checkpoint.size)
    return ProofBundle(entry.index, tuple(proof), checkpoint.signed_note, entry.data.encode())


EVENT_LABELS = {
    "policy.issued": "Polizza emessa",
    "contract.signed": "Contratto firmato",
    "contract.evidence": "Rapporto di firma",
    "practice.in_force": "Pratica in vigore",
    "claim.opened": "Sinistro aperto",
    "quietanza.signed": "Quietanza firmata",
    "quietanza.evidence": "Rapporto di firma della quietanza",
    "quietanza.accepted": "Quietanza accettata",
    "quietanza.refused": "Quietanza rifiutata",
    "demo.document": "Documento dimostrativo",
}


def document_lookup(sha256: str) -> dict | None:
    """What the public page shows for a document hash: its first integrated registration."""
    entries = entries_for_document(sha256)
    checkpoint = latest_checkpoint()
    if not entries or checkpoint is None or entries[0].index >= checkpoint.size:
        return None
    entry = entries[0]
    bundle = proof_bundle_for(entry)
    return {
        "found": True,
        "sha256": sha256,
        "index": entry.index,
        "type": entry.type,
        "type_label": EVENT_LABELS.get(entry.type, entry.type),
        "time": entry.time.strftime("%d/%m/%Y %H:%M:%S UTC"),
        "ref": entry.ref,
        "entry": base64.b64encode(entry.data.encode()).decode(),
        "leaf_hash": entry.leaf_hash,
        "size": checkpoint.size,
        "checkpoint": checkpoint.signed_note,
        "proof": [base64.b64encode(h).decode() for h in bundle.proof],
        "registrations": len(entries),
        "timestamp": _timestamp_display(checkpoint),
    }


def _timestamp_display(checkpoint: LedgerCheckpoint) -> str:
    if not checkpoint.timestamp_token:
        return ""
    from polis.ledger.anchoring import token_info

    gen_time, _ = token_info(bytes(checkpoint.timestamp_token))
    return gen_time.strftime("%d/%m/%Y %H:%M:%S UTC")
