import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polis.ledger import merkle, tiles


def _store():
    stored: dict[tuple[int, int], bytes] = {}
    return stored, lambda level, index: stored.get((level, index), b"")


@settings(max_examples=15, deadline=None)
@given(batches=st.lists(st.integers(min_value=1, max_value=700), min_size=1, max_size=4))
def test_tiles_give_the_same_tree_as_memory_in_any_batching(batches):
    # given tiles written batch after batch, as the sequencer does
    stored, read = _store()
    memory = merkle.MemoryTree()
    size = 0
    for batch in batches:
        tree = tiles.TileTree(size, read)
        hashes = [merkle.leaf_hash(b"%d" % (size + i)) for i in range(batch)]
        tree.append(hashes)
        stored.update(tree.changed_tiles())
        for h in hashes:
            memory.append_hash(h)
        size = tree.size
        # then the root and every node agree with the in-memory tree
        assert tree.root() == memory.root()
    fresh = tiles.TileTree(size, read)
    for m in {1, size // 2 or 1, size}:
        assert merkle.inclusion_proof(fresh, m - 1, size) == merkle.inclusion_proof(
            memory, m - 1, size
        )
        assert merkle.consistency_proof(fresh, m, size) == merkle.consistency_proof(memory, m, size)


def test_a_full_tile_holds_256_hashes_and_feeds_the_next_level():
    stored, read = _store()
    tree = tiles.TileTree(0, read)
    tree.append(merkle.leaf_hash(b"%d" % i) for i in range(257))
    stored.update(tree.changed_tiles())
    assert len(stored[(0, 0)]) == 256 * 32
    assert len(stored[(0, 1)]) == 32
    first_256 = merkle.MemoryTree([merkle.leaf_hash(b"%d" % i) for i in range(256)])
    assert stored[(1, 0)] == first_256.root()


@pytest.mark.parametrize(
    ("index", "path"),
    [(0, "000"), (67, "067"), (1234, "x001/234"), (1234067, "x001/x234/067")],
)
def test_tile_path_format(index, path):
    assert tiles.tile_path(index) == path
    assert tiles.parse_tile_path(path) == index


@pytest.mark.parametrize(
    "path", ["67", "0067", "x000/067", "x1/234", "001/234", "abc", "", "x001/"]
)
def test_non_canonical_tile_paths_are_refused(path):
    assert tiles.parse_tile_path(path) is None


def test_entry_bundle_is_length_prefixed():
    assert tiles.entry_bundle([b"ab", b""]) == b"\x00\x02ab\x00\x00"


@settings(max_examples=25, deadline=None)
@given(batches=st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=4))
def test_bundles_appended_in_any_batching_are_the_log_in_chunks_of_256(batches):
    # given entries of varied lengths appended batch after batch, as the sequencer does
    entries = [b"e" * (n % 300) + b"%d" % n for n in range(sum(batches))]
    stored: dict[int, bytes] = {}
    size = 0
    for batch in batches:
        partial = stored.get(size >> 8, b"") if size % 256 else b""
        stored.update(tiles.append_bundles(size, partial, entries[size : size + batch]))
        size += batch
    # then every bundle holds its 256 entries (the last one the rest), in order
    chunks = [entries[i : i + 256] for i in range(0, size, 256)]
    assert stored == {n: tiles.entry_bundle(chunk) for n, chunk in enumerate(chunks)}
    assert [tiles.bundle_entries(stored[n]) for n in sorted(stored)] == chunks


def test_a_truncated_bundle_does_not_parse():
    bundle = tiles.entry_bundle([b"abc", b"de"])
    with pytest.raises(ValueError, match="truncated"):
        tiles.bundle_entries(bundle[:-1])


def test_every_complete_subtree_of_a_partial_tile_is_read_and_no_other():
    # given 300 leaves: a full leaf tile and a partial one of 44 hashes
    stored, read = _store()
    leaves = [merkle.leaf_hash(b"%d" % i) for i in range(300)]
    writer = tiles.TileTree(0, read)
    writer.append(leaves)
    stored.update(writer.changed_tiles())
    tree, memory = tiles.TileTree(300, read), merkle.MemoryTree(leaves)
    # then each complete subtree's hash is the in-memory tree's, from either tile
    for level in range(9):
        for index in range(300 >> level):
            assert tree.node(level, index) == memory.node(level, index)
    # and a subtree the partial tile does not complete is refused, not made up
    with pytest.raises(merkle.ProofError):
        tree.node(3, 300 >> 3)  # leaves 296..303
    with pytest.raises(merkle.ProofError):
        tree.node(6, 4)  # leaves 256..319
