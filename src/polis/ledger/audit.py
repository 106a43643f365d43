"""`ledger verify`: recompute the whole tree from the stored entries and check everything.

Independent records are compared with each other: the entries in their bundles (canonical
bytes), the stored tiles (a second copy of every leaf hash, by position), every signed checkpoint
and the lookup rows (a third copy of each indexed entry). An edit, deletion, insertion or
reordering of entries changes at least one of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings

from polis.ledger import merkle, note
from polis.ledger.entries import canonical_entry
from polis.ledger.keys import log_verifier
from polis.ledger.models import LedgerBundle, LedgerCheckpoint, LedgerEntry, LedgerTile
from polis.ledger.tiles import TILE_HEIGHT, TILE_WIDTH, bundle_entries


@dataclass
class Report:
    size: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _canonical_fields(data: bytes) -> tuple[str, str, str] | None:
    """(type, ref, sha256) of a canonical entry, None if the bytes are not one."""
    try:
        fields = json.loads(data)
        expected = canonical_entry(
            type=fields["type"], ref=fields["ref"], sha256=fields["sha256"], time=fields["time"]
        )
    except (ValueError, TypeError, KeyError):
        return None
    return (fields["type"], fields["ref"], fields["sha256"]) if expected == data else None


def _log_leaves(problems: list[str]):
    """The leaf hash of every entry of the log, in order, from its bundles."""
    expected, short = 0, None
    for bundle in LedgerBundle.objects.order_by("index").iterator():
        if short is not None:
            problems.append(
                f"Bundle {short[0]}: {short[1]} voci invece di {TILE_WIDTH} prima di altri "
                "bundle (voci cancellate o inserite)."
            )
            short = None
        if bundle.index != expected:
            problems.append(
                f"Bundle di voci mancanti da {expected} a {bundle.index - 1} "
                "(voci cancellate o spostate)."
            )
        try:
            entries = bundle_entries(bytes(bundle.data))
        except ValueError:
            problems.append(f"Bundle {bundle.index}: non leggibile (bundle alterato).")
            entries = []
        for offset, data in enumerate(entries):
            if _canonical_fields(data) is None:
                problems.append(f"Voce {bundle.index * TILE_WIDTH + offset}: JSON non canonico.")
            yield merkle.leaf_hash(data)
        expected = bundle.index + 1
        if len(entries) != TILE_WIDTH:
            short = (bundle.index, len(entries))


def _check_lookup_rows(tree: merkle.MemoryTree, problems: list[str]) -> None:
    """Each lookup row is its log entry, and no batch the follower indexed lacks a row."""
    leaves = tree.levels[0]
    rows = LedgerEntry.objects.filter(index__isnull=False).order_by("index")
    present = set()
    for index, type, ref, sha256, data, leaf_hash in rows.values_list(
        "index", "type", "ref", "sha256", "data", "leaf_hash"
    ).iterator():
        present.add(index)
        leaf = merkle.leaf_hash(data.encode())
        if leaf.hex() != leaf_hash:
            problems.append(
                f"Voce {index}: il contenuto non corrisponde al suo hash di foglia "
                "(riga di ricerca modificata)."
            )
        if index >= len(leaves) or leaves[index] != leaf:
            problems.append(
                f"Voce {index}: la riga di ricerca non è la voce del registro in quella "
                "posizione (riga modificata, spostata o inserita)."
            )
        if _canonical_fields(data.encode()) != (type, ref, sha256):
            problems.append(f"Voce {index}: JSON non canonico o diverso dai campi memorizzati.")
    previous = 0
    for size, indexed in LedgerCheckpoint.objects.order_by("size").values_list("size", "indexed"):
        missing = [i for i in range(previous, size) if i not in present] if indexed else []
        if missing:
            problems.append(
                f"Indici mancanti da {missing[0]} a {missing[-1]} nelle righe di ricerca "
                "(righe cancellate)."
            )
        previous = size


def _check_tiles(tree: merkle.MemoryTree, problems: list[str]) -> None:
    for tile in LedgerTile.objects.order_by("level", "index").iterator():
        level = tile.level * TILE_HEIGHT
        stored = bytes(tile.hashes)
        first = tile.index * TILE_WIDTH
        for offset in range(len(stored) // 32):
            position = first + offset
            row = tree.levels[level] if level < len(tree.levels) else []
            want = row[position] if position < len(row) else None
            if stored[offset * 32 : offset * 32 + 32] != want:
                what = f"foglia {position}" if tile.level == 0 else f"nodo {level}/{position}"
                problems.append(
                    f"Tile {tile.level}/{tile.index}: {what} diverso dal ricalcolo "
                    "(voce modificata, spostata, inserita o cancellata)."
                )
                break


def _check_checkpoint(cp: LedgerCheckpoint, tree: merkle.MemoryTree, problems: list[str]) -> None:
    try:
        opened = note.open_checkpoint(cp.note, log_verifier(), settings.LEDGER_ORIGIN)
    except note.NoteError as exc:
        problems.append(f"Checkpoint {cp.size}: firma o formato non validi ({exc}).")
        return
    if opened.size != cp.size or opened.root.hex() != cp.root_hash:
        problems.append(f"Checkpoint {cp.size}: il testo firmato non corrisponde alla riga.")
    if opened.size > tree.size:
        problems.append(
            f"Checkpoint {opened.size}: firma un albero più grande delle {tree.size} voci "
            "presenti (voci cancellate)."
        )
    elif tree.root(opened.size) != opened.root:
        problems.append(
            f"Checkpoint {opened.size}: la radice firmata non corrisponde a quella ricalcolata "
            "dalle voci (voci modificate, inserite, cancellate o riordinate)."
        )


def verify_ledger() -> Report:
    report = Report()
    tree = merkle.MemoryTree()
    for leaf in _log_leaves(report.problems):
        tree.append_hash(leaf)
    report.size = tree.size
    _check_tiles(tree, report.problems)
    latest = LedgerCheckpoint.objects.first()
    if latest is not None and latest.size < tree.size:
        report.problems.append(
            f"Ci sono {tree.size - latest.size} voci oltre l'ultimo checkpoint firmato "
            f"({latest.size}): voci inserite senza passare dal sequencer."
        )
    for cp in LedgerCheckpoint.objects.order_by("size").iterator():
        _check_checkpoint(cp, tree, report.problems)
        report.checkpoints += 1
    _check_lookup_rows(tree, report.problems)
    return report
