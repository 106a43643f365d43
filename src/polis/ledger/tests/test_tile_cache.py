"""Proofs served from cached tiles (this process's LRU only) are the proofs the stored tiles
give, at every size the log passes through, partial tiles included."""

import base64
import json
import random
from functools import partial
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from polis.ledger import merkle, selectors
from polis.ledger.models import LedgerEntry, LedgerTile
from polis.ledger.selectors import forget_log
from polis.ledger.tiles import TileTree

pytestmark = pytest.mark.django_db

VECTORS = Path(__file__).parent / "vectors" / "rfc9162"
# The leaves of the RFC 6962 reference tree, the tree of the vectors' happy paths.
REFERENCE_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]


def _happy_paths(kind: str) -> list[dict]:
    """The valid cases over the reference tree (the numbered folders; others use other trees)."""
    paths = sorted(p for p in (VECTORS / kind).rglob("*.json") if p.parent.name.isdigit())
    cases = [json.loads(p.read_text()) for p in paths]
    return [c for c in cases if not c["wantErr"]]


def _b64(hashes) -> list[bytes]:
    return [base64.b64decode(h) for h in hashes or []]


class GrowingLog:
    """A log whose tiles are stored as the sequencer stores them, grown a batch at a time."""

    def __init__(self) -> None:
        self.leaves: list[bytes] = []

    def append(self, leaf_hashes: list[bytes]) -> None:
        tree = TileTree(len(self.leaves), self._stored)
        tree.append(leaf_hashes)
        for (level, index), hashes in tree.changed_tiles().items():
            LedgerTile.objects.update_or_create(
                level=level, index=index, defaults={"hashes": hashes}
            )
        self.leaves += leaf_hashes

    @staticmethod
    def _stored(level: int, index: int) -> bytes:
        return selectors.tiles([(level, index)]).get((level, index), b"")

    def memory(self, size: int) -> merkle.MemoryTree:
        return merkle.MemoryTree(self.leaves[:size])


def _served(capture, prove):
    """A proof as the selectors serve it, what it read cached once its transaction commits."""
    with capture(execute=True):
        return prove()


def test_cached_tiles_give_the_rfc9162_vectors_proofs_as_the_log_grows(
    django_capture_on_commit_callbacks,
):
    # given the reference tree's log grown through sizes 1, 3, 5, 7, 8 (each a partial tile)
    log = GrowingLog()
    leaf_hashes = [merkle.leaf_hash(data) for data in REFERENCE_LEAVES]
    inclusions, consistencies = _happy_paths("inclusion"), _happy_paths("consistency")
    for size in (1, 3, 5, 7, 8):
        log.append(leaf_hashes[len(log.leaves) : size])
        # when every vector of a tree that exists now is proved, twice (the second time from
        # the caches filled by the first and by the smaller sizes before)
        for _round in range(2):
            for case in inclusions:
                if case["treeSize"] <= size:
                    proof = _served(
                        django_capture_on_commit_callbacks,
                        lambda c=case: selectors.inclusion_proof(c["leafIdx"], c["treeSize"]),
                    )
                    # then it is the vector's proof, and it checks against the vector's root
                    assert proof == _b64(case["proof"]), case["desc"]
                    assert log.memory(case["treeSize"]).root() == base64.b64decode(case["root"])
            for case in consistencies:
                if case["size2"] <= size and case["size1"] < case["size2"]:
                    proof = _served(
                        django_capture_on_commit_callbacks,
                        lambda c=case: selectors.consistency_proof(c["size1"], c["size2"]),
                    )
                    assert proof == _b64(case["proof"]), case["desc"]


def test_cached_tiles_never_serve_a_stale_or_wrong_proof_across_tile_boundaries(
    django_capture_on_commit_callbacks,
):
    # given a log grown in uneven batches across level-0 tiles (its level-1 tile partial, 1 to 3
    # hashes wide)
    rng = random.Random(21)
    log = GrowingLog()
    seen: list[int] = []
    while len(log.leaves) < 800:
        batch = rng.choice((1, 7, 44, 100, 212))
        log.append([rng.randbytes(32) for _ in range(batch)])
        seen.append(len(log.leaves))
        # when proofs of this size and of every earlier size are served (caches warm)
        for size in (seen[-1], rng.choice(seen)):
            index = rng.randrange(size)
            first = rng.randint(1, size)
            inclusion = _served(
                django_capture_on_commit_callbacks,
                lambda i=index, s=size: selectors.inclusion_proof(i, s),
            )
            consistency = _served(
                django_capture_on_commit_callbacks,
                lambda f=first, s=size: selectors.consistency_proof(f, s),
            )
            # then each is the proof of the tree in memory of that size
            tree = log.memory(size)
            assert inclusion == merkle.inclusion_proof(tree, index, size), (index, size)
            assert consistency == merkle.consistency_proof(tree, first, size), (first, size)
    assert len(seen) > 5


def test_proofs_never_ask_the_shared_cache(django_capture_on_commit_callbacks, monkeypatch):
    # given a log of 300 entries and a shared cache that records what it is asked
    log = GrowingLog()
    log.append([bytes([i % 256]) * 32 for i in range(300)])
    asked = []
    for method in ("get", "get_many", "set", "set_many"):
        monkeypatch.setattr(cache, method, lambda *a, m=method, **k: asked.append(m))
    # when a proof is served, then served again from what the process read
    for _round in range(2):
        proof = _served(
            django_capture_on_commit_callbacks, lambda: selectors.inclusion_proof(290, 300)
        )
        # then it is right, and the shared cache was never asked (a round trip for nothing)
        assert proof == merkle.inclusion_proof(log.memory(300), 290, 300)
    assert asked == []


def test_a_rolled_back_read_keeps_nothing(django_capture_on_commit_callbacks):
    # given a log of 10 entries whose entry 3 is proved by its leaf hash inside a transaction
    # that does not commit
    log = GrowingLog()
    log.append([bytes([i]) * 32 for i in range(10)])
    leaf = _entry_row(log, 3)
    with django_capture_on_commit_callbacks(execute=False):
        found = selectors.leaf_inclusion_proof(leaf, 10)
    # then the proof was right, but the process keeps neither the tile it read nor the index
    assert found == (3, merkle.inclusion_proof(log.memory(10), 3, 10))
    assert selectors._leaf_tiles.get((0, 0, 10)) is None
    assert selectors._leaf_indexes.get(leaf) is None


def _entry_row(log: GrowingLog, index: int) -> str:
    """The lookup row of leaf `index` of the log (as the follower writes it); its leaf hash."""
    leaf = log.leaves[index].hex()
    LedgerEntry.objects.create(
        index=index,
        type="policy.issued",
        ref=f"P-{index}",
        sha256="0" * 64,
        time=timezone.now(),
        data=f"entry {index}",
        leaf_hash=leaf,
    )
    return leaf


def test_a_proof_reads_all_its_tiles_in_one_query():
    # given a log of 70,000 leaves (level-0, level-1 and level-2 tiles, partial at the right)
    rng = random.Random(9162)
    log = GrowingLog()
    log.append([rng.randbytes(32) for _ in range(70_000)])
    for _ in range(30):
        size = rng.randint(1, 70_000)
        index, first = rng.randrange(size), rng.randint(1, size)
        for prove in (
            partial(selectors.inclusion_proof, index, size),
            partial(selectors.consistency_proof, first, size),
        ):
            # when a proof is served with empty caches
            forget_log()
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                prove()
            # then one query read every tile it needed
            tile_reads = [q for q in queries.captured_queries if "ledger_ledgertile" in q["sql"]]
            assert len(tile_reads) == 1, (index, first, size)


def test_a_first_proof_by_leaf_hash_is_one_query_once_the_upper_tiles_are_read(
    django_capture_on_commit_callbacks,
):
    # given a log of 70,000 leaves, their lookup rows, and a worker that has proved entries of
    # every level-1 tile (so it holds the upper tiles, as a warm worker does)
    rng = random.Random(6962)
    log = GrowingLog()
    log.append([rng.randbytes(32) for _ in range(70_000)])
    for index in range(0, 70_000, 256 * 64):
        _served(
            django_capture_on_commit_callbacks, partial(selectors.inclusion_proof, index, 70_000)
        )
    for _ in range(20):
        size = rng.randint(65_536, 70_000)
        index = rng.randrange(size)
        leaf = _entry_row(log, index)
        # when the proof of a leaf it has never looked up is asked, the leaf's tile not read yet
        selectors._leaf_tiles.clear()
        with CaptureQueriesContext(connection) as queries:
            found = _served(
                django_capture_on_commit_callbacks,
                partial(selectors.leaf_inclusion_proof, leaf, size),
            )
        # then one query gave its index and its tiles, and the proof is the tree's
        assert len(queries.captured_queries) == 1, queries.captured_queries
        assert found == (index, merkle.inclusion_proof(log.memory(size), index, size))
