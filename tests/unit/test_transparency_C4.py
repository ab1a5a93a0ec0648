"""The stand-alone checker (register/transparency.py): RFC 6962 trees and proofs, C2SP signed notes,
and its command, run with no Django and no database (issue 20, C4)."""

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from register import transparency as t

# RFC 6962's reference test data (the certificate-transparency project's): eight leaves and the roots.
REFERENCE_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
REFERENCE_ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
ORIGIN = "register.example.gov.uk/register/history"


def _mth(leaves):
    """RFC 6962 section 2.1's recursive definition, written out as the RFC states it."""
    if len(leaves) == 1:
        return leaves[0]
    k = t.split_point(len(leaves))
    return t.node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def _leaves(n):
    return [t.leaf_hash(f"entry {i}".encode()) for i in range(n)]


def _node(leaves):
    return lambda level, index: _mth(leaves[index << level : (index + 1) << level])


def test_the_tree_hashes_as_rfc_6962s_reference_data_C4():
    """Leaf and node hashes carry RFC 6962's prefixes: the reference roots come out."""
    hashes = [t.leaf_hash(bytes.fromhex(leaf)) for leaf in REFERENCE_LEAVES]
    assert t.root_of(hashes[:1]).hex() == REFERENCE_ROOTS[1]
    assert t.root_of(hashes).hex() == REFERENCE_ROOTS[8]
    assert t.root_of([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 8, 9, 16, 31, 33])
def test_every_inclusion_proof_checks_and_a_changed_or_cut_one_does_not_C4(size):
    """Each leaf's audit path leads to the root; a wrong leaf, a wrong index or a truncated path is refused."""
    leaves = _leaves(size)
    root = _mth(leaves)
    assert t.root_of(leaves) == root
    for index in range(size):
        path = [t.hash_of_range(a, b, _node(leaves)) for a, b in t.inclusion_ranges(index, size)]
        t.verify_inclusion(index, size, leaves[index], path, root)
        with pytest.raises(t.ProofError):
            t.verify_inclusion(index, size, t.leaf_hash(b"forged"), path, root)
        if path:
            with pytest.raises(t.ProofError, match="truncated|root"):
                t.verify_inclusion(index, size, leaves[index], path[:-1], root)
        if size > 1:
            with pytest.raises(t.ProofError):
                t.verify_inclusion((index + 1) % size, size, leaves[index], path, root)


def test_an_inclusion_proof_in_a_million_leaves_is_twenty_hashes_C4():
    """The path's length is the tree's depth: 20 hashes for 1,000,000 leaves (the issue asks under 25)."""
    assert len(t.inclusion_ranges(123_456, 1_000_000)) == 20


@pytest.mark.parametrize("new", [1, 2, 3, 4, 6, 8, 13, 16, 17])
def test_every_consistency_proof_checks_and_a_rewritten_history_does_not_C4(new):
    """A newer tree extends each older one; a proof against a rewritten older tree is refused."""
    leaves = _leaves(new)
    for old in range(1, new + 1):
        path = [t.hash_of_range(a, b, _node(leaves)) for a, b in t.consistency_ranges(old, new)]
        t.verify_consistency(old, new, _mth(leaves[:old]), _mth(leaves), path)
        rewritten = [t.leaf_hash(b"rewritten"), *leaves[1:old]]
        with pytest.raises(t.ProofError):
            t.verify_consistency(old, new, _mth(rewritten), _mth(leaves), path)


@pytest.fixture
def key():
    return t.SignerKey.generate("register.example.gov.uk/register")


def _checkpoint(key, size=5, origin=ORIGIN, root=b"\x01" * 32):
    return key.sign(t.CheckpointBody(origin, size, root).text())


def test_a_checkpoint_is_a_c2sp_signed_note_C4(key):
    """Origin, size and base64 root, a blank line, then '— name base64(key id || Ed25519 signature)'."""
    note = _checkpoint(key)
    text, signature = note.split("\n\n")
    root = base64.b64encode(bytes([1] * 32)).decode()
    assert text == f"{ORIGIN}\n5\n{root}"
    name, encoded = signature.removeprefix("\u2014 ").rstrip("\n").split(" ")
    raw = base64.b64decode(encoded)
    assert name == key.name and raw[:4] == t.key_id(key.name, key.verifier.public) and len(raw) == 68
    assert t.open_checkpoint(note, [key.verifier], ORIGIN).size == 5


def test_keys_survive_their_text_form_and_a_damaged_one_is_refused_C4(key):
    assert t.SignerKey.parse(key.text()) == key
    assert t.VerifierKey.parse(key.verifier.text()) == key.verifier
    name, hex_id, encoded = key.verifier.text().split("+", 2)
    with pytest.raises(t.ProofError, match="id does not match"):
        t.VerifierKey.parse(f"{name}x+{hex_id}+{encoded}")


@pytest.mark.parametrize(
    ("forge", "refusal"),
    [
        (lambda note, key, other: _checkpoint(other), "not signed by the register's key"),
        (lambda note, key, other: note.replace("\n5\n", "\n6\n"), "does not verify"),
        (lambda note, key, other: note.replace("AQEB", "AgEB", 1), "does not verify"),
        (lambda note, key, other: _checkpoint(key, origin="another.gov.uk/register/history"), "another log"),
        (lambda note, key, other: note.split("\n\n")[0] + "\n", "not a signed note"),
    ],
    ids=["wrong key", "edited size", "edited root", "other register", "no signature"],
)
def test_a_forged_checkpoint_is_refused_naming_what_is_wrong_C4(key, forge, refusal):
    other = t.SignerKey.generate(key.name)  # same name, another key: its id differs
    with pytest.raises(t.ProofError, match=refusal):
        t.open_checkpoint(forge(_checkpoint(key), key, other), [key.verifier], ORIGIN)


def _inclusion_document(key, fields, index=2, size=5):
    digests = t.entry_digests(fields)
    leaf = t.leaf_hash(t.record_leaf_input("register_historicaldeclaration", "7", digests))
    leaves = _leaves(size)
    leaves[index] = leaf
    path = [t.hash_of_range(a, b, _node(leaves)).hex() for a, b in t.inclusion_ranges(index, size)]
    return {
        "format": t.INCLUSION_FORMAT,
        "checkpoint": key.sign(t.CheckpointBody(ORIGIN, size, _mth(leaves)).text()),
        "leaf_index": index,
        "tree_size": size,
        "path": path,
        "entry": {"table": "register_historicaldeclaration", "id": "7", "fields": fields},
    }


def test_a_field_withheld_as_its_digest_still_proves_the_entry_C4(key):
    """An entry can be shown with a confidential field replaced by its digest (or erased): the proof still checks."""
    fields = {"state": {"value": "approved", "salt": "ab" * 16}, "description": {"value": "cousins", "salt": "cd" * 16}}
    document = _inclusion_document(key, fields)
    withheld = dict(fields, description={"digest": t.field_digest("description", "cd" * 16, "cousins")})
    document["entry"]["fields"] = withheld
    assert t.check_inclusion_proof(document, [key.verifier], ORIGIN).size == 5
    document["entry"]["fields"] = dict(fields, state={"value": "refused", "salt": "ab" * 16})
    with pytest.raises(t.ProofError, match="root"):
        t.check_inclusion_proof(document, [key.verifier], ORIGIN)


def _run_checker(tmp_path, *arguments):
    """The checker copied alone into an empty folder and run by a bare Python: no Django, no database."""
    checker = tmp_path / "verify_register_proof.py"
    shutil.copy(Path(t.__file__), checker)
    environment = {"PATH": os.environ["PATH"]}
    return subprocess.run(
        [sys.executable, "-I", str(checker), *arguments],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_stand_alone_command_checks_a_proof_and_refuses_a_bad_one_C4(tmp_path, key):
    """With only the public key and the files: a good proof and checkpoint pass, a truncated proof,
    a proof for another entry and a checkpoint of another register fail, each saying why."""
    fields = {"state": {"value": "approved", "salt": "ab" * 16}}
    document = _inclusion_document(key, fields)
    (tmp_path / "proof.json").write_text(json.dumps(document))
    (tmp_path / "checkpoint.txt").write_text(document["checkpoint"])
    (tmp_path / "key.pub").write_text(key.verifier.text() + "\n")
    good = _run_checker(tmp_path, "--key", "key.pub", "--origin", ORIGIN, "proof.json", "checkpoint.txt")
    assert good.returncode == 0, good.stderr
    assert "entry 2 of the log" in good.stdout and "is signed by the register's key" in good.stdout

    (tmp_path / "cut.json").write_text(json.dumps(document)[:-40])
    cut = _run_checker(tmp_path, "--key", key.verifier.text(), "--origin", ORIGIN, "cut.json")
    assert cut.returncode == 1 and "not complete JSON" in cut.stderr

    short = dict(document, path=document["path"][:-1])
    (tmp_path / "short.json").write_text(json.dumps(short))
    assert "truncated" in _run_checker(tmp_path, "--key", "key.pub", "--origin", ORIGIN, "short.json").stderr

    elsewhere = _run_checker(tmp_path, "--key", "key.pub", "--origin", "other.gov.uk/register/history", "proof.json")
    assert elsewhere.returncode == 1 and "another log" in elsewhere.stderr
