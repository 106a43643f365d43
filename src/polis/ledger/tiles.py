"""Tree state kept as C2SP tlog-tiles hash tiles (height 8): appending and reading node hashes.

A tile at level L, index N holds the hashes of the full subtrees of 2**(8L) leaves numbered
256N .. 256N+W-1. Any full-subtree hash (level l, index i) is computed from one tile of level
l // 8 by hashing at most 128 pairs, so the tiles are all the database needs to store.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable

from polis.ledger import merkle

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT

TileReader = Callable[[int, int], bytes]  # (level, index) -> concatenated hashes (b"" if none)


def _hash_up(row: bytes) -> bytes:
    """The next level up of a row of concatenated hashes: each pair hashed together (the RFC
    9162 node hash inlined: this loop is most of a proof's time). An odd last hash has no
    sibling yet: it is no complete subtree at the next level."""
    sha256 = hashlib.sha256
    pairs = range(0, len(row) - 63, 64)
    return b"".join([sha256(b"\x01" + row[i : i + 64]).digest() for i in pairs])


def _tile_levels(tile: bytes) -> tuple[bytes, ...]:
    """The full-subtree hashes of a tile, level by level, each level's concatenated: level h
    holds the hashes of the W // 2**h complete subtrees of 2**h entries (W the tile's width), so
    a full tile gives 511 hashes and its root; a partial tile only its complete subtrees."""
    row = tile
    levels = [row]
    while len(row) > 32:
        row = _hash_up(row)
        levels.append(row)
    return tuple(levels)


def _subtree_hash(tile: bytes, sub: int, position: int) -> bytes:
    """The hash of the `position`-th complete subtree of 2**sub hashes of the tile: 2**sub - 1
    node hashes, where all the levels of a full tile take 255."""
    row = tile[32 * (position << sub) : 32 * ((position + 1) << sub)]
    while len(row) > 32:
        row = _hash_up(row)
    return row


# A tile's content determines its levels, so caching by content is safe, partial tiles
# included. Two caches: the few upper tiles every proof touches (~16 kB each), and the partial
# leaf tile at the tree's right edge, which every proof of a tree of that size reads. A full leaf
# tile is one of millions: the nodes a proof asks are hashed from its leaves (a proof's are
# disjoint subtrees: an inclusion proof's 8 siblings take 247 of the tile's 255 node hashes, a
# consistency proof's often fewer) and kept by content for the next proof in the same tile.
# Appends use _tile_levels directly so as not to evict any.
_leaf_tile_levels = functools.lru_cache(maxsize=64)(_tile_levels)
_upper_tile_levels = functools.lru_cache(maxsize=512)(_tile_levels)


@functools.lru_cache(maxsize=1024)
def _leaf_tile_nodes(tile: bytes) -> dict[tuple[int, int], bytes]:
    """The nodes of a full leaf tile hashed so far, by (sub-level, position)."""
    return {}


class TileTree:
    """Full-subtree hashes over tiles loaded lazily through `read`; records the tiles it changes."""

    def __init__(self, size: int, read: TileReader) -> None:
        self.size = size
        self._read = read
        self._tiles: dict[tuple[int, int], bytes] = {}
        self.dirty: set[tuple[int, int]] = set()

    def tile(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._tiles:
            self._tiles[key] = self._read(level, index)
        return self._tiles[key]

    def node(self, level: int, index: int) -> bytes:
        tile_level, sub = divmod(level, TILE_HEIGHT)
        first = index << sub
        tile = self.tile(tile_level, first >> TILE_HEIGHT)
        position = (first & (TILE_WIDTH - 1)) >> sub
        if ((position + 1) << sub) * 32 > len(tile):
            raise merkle.ProofError(f"node {level}/{index} is not in the stored tiles")
        if tile_level == 0 and len(tile) == 32 * TILE_WIDTH:
            nodes = _leaf_tile_nodes(tile)
            node = nodes.get((sub, position))
            if node is None:
                node = nodes[sub, position] = _subtree_hash(tile, sub, position)
            return node
        levels = (_upper_tile_levels if tile_level else _leaf_tile_levels)(tile)
        return levels[sub][32 * position : 32 * position + 32]

    def right_edge(self) -> list[tuple[int, int]]:
        """The partial tiles an append extends and a root reads: at most one per level."""
        keys, count, level = [], self.size, 0
        while count:
            if count & (TILE_WIDTH - 1):
                keys.append((level, count >> TILE_HEIGHT))
            count >>= TILE_HEIGHT
            level += 1
        return keys

    def preload(self, tiles: dict[tuple[int, int], bytes]) -> None:
        """Tiles already read (one query for the right edge instead of one per tile)."""
        self._tiles.update(tiles)

    def append(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaf hashes: each level's tile is extended once per batch, not once per leaf."""
        pending, level, first = b"".join(leaf_hashes), 0, self.size
        self.size += len(pending) // 32
        while pending:
            # `pending` holds the new level-`level` hashes; `first` is the position of the first.
            carried = bytearray()
            offset = 0
            # Only the tile holding a level's last stored hashes is read; those after start empty.
            edge = first >> TILE_HEIGHT if first & (TILE_WIDTH - 1) else -1
            while offset < len(pending):
                index, used = divmod(first, TILE_WIDTH)
                room = TILE_WIDTH - used
                chunk = pending[offset : offset + 32 * room]
                tile = (self.tile(level, index) if index == edge else b"") + chunk
                self._tiles[(level, index)] = tile
                self.dirty.add((level, index))
                if len(tile) == 32 * TILE_WIDTH:
                    carried += _tile_levels(tile)[-1]
                first += len(chunk) // 32
                offset += len(chunk)
            pending, level = bytes(carried), level + 1
            first = (self.size >> (TILE_HEIGHT * level)) - len(pending) // 32

    def root(self) -> bytes:
        return merkle.range_hash(self, 0, self.size)

    def changed_tiles(self) -> dict[tuple[int, int], bytes]:
        return {key: self._tiles[key] for key in sorted(self.dirty)}


def tile_path(index: int) -> str:
    """tlog-tiles path elements: 1234067 -> x001/x234/067."""
    digits = f"{index:d}"
    digits = digits.zfill(((len(digits) + 2) // 3) * 3)
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([f"x{g}" for g in groups[:-1]] + [groups[-1]])


def parse_tile_path(path: str) -> int | None:
    """The index of a tlog-tiles N path (x001/x234/067), None if malformed or not canonical."""
    parts = path.split("/")
    if not parts or any(len(p) != (4 if i < len(parts) - 1 else 3) for i, p in enumerate(parts)):
        return None
    if any(not p.startswith("x") for p in parts[:-1]):
        return None
    digits = "".join(p.removeprefix("x") for p in parts[:-1]) + parts[-1]
    if not digits.isdigit():
        return None
    index = int(digits)
    return index if tile_path(index) == path else None


def entry_bundle(entries: Iterable[bytes]) -> bytes:
    """tlog-tiles entry bundle: each entry as a big-endian uint16 length and its bytes."""
    return b"".join(len(e).to_bytes(2, "big") + e for e in entries)


def bundle_entries(bundle: bytes) -> list[bytes]:
    """The entries of an entry bundle; ValueError if it does not parse to its last byte."""
    entries, offset = [], 0
    while offset < len(bundle):
        end = offset + 2 + int.from_bytes(bundle[offset : offset + 2], "big")
        if end > len(bundle):
            raise ValueError("truncated entry bundle")
        entries.append(bundle[offset + 2 : end])
        offset = end
    return entries


def append_bundles(size: int, partial: bytes, entries: list[bytes]) -> dict[int, bytes]:
    """The entry bundles that change when `entries` follow the log's first `size` entries,
    `partial` being its last bundle if incomplete (b"" when `size` is a multiple of 256)."""
    changed, index, used, start = {}, size >> TILE_HEIGHT, size & (TILE_WIDTH - 1), 0
    while start < len(entries):
        room = TILE_WIDTH - used
        changed[index] = (partial if used else b"") + entry_bundle(entries[start : start + room])
        start, index, used = start + room, index + 1, 0
    return changed
