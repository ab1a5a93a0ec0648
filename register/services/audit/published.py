"""Verifying the history against the checkpoints the register signed (C4, issue 20): what was published.

The Merkle tree is recomputed from the history rows themselves (each leaf from the row's values and
salts, or the digests kept for an erased value; leaf 0 from the chain recomputed up to the tree's
start), never from stored hashes, so a history whose every hash, link, node and head was recomputed
after an edit still shows: the root of its first N leaves is no longer the root a checkpoint signed
at N. Only signed checkpoints count as evidence here: whoever changed the database cannot sign.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from register import transparency
from register.models import Checkpoint, MerkleNode, TransparencyLog
from register.services.audit import checkpoints
from register.services.audit.hashing import GENESIS, boundary_leaf, chain_hash
from register.services.audit.problems import Problem, Verification

HISTORY = TransparencyLog.HISTORY
HASH_BYTES = 32
UNKNOWN_LEAF = b"\x00" * HASH_BYTES  # a leaf that cannot be recomputed (its row or link is gone)


class CheckpointRefused(Exception):
    """A checkpoint given to check against is not one this register signed: the message says why."""


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint of the history whose signature verified: its tree size and root, and where it came from."""

    size: int
    root: bytes
    source: str  # in words: "the checkpoint in checkpoint.txt", "the checkpoint signed on 3 March 2026 at 10:00"
    given: bool = False  # handed to the check (a file, the last e-mailed), rather than read from the database


# --- Opening checkpoints --------------------------------------------------------------------------


def open_checkpoint(note: str, source: str) -> SignedCheckpoint:
    """A checkpoint of this register's history, signed with a key the register has published.

    Refused (CheckpointRefused, naming what is wrong) when its signature does not verify with any of
    those keys (forged, or its size or root edited after signing), when it is of another log or another
    register (its origin), or when it is not a checkpoint at all."""
    # As saved from an e-mail or a web page: Windows line ends, or a blank line after the signature.
    note = note.replace("\r\n", "\n").rstrip("\n") + "\n"
    try:
        body = transparency.open_checkpoint(note, checkpoints.published_keys(), checkpoints.origin(HISTORY))
    except transparency.ProofError as error:
        raise CheckpointRefused(f"{source[:1].upper()}{source[1:]} is refused: {error}") from error
    return SignedCheckpoint(body.size, body.root, source, given=True)


def read_checkpoint_file(path: str) -> SignedCheckpoint:
    try:
        with open(path, encoding="utf-8", newline="") as file:
            note = file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointRefused(f"The checkpoint file {path} cannot be read: {error}") from error
    return open_checkpoint(note, f"the checkpoint in {path}")


def last_emailed_checkpoint() -> SignedCheckpoint:
    """The checkpoint in the last daily notice e-mailed to the Monitoring Officer and the auditors (read
    back from the e-mail's text as sent); or else, when none has carried one yet, the latest checkpoint
    of the history the register has signed."""
    emailed = checkpoints.last_emailed_checkpoint(HISTORY)
    if emailed is not None:
        return open_checkpoint(emailed.note, f"the checkpoint last e-mailed (signed on {_when(emailed.signed_at)})")
    latest = checkpoints.latest_checkpoint(HISTORY)
    if latest is None:
        raise CheckpointRefused("No checkpoint of the history has been e-mailed or signed yet.")
    return open_checkpoint(latest.note, f"the latest checkpoint (signed on {_when(latest.signed_at)})")


def stored_checkpoints(result: Verification, *, using: str = "default") -> list[SignedCheckpoint]:
    """Every checkpoint of the history the register keeps whose signature verifies; one that does not is
    itself a problem (its note was altered, or forged without the key)."""
    keys = checkpoints.published_keys(using)
    found = []
    for note, size, signed_at, reason in (
        Checkpoint.objects.using(using).filter(log=HISTORY).values_list("note", "tree_size", "signed_at", "reason")
    ):
        source = f"the checkpoint signed on {_when(signed_at)} ({reason})"
        try:
            text, _ = transparency.open_note(note, keys)
            body = transparency.parse_checkpoint(text)
            if not body.origin.endswith(f"/{HISTORY}"):
                raise transparency.ProofError(f"it is of another log ({body.origin!r})")
        except transparency.ProofError as error:
            result.add(
                Problem(
                    "checkpoint",
                    f"The stored checkpoint of {size} entries signed on {_when(signed_at)} ({reason}) is refused: "
                    f"{error}",
                )
            )
            continue
        found.append(SignedCheckpoint(body.size, body.root, source))
    return found


def _when(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "an unknown date"
    return timezone.localtime(moment).strftime("%-d %B %Y at %H:%M")


# --- The tree recomputed from the rows -------------------------------------------------------------


class RecomputedTree:
    """The history's leaves as the walk recomputes them from the rows: leaf 0 from the chain recomputed up
    to the tree's start, leaf i from the row at position start + i. Fed by the walk, link by link."""

    def __init__(self, start: int, stored_start_chain: str):
        self.start = start
        self.stored_start_chain = stored_start_chain
        self.leaves = bytearray()
        self.unknown: set[int] = set()  # leaves that cannot be recomputed (row or link gone)
        self.first_differing: int | None = None  # first leaf whose recomputed hash differs from the stored one
        self._chain: str | None = GENESIS  # the chain recomputed from the rows, up to the start
        self._expected = 1
        self.boundary_chain: str | None = None

    @property
    def size(self) -> int:
        return len(self.leaves) // HASH_BYTES

    def add(self, position: int, recomputed: str | None, stored: str) -> None:
        """The link at ``position``: the hash its row hashes to now (None when it cannot) and the stored one."""
        if position <= self.start:
            if position != self._expected or recomputed is None or self._chain is None:
                self._chain = None
            else:
                self._chain = chain_hash(position, self._chain, recomputed)
            self._expected = position + 1
            return
        if not self.leaves:
            self._add_boundary()
        index = position - self.start
        while self.size < index:  # links missing: their leaves are unknown
            self._append(None, None)
        self._append(recomputed, stored)

    def finish(self) -> None:
        if not self.leaves:
            self._add_boundary()

    def _add_boundary(self) -> None:
        complete = self._chain is not None and self._expected == self.start + 1
        self.boundary_chain = self._chain if complete else None
        leaf = boundary_leaf(self.start, self.boundary_chain) if self.boundary_chain else None
        self._append(leaf, boundary_leaf(self.start, self.stored_start_chain))

    def _append(self, recomputed: str | None, stored: str | None) -> None:
        index = self.size
        if recomputed is None:
            self.unknown.add(index)
            self.leaves += UNKNOWN_LEAF
        else:
            self.leaves += bytes.fromhex(recomputed)
        if (recomputed is None or recomputed != stored) and self.first_differing is None:
            self.first_differing = index

    def leaf(self, index: int) -> bytes:
        return bytes(self.leaves[index * HASH_BYTES : (index + 1) * HASH_BYTES])

    def roots(self, sizes: set[int]) -> dict[int, bytes]:
        """MTH of the first n leaves for each n in ``sizes`` (n <= size), in one pass over the leaves."""
        return transparency.prefix_roots([self.leaf(index) for index in range(self.size)], sizes)

    def position(self, index: int) -> int:
        return self.start + index

    def span(self, first: int, last: int) -> str:
        """Leaves first..last in words, as chain positions (leaf 0 stands for every row up to the start)."""
        low = self.position(first) if first else 1
        high = self.position(last) if last else self.start
        if low >= high:
            return f"at position {high}"
        if high == low + 1:
            return f"at position {low} or {high}"
        return f"at or after position {low} and at or before position {high}"


# --- Checking and locating -------------------------------------------------------------------------


def check_against_checkpoints(
    result: Verification,
    tree: RecomputedTree,
    stored: list[SignedCheckpoint],
    given: list[SignedCheckpoint],
    *,
    using: str = "default",
) -> None:
    """Prove that today's history extends every checkpoint given, and the checkpoints stored, unchanged;
    locate any rewrite. ``stored`` must have been read before the walk began (so none is newer than it)."""
    everything = sorted(stored + given, key=lambda checkpoint: checkpoint.size)
    roots = tree.roots({checkpoint.size for checkpoint in everything})
    matching = {id(checkpoint): roots.get(checkpoint.size) == checkpoint.root for checkpoint in everything}
    # Each checkpoint given is reported; of those stored, the largest (a tree cut shorter than it) and the
    # first that no longer matches: every later one fails with it, for the same reason.
    reported = list(given)
    if stored:
        largest = max(stored, key=lambda checkpoint: checkpoint.size)
        failing = [c for c in everything if not c.given and c.size <= tree.size and not matching[id(c)]]
        if largest.size > tree.size:
            reported.append(largest)  # the tail was cut off
        if failing:
            reported.append(failing[0])  # every later one fails with it, for the same reason
        elif largest.size <= tree.size:
            reported.append(largest)
    # A stored checkpoint that is the one given (the e-mailed one is stored too) is reported once.
    given_ones = {(c.size, c.root) for c in given}
    reported = [c for c in reported if c.given or (c.size, c.root) not in given_ones]
    for checkpoint in reported:
        if checkpoint.size > tree.size:
            result.add(_cut(tree, checkpoint))
        elif matching[id(checkpoint)]:
            result.notes.append(
                f"The history extends {checkpoint.source} unchanged: its first {checkpoint.size} entries "
                f"(the tree's start and every row up to position {tree.position(checkpoint.size - 1)}), "
                "recomputed from the rows, have the root that was signed."
            )
        else:
            result.add(_rewritten(tree, checkpoint, everything, matching, using))


def _cut(tree: RecomputedTree, checkpoint: SignedCheckpoint) -> Problem:
    head, signed_head = tree.position(tree.size - 1), tree.position(checkpoint.size - 1)
    return Problem(
        "removed",
        f"The history ends at position {head}, but {checkpoint.source} covers {checkpoint.size} entries, up to "
        f"position {signed_head}: positions {head + 1} to {signed_head} were removed.",
        position=head + 1,
    )


def _rewritten(tree, checkpoint, everything, matching, using) -> Problem:
    where = (
        f"The history no longer extends {checkpoint.source} ({checkpoint.size} entries, up to position "
        f"{tree.position(checkpoint.size - 1)}): "
    )
    first = tree.first_differing
    if first is not None and first < checkpoint.size:
        if first == 0:
            what = f"the rows before the tree began (positions 1 to {tree.start}) were changed"
        elif first in tree.unknown:
            what = f"the first position that differs is {tree.position(first)}, whose row or link is gone"
        else:
            what = f"the first position that differs is {tree.position(first)}, whose row no longer matches its hash"
        return Problem("rewritten", where + what + ".", position=tree.position(first) if first else None)
    # Every stored hash was recomputed to match the rows: bracket the rewrite between signed checkpoints.
    bad = min(c.size for c in everything if not matching[id(c)] and c.size <= tree.size)
    good = max((c.size for c in everything if matching[id(c)] and c.size < bad), default=0)
    low, high = good, bad - 1
    narrowed = _narrowed_by_stored_nodes(tree, good, bad, using)
    if narrowed is not None:
        low, high = narrowed
        how = (
            "the tree's stored nodes, written when those rows were first linked, no longer match them, "
            "though every link after them was recomputed"
        )
    else:
        how = (
            f"every hash after it was recomputed; the last signed checkpoint that still matches is of {good} "
            f"entries, the first that does not of {bad}"
        )
    return Problem("rewritten", f"{where}the history was rewritten {tree.span(low, high)} ({how}).", position=None)


def _narrowed_by_stored_nodes(tree: RecomputedTree, good: int, bad: int, using: str) -> tuple[int, int] | None:
    """The leaves of the lowest stored node over [good, bad) that the rows no longer hash to, if any.

    A node is stored once, when the tree first grows past it, and never rewritten by the register: a
    rewrite that recomputed the links but not every node above them is located to that node's leaves
    (two, for a node just above the leaves). When the nodes were recomputed too, nothing narrower shows."""
    level_hashes = [tree.leaf(index) for index in range(bad)]
    top = MerkleNode.objects.using(using).filter(log=HISTORY).aggregate(top=Max("level"))["top"] or 0
    for level in range(1, top + 1):
        level_hashes = [
            transparency.node_hash(level_hashes[i], level_hashes[i + 1]) for i in range(0, len(level_hashes) - 1, 2)
        ]
        if not level_hashes:
            return None
        first, end = good >> level, len(level_hashes)
        stored = (
            MerkleNode.objects.using(using)
            .filter(log=HISTORY, level=level, index__gte=first, index__lt=end)
            .order_by("index")
        )
        for index, value in stored.values_list("index", "hash"):
            if bytes.fromhex(value) != level_hashes[index]:
                return max(index << level, good), min((index + 1) << level, bad) - 1
    return None
