"""Issue 20's rows of `make bench`: the history's Merkle tree, its signed checkpoints and an inclusion proof.

One scenario (``history_tree`` in tests/bench/scenarios.py) runs these in order, because each step
needs the one before: the tree extended over every seeded row from nothing (as the first extension
after the upgrade does), then 1,000 rows written and a checkpoint signed (the hourly checkpoint after an
hour of work), then a proof for one row built, and checked by the stand-alone checker
(register/transparency.py) in this process and as a fresh process, with only the public key.

Each baseline is what the step would cost without what the register keeps: recomputing the root from
every leaf read from the database (what a signer without the stored nodes does), and checking only the
checkpoint's signature (what is left of a proof's check without its path).
"""

import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from register import transparency
from register.models import Checkpoint, HistoryLink, MerkleNode, TransparencyLog
from register.services.audit import checkpoints, hashing, tree
from tests.bench import harness
from tests.bench.harness import Result, ms, not_measured

HISTORY = TransparencyLog.HISTORY
CHECKER = Path(transparency.__file__)
ROWS_BETWEEN_CHECKPOINTS = 1_000  # an hour of a busy register's work


def history_tree(bench) -> list[Result]:
    with _signing_key() as key, tempfile.TemporaryDirectory(prefix="register-proof.") as folder:
        size = tree.leaf_count(HISTORY)
        results = [_extension_from_nothing(size)]
        signed, checkpoint = _signing(bench)
        results.append(signed)
        results += _proof(bench, key, checkpoint, Path(folder))
        return results


@contextlib.contextmanager
def _signing_key():
    """The register's key when the stack has one; otherwise one made for this run (never stored)."""
    try:
        key = checkpoints.signing_key()
    except ImproperlyConfigured:
        key = None
    if key is not None:
        yield key
        return
    key = transparency.SignerKey.generate("bench-register")
    with override_settings(HISTORY_SIGNING_KEY=key.text(), HISTORY_SIGNING_KEY_FILE=""):
        yield key


def _root_from_every_leaf(size: int) -> bytes:
    """What a signer without the stored nodes does: read every leaf and compute the root (RFC 6962)."""
    return transparency.root_of(list(tree.leaf_hashes(HISTORY, 0, size)))


def _extension_from_nothing(size: int) -> Result:
    name = f"Extend the history tree over {size:,} rows from nothing (once, at upgrade)"
    target = "for the record (runs once)"
    # Loading the demo council signs a checkpoint of its few hundred rows, before the generated history:
    # that much may be covered already, and no more.
    done = tree.completed_leaves(HISTORY)
    signed = list(Checkpoint.objects.filter(log=HISTORY).values_list("tree_size", flat=True))
    if done and (len(signed) > 1 or done > max(signed, default=0)):
        return not_measured(name, target, f"the tree already covered {done:,} leaves when the scenario began")
    before = MerkleNode.objects.filter(log=HISTORY).count()
    ours = harness.time_once(lambda: tree.extend_tree(HISTORY))
    nodes = MerkleNode.objects.filter(log=HISTORY).count() - before
    covered = f"; {done:,} leaves were covered already, by the demo council's checkpoint" if done else ""
    root = {}
    bare = harness.time_once(lambda: root.update(value=_root_from_every_leaf(size)))
    if tree.root_hash(HISTORY, size) != root["value"]:
        raise AssertionError("the stored tree's root differs from the root recomputed from every leaf")
    return Result(
        name,
        target,
        ours=f"{_duration(ours)} ({nodes:,} nodes stored{covered})",
        baseline=f"{_duration(bare)} reading every leaf and computing the root in memory, storing nothing",
        ratio=ours / bare,
        figures={
            "ours_seconds": ours,
            "baseline_seconds": bare,
            "leaves": size,
            "nodes": nodes,
            "nodes_before": before,
            "covered_before": done,
        },
    )


def _signing(bench) -> tuple[Result, Checkpoint]:
    from tests.bench.seed import add_history_rows

    samples, sizes = [], []
    for _ in range(bench.repeat(5, quick=2)):
        add_history_rows(ROWS_BETWEEN_CHECKPOINTS)
        started = time.perf_counter()
        checkpoint = checkpoints.sign_checkpoint(log=HISTORY, reason="Bench: the hourly checkpoint")
        samples.append(time.perf_counter() - started)
        sizes.append(checkpoint.tree_size)
    size = checkpoint.tree_size
    root = {}
    bare = harness.time_once(lambda: root.update(value=_root_from_every_leaf(size)))
    if bytes.fromhex(checkpoint.root_hash) != root["value"]:
        raise AssertionError("the signed root differs from the root recomputed from every leaf")
    ours = harness.summary(samples)
    name = (
        f"Sign a history checkpoint over {size:,} rows, {ROWS_BETWEEN_CHECKPOINTS:,} rows after the last "
        f"(p50 of {len(samples)})"
    )
    return Result(
        name,
        "under 5 s",
        ours=f"{ms(ours['p50'])} (max {ms(max(samples))})",
        baseline=f"{_duration(bare)} recomputing the root from every leaf read from the database",
        ratio=ours["p50"] / bare,
        met=ours["p50"] < 5.0,
        figures={"ours": ours, "baseline_seconds": bare, "tree_sizes": sizes},
    ), checkpoint


def inclusion_document(link: HistoryLink, checkpoint: Checkpoint) -> dict:
    """The inclusion proof file of one history row, in the form the stand-alone checker reads: the row's
    fields with their salts, its leaf's path to the checkpoint's root, and the signed checkpoint."""
    model = {model._meta.db_table: model for model in hashing.history_models()}[link.table]
    values = model._default_manager.filter(pk=link.row_id).values(*link.salts).get()
    canonical = hashing.hashed_fields(model, values, link.salts)
    fields = {name: {"value": canonical[name], "salt": salt} for name, salt in link.salts.items()}
    fields.update({name: {"digest": digest} for name, digest in (link.erased or {}).items()})
    index = tree.history_leaf_index(link.position)
    path = tree.inclusion_proof(HISTORY, index, checkpoint.tree_size)
    return {
        "format": transparency.INCLUSION_FORMAT,
        "checkpoint": checkpoint.note,
        "leaf_index": index,
        "tree_size": checkpoint.tree_size,
        "path": [value.hex() for value in path],
        "entry": {"table": link.table, "id": link.row_id, "fields": fields},
    }


def _proof(bench, key: transparency.SignerKey, checkpoint: Checkpoint, folder: Path) -> list[Result]:
    size = checkpoint.tree_size
    of = f"one row of {size:,}"
    start, _ = hashing.tree_start()
    link = HistoryLink.objects.get(position=start + size // 2)  # a row in the middle of the history

    def build():
        return inclusion_document(link, checkpoints.latest_checkpoint(HISTORY))

    built = harness.summary(harness.interleaved({"ours": build}, repeat=bench.repeat(50))["ours"])
    document = build()
    proof_file, checkpoint_file = folder / "inclusion-proof.json", folder / "checkpoint.txt"
    proof_file.write_text(json.dumps(document, indent=2))
    checkpoint_file.write_text(checkpoint.note)
    keys, origin = [key.verifier], checkpoints.origin(HISTORY)
    hashes = len(document["path"])

    checked = harness.interleaved(
        {
            "ours": lambda: transparency.check_file(proof_file, keys, origin),
            "bare": lambda: transparency.check_file(checkpoint_file, keys, origin),
        },
        repeat=bench.repeat(500, quick=5),
    )
    in_process, signature_only = harness.summary(checked["ours"]), harness.summary(checked["bare"])

    # The checker as an outsider runs it: the one file copied alone into an empty folder, a fresh process.
    checker = folder / "verify_register_proof.py"
    shutil.copy(CHECKER, checker)
    command = [sys.executable, "-I", str(checker), "--key", key.verifier.text(), "--origin", origin]
    commands = harness.interleaved(
        {
            "ours": lambda: _run(command + [str(proof_file)], folder, checks=True),
            "bare": lambda: _run(command + [str(checkpoint_file)], folder, checks=True),
            "start": lambda: _run([sys.executable, "-I", "-c", "pass"], folder, checks=False),
        },
        repeat=bench.repeat(20, quick=3),
        warmup=2,
    )
    process, process_bare, python = (harness.summary(commands[name]) for name in ("ours", "bare", "start"))
    return [
        Result(
            f"Inclusion proof for {of}: hashes in its path",
            "under 25 hashes",
            ours=f"{hashes} hashes (leaf {document['leaf_index']:,})",
            met=hashes < 25,
            figures={"hashes": hashes, "leaf_index": document["leaf_index"], "tree_size": size},
        ),
        Result(
            f"Inclusion proof for {of}: checked by the stand-alone checker in-process (check_file, p50)",
            "under 10 ms",
            ours=ms(in_process["p50"]),
            baseline=f"{ms(signature_only['p50'])} checking the checkpoint alone (its signature)",
            ratio=in_process["p50"] / signature_only["p50"],
            met=in_process["p50"] < 0.010,
            figures={"ours": in_process, "baseline": signature_only},
        ),
        Result(
            f"Inclusion proof for {of}: the stand-alone command, a fresh process (p50 of {len(commands['ours'])})",
            f"for the record: a bare Python start alone takes {ms(python['p50'])}",
            ours=ms(process["p50"]),
            baseline=f"{ms(process_bare['p50'])} the same command checking the checkpoint alone",
            ratio=process["p50"] / process_bare["p50"],
            figures={"ours": process, "baseline": process_bare, "python_start": python},
        ),
        Result(
            f"Building the inclusion proof for {of} in the register (path, checkpoint, entry; p50)",
            "for the record",
            ours=f"{ms(built['p50'])} (p95 {ms(built['p95'])})",
            figures={"ours": built},
        ),
    ]


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 1 else ms(seconds)


def _run(command: list[str], folder: Path, *, checks: bool) -> None:
    """Run a command; a checker's must say OK (a refusal would time the wrong thing)."""
    answer = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    if answer.returncode != 0 or (checks and not answer.stdout.startswith("OK")):
        raise AssertionError(f"{' '.join(command[:3])}: exit {answer.returncode}: {answer.stderr or answer.stdout}")
