"""Hypothesis properties of the RFC 9162 proofs: every proof verifies, any change fails."""

from hypothesis import given, settings
from hypothesis import strategies as st

from polis.ledger import merkle


def _reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 9162 §2.1.1's recursive definition."""
    if not leaves:
        return merkle.EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return merkle.node_hash(_reference_root(leaves[:k]), _reference_root(leaves[k:]))


def _tree(n: int) -> merkle.MemoryTree:
    return merkle.MemoryTree([merkle.leaf_hash(b"entry %d" % i) for i in range(n)])


sizes = st.integers(min_value=1, max_value=70)


@given(n=st.integers(min_value=0, max_value=140))
def test_roots_match_the_recursive_definition(n):
    leaves = [merkle.leaf_hash(b"entry %d" % i) for i in range(n)]
    tree = merkle.MemoryTree(leaves)
    assert tree.root() == merkle.root_of(leaves) == _reference_root(leaves)


@settings(max_examples=60)
@given(data=st.data(), n=sizes)
def test_every_inclusion_proof_verifies_and_any_change_fails(data, n):
    # given
    tree = _tree(n)
    m = data.draw(st.integers(min_value=1, max_value=n), label="size")
    index = data.draw(st.integers(min_value=0, max_value=m - 1), label="index")
    root = tree.root(m)
    leaf = tree.node(0, index)
    # when
    proof = merkle.inclusion_proof(tree, index, m)
    # then
    assert merkle.verify_inclusion(index, m, leaf, proof, root)
    assert not merkle.verify_inclusion(index, m, merkle.leaf_hash(b"other"), proof, root)
    assert not merkle.verify_inclusion(index, m, leaf, proof, merkle.leaf_hash(b"root"))
    if m > 1:
        assert not merkle.verify_inclusion((index + 1) % m, m, leaf, proof, root)
    if proof:
        at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="at")
        bit = data.draw(st.integers(min_value=0, max_value=255), label="bit")
        changed = list(proof)
        changed[at] = bytes(
            b ^ (1 << (bit % 8)) if i == bit // 8 else b for i, b in enumerate(proof[at])
        )
        assert not merkle.verify_inclusion(index, m, leaf, changed, root)
        assert not merkle.verify_inclusion(index, m, leaf, proof[:-1], root)
    assert not merkle.verify_inclusion(index, m, leaf, [*proof, leaf], root)


@settings(max_examples=60)
@given(data=st.data(), n=sizes)
def test_every_consistency_proof_verifies_and_any_change_fails(data, n):
    # given
    tree = _tree(n)
    m = data.draw(st.integers(min_value=1, max_value=n), label="from")
    root1, root2 = tree.root(m), tree.root(n)
    # when
    proof = merkle.consistency_proof(tree, m, n)
    # then
    assert merkle.verify_consistency(m, n, proof, root1, root2)
    assert not merkle.verify_consistency(m, n, proof, merkle.leaf_hash(b"x"), root2)
    assert not merkle.verify_consistency(m, n, proof, root1, merkle.leaf_hash(b"x"))
    if proof:
        at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="at")
        changed = list(proof)
        changed[at] = merkle.leaf_hash(changed[at])
        assert not merkle.verify_consistency(m, n, changed, root1, root2)
        assert not merkle.verify_consistency(m, n, proof[1:], root1, root2)
    if m < n:
        assert not merkle.verify_consistency(m + 1, n, proof, root1, root2)


@settings(max_examples=40)
@given(data=st.data(), n=st.integers(min_value=2, max_value=40))
def test_a_changed_entry_breaks_the_old_proofs(data, n):
    # given a tree and a proof for one of its entries
    tree = _tree(n)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = merkle.inclusion_proof(tree, index, n)
    # when one entry is edited
    leaves = [tree.node(0, i) for i in range(n)]
    victim = data.draw(st.integers(min_value=0, max_value=n - 1))
    leaves[victim] = merkle.leaf_hash(b"edited")
    edited_root = merkle.root_of(leaves)
    # then the published root no longer matches, and the proof fails against it
    assert edited_root != tree.root()
    assert not merkle.verify_inclusion(index, n, tree.node(0, index), proof, edited_root)


def test_rfc_example_shapes():
    # RFC 9162 §2.1.5: the proof for d0 in a tree of 7 leaves is [b, h, l]
    tree = _tree(7)
    proof = merkle.inclusion_proof(tree, 0, 7)
    assert proof == [tree.node(0, 1), tree.node(1, 1), merkle.range_hash(tree, 4, 7)]
    # consistency between 3 and 7 is [c, d, g, l]
    assert merkle.consistency_proof(tree, 3, 7) == [
        tree.node(0, 2),
        tree.node(0, 3),
        tree.node(1, 0),
        merkle.range_hash(tree, 4, 7),
    ]
    assert merkle.consistency_proof(tree, 4, 7) == [merkle.range_hash(tree, 4, 7)]
    assert merkle.consistency_proof(tree, 6, 7) == [
        tree.node(1, 2),
        tree.node(0, 6),
        tree.node(2, 0),
    ]
