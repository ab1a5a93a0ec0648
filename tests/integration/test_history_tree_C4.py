"""The Merkle tree over the history and its signed checkpoints, in the database (issue 20, C4)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from register import transparency
from register.models import Checkpoint, HistoryLink, MerkleNode, Organization, TransparencyLog
from register.services.audit import checkpoints, hashing, tree
from register.services.history import save_with_history

pytestmark = pytest.mark.django_db

HISTORY = TransparencyLog.HISTORY


def _rename(council, times):
    group = council.groups[0].organization
    for number in range(times):
        group.name = f"Group renamed {number}"
        save_with_history(group, actor=council.chief_executive, reason="Renamed", update_fields=["name"])
    return group


def _leaves_recomputed_from_rows():
    """Every leaf of the history tree computed from the rows' values and salts, not from stored hashes."""
    start, chain_head = hashing.tree_start()
    models_by_table = {model._meta.db_table: model for model in hashing.history_models()}
    leaves = [bytes.fromhex(hashing.boundary_leaf(start, chain_head))]
    for link in HistoryLink.objects.filter(position__gt=start).order_by("position"):
        model = models_by_table[link.table]
        values = model._default_manager.filter(pk=link.row_id).values(*link.salts).get()
        leaves.append(bytes.fromhex(hashing.row_leaf(model, link.row_id, values, link.salts, link.erased)))
    return leaves


def test_the_tree_is_extended_from_its_right_edge_and_roots_match_a_full_recomputation_C4(council):
    """Extending twice stores each complete node once; the root equals RFC 6962's over every leaf."""
    _rename(council, 3)
    first = tree.extend_tree(HISTORY)
    nodes_after_first = MerkleNode.objects.filter(log=HISTORY).count()
    _rename(council, 5)
    size = tree.extend_tree(HISTORY)
    assert size == first + 5
    leaves = _leaves_recomputed_from_rows()
    assert len(leaves) == size
    assert tree.root_hash(HISTORY, size) == transparency.root_of(leaves)
    assert tree.root_hash(HISTORY, first) == transparency.root_of(leaves[:first])
    # A complete tree of n leaves has n - 1 nodes above them, less those not yet complete on its right edge.
    complete = sum(size >> level for level in range(1, size.bit_length()))
    assert MerkleNode.objects.filter(log=HISTORY).count() == complete > nodes_after_first


def test_an_inclusion_and_a_consistency_proof_from_the_database_check_with_the_public_key_alone_C4(council):
    _rename(council, 2)
    older = checkpoints.sign_checkpoint(log=HISTORY, reason="test")
    group = _rename(council, 4)
    newer = checkpoints.sign_checkpoint(log=HISTORY, reason="test")
    keys = [checkpoints.signing_key().verifier]
    origin = checkpoints.origin(HISTORY)
    old_body = transparency.open_checkpoint(older.note, keys, origin)
    new_body = transparency.open_checkpoint(newer.note, keys, origin)
    assert (old_body.size, new_body.size) == (older.tree_size, newer.tree_size)

    link = HistoryLink.objects.get(
        table=Organization.history.model._meta.db_table,
        row_id=str(group.history.order_by("-history_id").first().history_id),
    )
    index = tree.history_leaf_index(link.position)
    path = tree.inclusion_proof(HISTORY, index, newer.tree_size)
    transparency.verify_inclusion(index, newer.tree_size, bytes.fromhex(link.row_hash), path, new_body.root)
    assert len(path) <= newer.tree_size.bit_length()

    proof = tree.consistency_proof(HISTORY, older.tree_size, newer.tree_size)
    transparency.verify_consistency(older.tree_size, newer.tree_size, old_body.root, new_body.root, proof)


def test_a_log_that_has_not_grown_is_not_signed_again_C4(council):
    first = checkpoints.sign_checkpoint(log=HISTORY, reason="hourly")
    assert checkpoints.sign_checkpoint(log=HISTORY, reason="hourly") == first
    _rename(council, 1)
    assert checkpoints.sign_checkpoint(log=HISTORY, reason="hourly").tree_size == first.tree_size + 1
    assert Checkpoint.objects.filter(log=HISTORY).count() == 2


@pytest.mark.parametrize(
    ("key", "key_file", "message"),
    [
        ("", "", "not set"),
        ("PRIVATE+KEY+broken", "", "does not hold a signing key"),
        ("", "/nonexistent/signing.key", "cannot be read"),
    ],
)
def test_a_missing_or_unreadable_signing_key_is_refused_clearly_and_nothing_is_signed_C4(
    council, settings, key, key_file, message
):
    settings.HISTORY_SIGNING_KEY, settings.HISTORY_SIGNING_KEY_FILE = key, key_file
    with pytest.raises(ImproperlyConfigured, match=message):
        checkpoints.sign_checkpoint(log=HISTORY, reason="hourly")
    assert not Checkpoint.objects.exists()
