"""`ledger verify`: recompute the whole tree from the stored entries and check everything.

Independent records are compared with each other: each entry's canonical bytes, its stored leaf
hash, the stored tiles (a second copy of every leaf hash, by position) and every signed
checkpoint. An edit, deletion, insertion or reordering of entries changes at least one of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings

from polis.ledger import merkle, note
from polis.ledger.keys import log_verifier
from polis.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerTile
from polis.ledger.services import canonical_entry
from polis.ledger.tiles import TILE_HEIGHT, TILE_WIDTH


@dataclass
class Report:
    size: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_entry(entry: LedgerEntry, problems: list[str]) -> bytes:
    data = entry.data.encode()
    leaf = merkle.leaf_hash(data)
    if leaf.hex() != entry.leaf_hash:
        problems.append(
            f"Voce {entry.index}: il contenuto non corrisponde al suo hash di foglia "
            "(voce modificata)."
        )
    try:
        fields = json.loads(data)
        expected = canonical_entry(
            type=entry.type, ref=entry.ref, sha256=entry.sha256, time=fields.get("time", "")
        )
    except (ValueError, AttributeError):
        expected = None
    if expected != data:
        problems.append(f"Voce {entry.index}: JSON non canonico o diverso dai campi memorizzati.")
    return leaf


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
    expected = 0
    for entry in LedgerEntry.objects.filter(index__isnull=False).order_by("index").iterator():
        if entry.index != expected:
            report.problems.append(
                f"Indici mancanti da {expected} a {entry.index - 1} (voci cancellate o spostate)."
            )
            expected = entry.index
        tree.append_hash(_check_entry(entry, report.problems))
        expected += 1
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
    return report
