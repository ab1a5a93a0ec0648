#!/usr/bin/env python3
"""Checking the register's history without its database: Merkle trees (RFC 6962 / RFC 9162), signed
checkpoints (C2SP signed-note and tlog-checkpoint), and the proofs the register hands out.

This one file is also the stand-alone checker the public register offers for download: it needs
Python 3.11 and the ``cryptography`` package, never Django, never the register's database.

    python verify_register_proof.py --key KEY --origin ORIGIN checkpoint.txt
    python verify_register_proof.py --key KEY --origin ORIGIN inclusion-proof.json
    python verify_register_proof.py --key KEY --origin ORIGIN consistency-proof.json

KEY is the register's public key as published (``name+id+base64``), or a file holding it; ORIGIN
is the log the checkpoint must be of, as published. Exits 0 when everything checks, 1 otherwise,
saying what is wrong.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
ED25519 = b"\x01"  # the signed-note signature type of Ed25519
SIGNATURE_DASH = "\u2014 "
INCLUSION_FORMAT = "register-inclusion-proof/1"
CONSISTENCY_FORMAT = "register-consistency-proof/1"
MAX_NOTE_BYTES = 16_384
MAX_PROOF_HASHES = 64


class ProofError(ValueError):
    """Something does not check: the message says what, in words."""


# --- Hashing -----------------------------------------------------------------------------------


# json.dumps with these options builds a new encoder on each call; every saved history row hashes a
# dozen values, so the one encoder is built once (the same output: dumps calls this encoder's encode).
_CANONICAL_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical_json(data: Any) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, ASCII only."""
    return _CANONICAL_ENCODER.encode(data)


def leaf_hash(leaf_input: bytes) -> bytes:
    """RFC 6962 section 2.1: the hash of a leaf, with the leaf prefix so it can never pass for a node."""
    return hashlib.sha256(LEAF_PREFIX + leaf_input).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def field_digest(name: str, salt: str, value: Any) -> str:
    """What a leaf commits to for one field: SHA-256 over its name, its own random salt and its
    canonical value. The salt keeps a short value (a state, a person's id) from being guessed from
    the digest; dropping value and salt later leaves the digest, so the leaf still checks."""
    return hashlib.sha256(canonical_json([name, salt, value]).encode("ascii")).hexdigest()


def record_leaf_input(table: str, row_id: str, digests: dict[str, str]) -> bytes:
    """A history row's (or an access log entry's) leaf: its table, its id and each field's digest."""
    return canonical_json({"fields": digests, "id": str(row_id), "table": table}).encode("ascii")


def boundary_leaf_input(position: int, chain_hash: str) -> bytes:
    """Leaf 0 of the history's tree: the head of the hash chain that came before the tree."""
    return canonical_json({"boundary": {"chain_hash": chain_hash, "position": position}}).encode("ascii")


def entry_digests(fields: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each field's digest from a proof's entry, where a field is {"value", "salt"} or only {"digest"}
    (withheld or erased)."""
    digests = {}
    for name, field in fields.items():
        if not isinstance(field, dict):
            raise ProofError(f"The entry's field {name!r} is neither a value with its salt nor a digest.")
        if "digest" in field:
            digests[name] = _hex(field["digest"], f"the digest of field {name!r}")
        elif "salt" in field and "value" in field:
            digests[name] = field_digest(name, str(field["salt"]), field["value"])
        else:
            raise ProofError(f"The entry's field {name!r} has neither a value with its salt nor a digest.")
    return digests


# --- Trees (RFC 6962 section 2.1, RFC 9162 section 2.1) ----------------------------------------


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where RFC 6962 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: list[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes, bottom up (the same tree as RFC 6962's recursive definition)."""
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()
    stack: list[tuple[int, bytes]] = []  # (size of the complete subtree, its hash), left to right
    for leaf in leaf_hashes:
        size, value = 1, leaf
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, value = left_size + size, node_hash(left, value)
        stack.append((size, value))
    value = stack.pop()[1]
    while stack:  # the right edge: smaller subtrees fold into the larger ones on their left
        value = node_hash(stack.pop()[1], value)
    return value


def prefix_roots(leaf_hashes: list[bytes], sizes: Iterable[int]) -> dict[int, bytes]:
    """MTH of the first n leaves for each n in ``sizes`` (n <= the number of leaves), in one pass."""
    sizes = set(sizes)
    roots = {0: root_of([])} if 0 in sizes else {}
    stack: list[tuple[int, bytes]] = []
    last = max((n for n in sizes if n <= len(leaf_hashes)), default=0)
    for index in range(last):
        width, value = 1, leaf_hashes[index]
        while stack and stack[-1][0] == width:
            _, left = stack.pop()
            width, value = width * 2, node_hash(left, value)
        stack.append((width, value))
        if index + 1 in sizes:
            value = stack[-1][1]
            for _, left in reversed(stack[:-1]):
                value = node_hash(left, value)
            roots[index + 1] = value
    return roots


def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """The complete subtrees, as (level, index), whose hashes make MTH(D[start:end]) for a range that
    RFC 6962's splitting produces (start aligned), left to right."""
    found = []
    while start < end:
        level = min((end - start).bit_length() - 1, (start & -start).bit_length() - 1 if start else 63)
        found.append((level, start >> level))
        start += 1 << level
    return found


def range_hashes_needed(ranges: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    return {node for start, end in ranges for node in perfect_subtrees(start, end)}


def hash_of_range(start: int, end: int, node: Callable[[int, int], bytes]) -> bytes:
    """MTH(D[start:end]) from the hashes of complete subtrees, ``node(level, index)``."""
    parts = [node(level, index) for level, index in perfect_subtrees(start, end)]
    value = parts.pop()
    while parts:
        value = node_hash(parts.pop(), value)
    return value


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose hashes make the audit path of leaf ``index`` in a tree of ``size`` leaves
    (RFC 6962 section 2.1.1, PATH), from the leaf up."""
    if not 0 <= index < size:
        raise ProofError(f"Leaf {index} is not in a tree of {size} leaves.")
    ranges = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start = start + k
    return list(reversed(ranges))


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The ranges whose hashes make the consistency proof from ``old`` leaves to ``new`` (RFC 6962
    section 2.1.2, SUBPROOF), in the proof's order."""
    if not 0 < old <= new:
        raise ProofError(f"No consistency proof from a tree of {old} leaves to one of {new}.")
    if old == new:
        return []

    def subproof(m: int, start: int, end: int, complete: bool) -> list[tuple[int, int]]:
        n = end - start
        if m == n:
            return [] if complete else [(start, end)]
        k = split_point(n)
        if m <= k:
            return subproof(m, start, start + k, complete) + [(start + k, end)]
        return subproof(m - k, start + k, end, False) + [(start, start + k)]

    return subproof(old, 0, new, True)


def verify_inclusion(index: int, size: int, leaf: bytes, path: list[bytes], root: bytes) -> None:
    """RFC 9162 section 2.1.3.2. Raises ProofError unless the path proves the leaf at ``index``."""
    if root_from_inclusion(index, size, leaf, path) != root:
        raise ProofError("The inclusion proof does not lead to the checkpoint's root hash.")


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """The root a tree of ``size`` leaves has if ``path`` is the audit path of ``leaf`` at ``index``
    (RFC 9162 section 2.1.3.2); ProofError when the path cannot be one."""
    if not 0 <= index < size:
        raise ProofError(f"Leaf {index} is not in a tree of {size} leaves.")
    fn, sn, value = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            raise ProofError("The inclusion proof is longer than the tree allows.")
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            value = node_hash(value, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("The inclusion proof is truncated: it ends before reaching the root.")
    return value


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: list[bytes]) -> None:
    """RFC 9162 section 2.1.4.2. Raises ProofError unless the newer tree extends the older unchanged."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"A tree of {new_size} leaves cannot extend one of {old_size}.")
    if old_size == new_size:
        if path:
            raise ProofError("Two checkpoints of one size need an empty consistency proof.")
        if old_root != new_root:
            raise ProofError("Two checkpoints of the same size have different roots: the log was rewritten.")
        return
    if not path:
        raise ProofError("The consistency proof is empty.")
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node of the path
        path = [old_root, *path]
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("The consistency proof is longer than the trees allow.")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("The consistency proof is truncated.")
    if fr != old_root:
        raise ProofError("The consistency proof does not lead to the older checkpoint's root: the log was rewritten.")
    if sr != new_root:
        raise ProofError("The consistency proof does not lead to the newer checkpoint's root.")


# --- Keys and signed notes (C2SP signed-note, Ed25519) -----------------------------------------


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519 + public).digest()[:4]


def _check_key_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise ProofError(f"{name!r} is not a key name: it must be non-empty, without spaces or '+'.")
    return name


@dataclass(frozen=True)
class VerifierKey:
    name: str
    public: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.public)

    def text(self) -> str:
        return f"{self.name}+{self.id.hex()}+{base64.b64encode(ED25519 + self.public).decode()}"

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        parts = text.strip().split("+", 2)  # base64 may hold '+': the name and id may not
        if len(parts) != 3:
            raise ProofError("The public key is not in the form name+id+key (as the register publishes it).")
        name, hex_id, encoded = parts
        _check_key_name(name)
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise ProofError("The public key's last part is not base64.") from error
        if len(raw) != 33 or raw[:1] != ED25519:
            raise ProofError("The public key is not an Ed25519 key.")
        key = cls(name, raw[1:])
        if hex_id.lower() != key.id.hex():
            raise ProofError("The public key's id does not match its name and key: it was altered.")
        return key


@dataclass(frozen=True)
class SignerKey:
    """The signing key, in the form ``PRIVATE+KEY+name+id+base64(0x01 || seed)``. Never stored in the database."""

    name: str
    seed: bytes

    def _private(self):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def verifier(self) -> VerifierKey:
        from cryptography.hazmat.primitives import serialization

        public = self._private().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return VerifierKey(self.name, public)

    def text(self) -> str:
        encoded = base64.b64encode(ED25519 + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id.hex()}+{encoded}"

    def sign(self, text: str) -> str:
        """A signed note of ``text`` (which must end in a newline)."""
        _check_note_text(text)
        signature = self._private().sign(text.encode("utf-8"))
        line = base64.b64encode(self.verifier.id + signature).decode()
        return f"{text}\n{SIGNATURE_DASH}{self.name} {line}\n"

    @classmethod
    def generate(cls, name: str) -> SignerKey:
        import os

        return cls(_check_key_name(name), os.urandom(32))

    @classmethod
    def parse(cls, text: str) -> SignerKey:
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise ProofError("The signing key is not in the form PRIVATE+KEY+name+id+key.")
        _, _, name, hex_id, encoded = parts
        _check_key_name(name)
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise ProofError("The signing key's last part is not base64.") from error
        if len(raw) != 33 or raw[:1] != ED25519:
            raise ProofError("The signing key is not an Ed25519 key.")
        key = cls(name, raw[1:])
        if hex_id.lower() != key.verifier.id.hex():
            raise ProofError("The signing key's id does not match its key: the key text is damaged.")
        return key


def _check_note_text(text: str) -> None:
    if not text.endswith("\n"):
        raise ProofError("A note's text must end with a newline.")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise ProofError("A note may not contain control characters.")


def open_note(note: str, keys: Iterable[VerifierKey]) -> tuple[str, VerifierKey]:
    """The text of a signed note and the key that signed it, if a known key's signature verifies."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if len(note.encode("utf-8")) > MAX_NOTE_BYTES:
        raise ProofError("The checkpoint is too long to be one.")
    if not note.endswith("\n") or "\n\n" not in note:
        raise ProofError("This is not a signed note: no blank line before the signatures, or no final newline.")
    split = note.rindex("\n\n")
    text, signature_lines = note[: split + 1], note[split + 2 :].splitlines()
    _check_note_text(text)
    known = {(key.name, key.id): key for key in keys}
    found_known = False
    for line in signature_lines:
        if not line.startswith(SIGNATURE_DASH) or line.count(" ") != 2:
            raise ProofError("A signature line is malformed (it must be '\u2014 name signature').")
        name, encoded = line[len(SIGNATURE_DASH) :].split(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise ProofError("A signature is not base64.") from error
        if len(raw) < 5:
            raise ProofError("A signature is too short.")
        key = known.get((name, raw[:4]))
        if key is None:
            continue  # C2SP: signatures by unknown keys are ignored
        found_known = True
        try:
            Ed25519PublicKey.from_public_bytes(key.public).verify(raw[4:], text.encode("utf-8"))
        except InvalidSignature as error:
            raise ProofError(
                f"The signature by {name} does not verify: the checkpoint was altered or forged."
            ) from error
        return text, key
    if not found_known:
        raise ProofError("The checkpoint is not signed by the register's key (no signature by a known key).")
    raise ProofError("The checkpoint is not signed.")


@dataclass(frozen=True)
class CheckpointBody:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def parse_checkpoint(text: str) -> CheckpointBody:
    """C2SP tlog-checkpoint: origin, decimal tree size, base64 root hash (extension lines ignored)."""
    lines = text.split("\n")
    if len(lines) < 4:
        raise ProofError("The checkpoint needs an origin, a tree size and a root hash, one per line.")
    origin, size, root = lines[:3]
    if not origin:
        raise ProofError("The checkpoint has no origin line.")
    if not size.isdigit() or (size.startswith("0") and size != "0"):
        raise ProofError(f"The checkpoint's tree size {size!r} is not a decimal number.")
    try:
        root_bytes = base64.b64decode(root, validate=True)
    except binascii.Error as error:
        raise ProofError("The checkpoint's root hash is not base64.") from error
    if len(root_bytes) != 32:
        raise ProofError("The checkpoint's root hash is not a SHA-256 hash.")
    return CheckpointBody(origin, int(size), root_bytes)


def open_checkpoint(note: str, keys: Iterable[VerifierKey], origin: str | None) -> CheckpointBody:
    """A checkpoint whose signature verifies with one of ``keys``, of the log ``origin``."""
    text, _ = open_note(note, keys)
    checkpoint = parse_checkpoint(text)
    if origin is not None and checkpoint.origin != origin:
        raise ProofError(f"The checkpoint is of another log ({checkpoint.origin!r}), not of {origin!r}.")
    return checkpoint


# --- Proof files -------------------------------------------------------------------------------


def _hex(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ProofError(f"{what[:1].upper()}{what[1:]} is not a SHA-256 hash in lowercase hexadecimal.")
    return value


def _path(values: Any) -> list[bytes]:
    if not isinstance(values, list) or len(values) > MAX_PROOF_HASHES:
        raise ProofError("The proof's path is not a list of hashes.")
    return [bytes.fromhex(_hex(value, "a hash in the proof's path")) for value in values]


def _int(document: dict, name: str) -> int:
    value = document.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"The proof has no {name.replace('_', ' ')} (a whole number).")
    return value


def check_inclusion_proof(document: dict, keys: Iterable[VerifierKey], origin: str | None) -> CheckpointBody:
    """Check an inclusion proof file: its checkpoint is signed, and its entry is leaf ``leaf_index`` of
    that checkpoint's tree. Returns the checkpoint."""
    if document.get("format") != INCLUSION_FORMAT:
        raise ProofError(f"This is not an inclusion proof of the register ({INCLUSION_FORMAT}).")
    checkpoint = open_checkpoint(str(document.get("checkpoint", "")), keys, origin)
    index, size = _int(document, "leaf_index"), _int(document, "tree_size")
    if size != checkpoint.size:
        raise ProofError(f"The proof is for a tree of {size} leaves but its checkpoint is of {checkpoint.size}.")
    entry = document.get("entry")
    if not isinstance(entry, dict) or not isinstance(entry.get("fields"), dict):
        raise ProofError("The proof has no entry with its fields.")
    leaf = leaf_hash(
        record_leaf_input(str(entry.get("table", "")), str(entry.get("id", "")), entry_digests(entry["fields"]))
    )
    verify_inclusion(index, size, leaf, _path(document.get("path")), checkpoint.root)
    return checkpoint


def check_consistency_proof(
    document: dict, keys: Iterable[VerifierKey], origin: str | None
) -> tuple[CheckpointBody, CheckpointBody]:
    """Check a consistency proof file: both checkpoints are signed, of one log, and the newer extends the older."""
    if document.get("format") != CONSISTENCY_FORMAT:
        raise ProofError(f"This is not a consistency proof of the register ({CONSISTENCY_FORMAT}).")
    keys = list(keys)
    old = open_checkpoint(str(document.get("old_checkpoint", "")), keys, origin)
    new = open_checkpoint(str(document.get("new_checkpoint", "")), keys, origin)
    if old.origin != new.origin:
        raise ProofError("The two checkpoints are of different logs.")
    verify_consistency(old.size, new.size, old.root, new.root, _path(document.get("path")))
    return old, new


# --- The command -------------------------------------------------------------------------------


def _read_key(value: str) -> list[VerifierKey]:
    path = Path(value)
    text = path.read_text(encoding="utf-8") if "+" not in value and path.exists() else value
    return [VerifierKey.parse(line) for line in text.splitlines() if line.strip()]


def check_file(path: Path, keys: list[VerifierKey], origin: str) -> str:
    """Check one file (a checkpoint, an inclusion proof or a consistency proof); say what it proves."""
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProofError(f"{path} cannot be read: {error}") from error
    if content.lstrip().startswith("{"):
        try:
            document = json.loads(content)
        except json.JSONDecodeError as error:
            raise ProofError(f"{path} is not complete JSON (truncated?): {error}") from error
        if not isinstance(document, dict):
            raise ProofError(f"{path} is not a proof.")
        if document.get("format") == CONSISTENCY_FORMAT:
            old, new = check_consistency_proof(document, keys, origin)
            return f"The log {new.origin} at {new.size} entries extends its checkpoint at {old.size} unchanged."
        checkpoint = check_inclusion_proof(document, keys, origin)
        entry = document["entry"]
        return (
            f"{entry.get('table')} row {entry.get('id')} is entry {document['leaf_index']} of the log "
            f"{checkpoint.origin}, as signed at {checkpoint.size} entries."
        )
    checkpoint = open_checkpoint(content, keys, origin)
    return f"The checkpoint of {checkpoint.origin} at {checkpoint.size} entries is signed by the register's key."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--key", required=True, help="the register's public key (name+id+key), or a file of them")
    parser.add_argument(
        "--origin", required=True, help="the log the checkpoint must be of, as the register publishes it"
    )
    parser.add_argument("files", nargs="+", type=Path, help="checkpoints and proof files")
    arguments = parser.parse_args(argv)
    try:
        keys = _read_key(arguments.key)
    except (ProofError, OSError) as error:
        print(f"The key: {error}", file=sys.stderr)
        return 1
    failed = False
    for path in arguments.files:
        try:
            print(f"OK  {path}: {check_file(path, keys, arguments.origin)}")
        except ProofError as error:
            failed = True
            print(f"BAD {path}: {error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
