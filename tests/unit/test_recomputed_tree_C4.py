"""The history's Merkle tree as ``verify_history`` recomputes it from the rows (C4, issue 20): the roots of
its prefixes are RFC 6962's, leaf 0 commits to the chain recomputed up to the tree's start, and a leaf
that cannot be recomputed, or differs from the stored one, is remembered for locating a rewrite."""

import hashlib

from register import transparency
from register.services.audit.hashing import GENESIS, boundary_leaf, chain_hash
from register.services.audit.published import RecomputedTree


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _tree(start: int, rows: int, stored_start_chain: str | None = None) -> tuple[RecomputedTree, list[bytes]]:
    """A tree over ``rows`` links, the first ``start`` of them from before the tree began."""
    chain = GENESIS
    for position in range(1, start + 1):
        chain = chain_hash(position, chain, _hash(f"old row {position}"))
    tree = RecomputedTree(start, stored_start_chain or chain)
    for position in range(1, rows + 1):
        row = _hash(f"old row {position}") if position <= start else _hash(f"leaf {position}")
        tree.add(position, row, row)
    tree.finish()
    leaves = [bytes.fromhex(boundary_leaf(start, chain))]
    leaves += [bytes.fromhex(_hash(f"leaf {position}")) for position in range(start + 1, rows + 1)]
    return tree, leaves


def test_the_roots_of_every_prefix_are_rfc_6962_s_C4():
    tree, leaves = _tree(start=0, rows=37)

    roots = tree.roots(set(range(1, tree.size + 1)))

    assert tree.size == len(leaves) == 38
    assert all(roots[size] == transparency.root_of(leaves[:size]) for size in range(1, 39))
    assert tree.first_differing is None and not tree.unknown


def test_leaf_zero_commits_to_the_chain_recomputed_up_to_the_tree_s_start_C4():
    tree, leaves = _tree(start=5, rows=12)

    assert tree.size == 8 and tree.leaf(0) == leaves[0]
    assert tree.roots({8})[8] == transparency.root_of(leaves)
    assert tree.position(1) == 6 and tree.first_differing is None


def test_a_changed_row_before_the_start_changes_leaf_zero_C4():
    """The stored start says one chain head; the rows now hash to another: leaf 0 differs."""
    tree, _ = _tree(start=5, rows=12, stored_start_chain="f" * 64)

    assert tree.first_differing == 0
    # Leaf 0 stands for every row up to the start.
    assert tree.span(0, 0) == "at or after position 1 and at or before position 5"
    assert tree.span(0, 2) == "at or after position 1 and at or before position 7"


def test_a_missing_link_or_row_leaves_an_unknown_leaf_where_it_was_C4():
    tree = RecomputedTree(0, GENESIS)
    tree.add(1, _hash("leaf 1"), _hash("leaf 1"))
    tree.add(3, _hash("leaf 3"), _hash("leaf 3"))  # the link at 2 is gone
    tree.add(4, None, _hash("leaf 4"))  # the row at 4 is gone
    tree.finish()

    assert tree.size == 5 and tree.unknown == {2, 4} and tree.first_differing == 2
    assert tree.span(3, 4) == "at position 3 or 4"
