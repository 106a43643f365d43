"""RFC 9162 §2.1 Merkle tree hashing, inclusion and consistency proofs.

Pure Python, no Django: the offline verifier and the browser port rely on it being self-contained.

Hashes are 32-byte ``bytes``. Proof *generation* works over a :class:`NodeSource`, anything that
returns the hash of a full (perfect) subtree ``(level, index)`` — the subtree of ``2**level``
leaves starting at leaf ``index * 2**level`` — so the same code serves an in-memory tree and the
tiles stored in the database. Proof *verification* follows RFC 9162 §2.1.3.2 and §2.1.4.2 and the
subtree generalisation used by transparency-dev/merkle; every verifier returns ``bool`` and never
raises on malformed input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof was requested for impossible sizes or indices."""


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) from the leaf hashes, bottom-up (iterative, O(n))."""
    if not leaf_hashes:
        return EMPTY_ROOT
    # Fold perfect subtrees left to right, keeping a stack like a binary counter.
    stack: list[tuple[int, bytes]] = []  # (level, hash)
    for h in leaf_hashes:
        level = 0
        while stack and stack[-1][0] == level:
            h = node_hash(stack.pop()[1], h)
            level += 1
        stack.append((level, h))
    h = stack.pop()[1]
    while stack:
        h = node_hash(stack.pop()[1], h)
    return h


class NodeSource(Protocol):
    def node(self, level: int, index: int) -> bytes: ...


class MemoryTree:
    """All full-subtree hashes of a tree held in memory (tests, verify, benchmarks)."""

    def __init__(self, leaf_hashes: Sequence[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for h in leaf_hashes:
            self.append_hash(h)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, entry: bytes) -> int:
        return self.append_hash(leaf_hash(entry))

    def append_hash(self, h: bytes) -> int:
        index = len(self.levels[0])
        self.levels[0].append(h)
        level = 0
        while len(self.levels[level]) % 2 == 0:
            row = self.levels[level]
            if len(self.levels) == level + 1:
                self.levels.append([])
            self.levels[level + 1].append(node_hash(row[-2], row[-1]))
            level += 1
        return index

    def node(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        return range_hash(self, 0, self.size if size is None else size)


def range_hash(source: NodeSource, lo: int, hi: int) -> bytes:
    """MTH(D[lo:hi]) for a range the RFC recursion produces (lo aligned to the range's split)."""
    if hi <= lo:
        return EMPTY_ROOT
    parts: list[bytes] = []
    while lo < hi:
        # Largest aligned perfect subtree starting at lo that fits in [lo, hi).
        level = (hi - lo).bit_length() - 1
        while lo & ((1 << level) - 1):
            level -= 1
        parts.append(source.node(level, lo >> level))
        lo += 1 << level
    h = parts.pop()
    while parts:
        h = node_hash(parts.pop(), h)
    return h


def inclusion_proof(source: NodeSource, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < size:
        raise ProofError(f"index {index} not in a tree of size {size}")
    proof: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            proof.append(range_hash(source, lo + k, hi))
            hi = lo + k
        else:
            proof.append(range_hash(source, lo, lo + k))
            lo = lo + k
    proof.reverse()
    return proof


def consistency_proof(source: NodeSource, size1: int, size2: int) -> list[bytes]:
    """PROOF(size1, D[0:size2]) of RFC 9162 §2.1.4.1 (empty when size1 == size2)."""
    if not 0 < size1 <= size2:
        raise ProofError(f"no consistency proof from size {size1} to size {size2}")
    proof: list[bytes] = []
    lo, hi, m, complete = 0, size2, size1, True
    while True:
        n = hi - lo
        if m == n:
            if not complete:
                proof.append(range_hash(source, lo, hi))
            break
        k = _split(n)
        if m <= k:
            proof.append(range_hash(source, lo + k, hi))
            hi = lo + k
        else:
            proof.append(range_hash(source, lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    proof.reverse()
    return proof


# --- verification -------------------------------------------------------------------------------


def _valid_hashes(*hashes: object) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in hashes)


def _chain_inner(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        seed = node_hash(seed, h) if (index >> i) & 1 == 0 else node_hash(h, seed)
    return seed


def _chain_border(seed: bytes, proof: Sequence[bytes]) -> bytes:
    for h in proof:
        seed = node_hash(h, seed)
    return seed


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof implies, or None if the proof has the wrong shape."""
    if not 0 <= index < size or not _valid_hashes(leaf, *proof):
        return None
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    if len(proof) != inner + border:
        return None
    return _chain_border(_chain_inner(leaf, proof[:inner], index), proof[inner:])


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    return _valid_hashes(root) and root_from_inclusion(index, size, leaf, proof) == root


def is_valid_subtree(start: int, end: int) -> bool:
    """[start, end) is a subtree: non-empty and start aligned to the next power of two >= size."""
    if not 0 <= start < end:
        return False
    width = 1 << (end - start - 1).bit_length()
    return start % width == 0


def verify_subtree_inclusion(
    index: int, start: int, end: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    if not is_valid_subtree(start, end) or not start <= index < end:
        return False
    return verify_inclusion(index - start, end - start, leaf, proof, root)


def _root_from_subtree_consistency(
    start: int, end: int, size: int, proof: Sequence[bytes], sub_root: bytes
) -> bytes | None:
    if end == size:
        height = ((end - 1) ^ start).bit_length()
        if len(proof) != (start >> height).bit_count():
            return None
        return _chain_border(sub_root, proof)
    fork = ((end - 1) ^ (size - 1)).bit_length()
    shift = ((end - start) & -(end - start)).bit_length() - 1  # trailing zeros
    if end - start == 1 << shift:
        seed, rest = sub_root, list(proof)
    else:
        seed, rest = proof[0], list(proof[1:])
    if len(rest) != (fork - shift) + ((end - 1) >> fork).bit_count():
        return None
    height = ((end - 1) ^ start).bit_length()
    old, grown, i = seed, seed, 0
    for level in range(shift, height):
        if ((end - 1) >> level) & 1:
            old = node_hash(rest[i], old)
            grown = node_hash(rest[i], grown)
            i += 1
        elif level < fork:
            grown = node_hash(grown, rest[i])
            i += 1
    if old != sub_root:
        return None
    return root_from_inclusion(start >> height, ((size - 1) >> height) + 1, grown, rest[i:])


def verify_subtree_consistency(
    start: int, end: int, size: int, proof: Sequence[bytes], sub_root: bytes, root: bytes
) -> bool:
    """The subtree [start, end) with hash sub_root is part of the tree of `size` with `root`."""
    if proof is None:
        proof = []
    if start == end:
        # The empty subtree is consistent with any tree: its hash is the empty hash, no proof.
        return 0 <= start <= size and not proof and sub_root == EMPTY_ROOT
    if not is_valid_subtree(start, end) or size < end:
        return False
    if start == 0 and end == size:
        # Nothing is hashed: the proof is empty and the two roots are the same value.
        return not proof and sub_root == root
    if not _valid_hashes(sub_root, root, *proof):
        return False
    if not proof:
        return False
    return _root_from_subtree_consistency(start, end, size, proof, sub_root) == root


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> bool:
    """RFC 9162 §2.1.4.2: the tree of size2/root2 extends the tree of size1/root1 (0 < size1)."""
    if proof is None:
        proof = []
    if not 0 < size1 <= size2:
        return False
    return verify_subtree_consistency(0, size1, size2, proof, root1, root2)
