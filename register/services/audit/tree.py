"""The Merkle trees over the history and the access log (issue 20; RFC 6962).

A leaf's hash is written with its row (the history link's ``row_hash``, the access entry's
``leaf_hash``). The nodes above the leaves are added by ``extend_tree`` for the leaves since it last
ran, from the stored right edge of the tree: never recomputed from the start. Roots and proofs are
then read from a few stored nodes (about log2 of the size).
"""

from collections.abc import Iterable, Iterator

from django.db import connections, transaction
from django.db.models import Max

from register import transparency
from register.models import AccessLogEntry, HistoryLink, MerkleNode, TransparencyLog
from register.services.audit.hashing import BATCH, boundary_leaf, tree_start

# Names each tree's extension among PostgreSQL advisory locks: constants no other code uses, and
# not the chain's, so extending a tree never holds up a write to the history.
TREE_LOCK_KEYS = {TransparencyLog.HISTORY: 0x52_45_47_54_52_45_48, TransparencyLog.ACCESS: 0x52_45_47_54_52_45_41}


def leaf_count(log: str, using: str = "default") -> int:
    """How many leaves the log's tree has now: for the history, the start's leaf and every link after it."""
    if log == TransparencyLog.HISTORY:
        start, _ = tree_start(using)
        head = HistoryLink.objects.using(using).aggregate(head=Max("position"))["head"] or 0
        return max(head - start, 0) + 1
    return AccessLogEntry.objects.using(using).aggregate(head=Max("position"))["head"] or 0


def history_leaf_index(position: int, using: str = "default") -> int:
    """The leaf of the history tree that the link at ``position`` is; ValueError before the tree's start."""
    start, _ = tree_start(using)
    if position <= start:
        raise ValueError(f"Position {position} was linked before the history's tree began (at {start}).")
    return position - start


def leaf_hashes(log: str, first: int, end: int, using: str = "default") -> Iterator[bytes]:
    """The hashes of leaves ``[first, end)``, in order, read in batches."""
    if log == TransparencyLog.HISTORY:
        start, chain_head = tree_start(using)
        if first == 0 and end > 0:
            yield bytes.fromhex(boundary_leaf(start, chain_head))
            first = 1
        rows = (
            HistoryLink.objects.using(using)
            .filter(position__gt=start + first - 1, position__lt=start + end)
            .order_by("position")
            .values_list("position", "row_hash")
        )
        base = start + first
    else:
        rows = (
            AccessLogEntry.objects.using(using)
            .filter(position__gt=first, position__lte=end)
            .order_by("position")
            .values_list("position", "leaf_hash")
        )
        base = first + 1
    expected = base
    for position, value in rows.iterator(chunk_size=BATCH):
        if position != expected:
            raise LookupError(f"The {log} log has no entry at position {expected}: it was removed.")
        expected += 1
        yield bytes.fromhex(value)
    if expected != base + (end - first):
        raise LookupError(f"The {log} log has no entry at position {expected}: it was removed.")


def completed_leaves(log: str, using: str = "default") -> int:
    """How many leaves the stored nodes cover: the end of the last pair of leaves stored (level 1).

    Every extension stores each node its new leaves complete, so the nodes above the last pair that
    end by it are stored too. One seek down the primary key, whatever the size of the tree.
    """
    last = MerkleNode.objects.using(using).filter(log=log, level=1).order_by("-index").values_list("index", flat=True)
    index = last.first()
    return 0 if index is None else (index + 1) * 2


def extend_tree(log: str, using: str = "default") -> int:
    """Store every node completed by the leaves added since the last extension; returns the tree's size.

    Reads the stored right edge (the complete subtrees covering the leaves done) and the new leaves
    only. Two extensions at once would write the same nodes: each log's extension holds its own lock.
    """
    with transaction.atomic(using=using):
        _lock(log, using)
        size = leaf_count(log, using)
        done = completed_leaves(log, using)
        if size - done < 2:
            return size  # no new node can be complete yet
        edge = transparency.perfect_subtrees(0, done)
        stored = _node_hashes(log, edge, using)
        stack = [(1 << level, stored[(level, index)], index << level) for level, index in edge]
        new_nodes = []
        for offset, leaf in enumerate(leaf_hashes(log, done, size, using)):
            width, value, first = 1, leaf, done + offset
            while stack and stack[-1][0] == width:
                _, left, first = stack.pop()
                width, value = width * 2, transparency.node_hash(left, value)
                level = width.bit_length() - 1
                new_nodes.append(MerkleNode(log=log, level=level, index=first >> level, hash=value.hex()))
            stack.append((width, value, first))
            if len(new_nodes) >= BATCH:
                MerkleNode.objects.using(using).bulk_create(new_nodes)
                new_nodes = []
        MerkleNode.objects.using(using).bulk_create(new_nodes)
        return size


def root_hash(log: str, size: int, using: str = "default") -> bytes:
    """MTH of the first ``size`` leaves."""
    if size == 0:
        return transparency.root_of([])
    return _hash_ranges(log, [(0, size)], size, using)[0]


def inclusion_proof(log: str, index: int, size: int, using: str = "default") -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of the first ``size`` leaves (RFC 6962 PATH)."""
    return _hash_ranges(log, transparency.inclusion_ranges(index, size), size, using)


def consistency_proof(log: str, old: int, new: int, using: str = "default") -> list[bytes]:
    """The proof that the tree of ``new`` leaves extends the tree of ``old`` unchanged (RFC 6962 PROOF)."""
    return _hash_ranges(log, transparency.consistency_ranges(old, new), new, using)


def inclusion_proofs(log: str, indices: Iterable[int], size: int, using: str = "default") -> dict[int, list[bytes]]:
    """The audit paths of many leaves in one tree of ``size`` leaves, by leaf index: the same few
    queries however many leaves (an export's batch, a page of history)."""
    ranges = {index: transparency.inclusion_ranges(index, size) for index in indices}
    if not ranges:
        return {}
    _check_size(log, size, using)
    stored = _node_hashes(log, transparency.range_hashes_needed(r for rs in ranges.values() for r in rs), using)
    return {
        index: [transparency.hash_of_range(start, end, lambda level, i: stored[(level, i)]) for start, end in rs]
        for index, rs in ranges.items()
    }


def _check_size(log: str, size: int, using: str) -> None:
    if size > leaf_count(log, using):
        raise LookupError(f"The {log} log has fewer than {size} entries.")
    if completed_leaves(log, using) < size - 1:
        extend_tree(log, using)


def _hash_ranges(log: str, ranges: list[tuple[int, int]], size: int, using: str) -> list[bytes]:
    _check_size(log, size, using)
    stored = _node_hashes(log, transparency.range_hashes_needed(ranges), using)
    return [
        transparency.hash_of_range(start, end, lambda level, index: stored[(level, index)]) for start, end in ranges
    ]


def _node_hashes(log: str, nodes: Iterable[tuple[int, int]], using: str) -> dict[tuple[int, int], bytes]:
    """The hashes of complete subtrees (level, index): leaves from their rows, nodes above from MerkleNode."""
    nodes = set(nodes)
    found = {}
    found.update(
        ((0, index), value) for index, value in _leaves_at(log, [i for level, i in nodes if level == 0], using)
    )
    above = [(log, level, index) for level, index in nodes if level > 0]
    if above:
        for level, index, value in (
            MerkleNode.objects.using(using).filter(pk__in=above).values_list("level", "index", "hash")
        ):
            found[(level, index)] = bytes.fromhex(value)
    missing = nodes - found.keys()
    if missing:
        level, index = min(missing)
        raise LookupError(f"The {log} tree has no node {level}/{index}: extend it first.")
    return found


def _leaves_at(log: str, indices: list[int], using: str) -> Iterator[tuple[int, bytes]]:
    """(index, hash) of the leaves asked for, in one query; a leaf that is gone is simply not found."""
    if not indices:
        return
    if log == TransparencyLog.HISTORY:
        start, chain_head = tree_start(using)
        if 0 in indices:
            yield 0, bytes.fromhex(boundary_leaf(start, chain_head))
        rows = HistoryLink.objects.using(using).filter(position__in=[start + i for i in indices if i > 0])
        offset = start
    else:
        rows = AccessLogEntry.objects.using(using).filter(position__in=[i + 1 for i in indices])
        offset = 1
    for position, value in rows.values_list("position", "row_hash" if log == TransparencyLog.HISTORY else "leaf_hash"):
        yield position - offset, bytes.fromhex(value)


def _lock(log: str, using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK_KEYS[log]])


__all__ = [
    "consistency_proof",
    "extend_tree",
    "history_leaf_index",
    "inclusion_proof",
    "inclusion_proofs",
    "leaf_count",
    "leaf_hashes",
    "root_hash",
]
