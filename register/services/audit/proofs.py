"""The proofs the register hands out (issue 20): that a history row is an entry of a signed checkpoint
(inclusion), and that a later checkpoint extends an earlier one unchanged (consistency). Each is a
JSON file that ``register/transparency.py`` checks with only the register's public key."""

import logging
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from register import transparency
from register.errors import Conflict, NotFound, RuleViolation
from register.models import Checkpoint, HistoryLink, Person, TransparencyLog
from register.services.audit import checkpoints, tree
from register.services.audit.hashing import canonical_value, fields_by_attname

HISTORY = TransparencyLog.HISTORY
logger = logging.getLogger(__name__)


def checkpoint_covering(leaf_index: int, *, log: str = HISTORY, reason: str) -> Checkpoint:
    """The latest checkpoint of ``log`` whose tree holds leaf ``leaf_index``; one signed now (for
    ``reason``) when none does yet. Conflict, saying why, when it must sign and the register has no
    usable key: the person asking can do nothing about it, the administrator can."""
    latest = checkpoints.latest_checkpoint(log)
    if latest is not None and latest.tree_size > leaf_index:
        return latest
    try:
        signed = checkpoints.sign_checkpoint(log=log, reason=reason)
    except ImproperlyConfigured as error:
        logger.error("No checkpoint could be signed for a proof: %s", error)
        raise Conflict(
            "No signed checkpoint covers this change yet, and the register cannot sign one now: its signing key "
            "is missing or unusable. Ask the register's administrator (docs/signing-key.md); the history's "
            "hash chain still covers the change."
        ) from error
    if signed is None or signed.tree_size <= leaf_index:
        raise NotFound(f"The {log} log has no entry {leaf_index} to prove.")
    return signed


def history_entry(link: HistoryLink, row: models.Model) -> dict[str, Any]:
    """A history row as a proof shows it: each salted field's canonical value with its salt, and for a
    value erased under a retention rule the digest kept in its place. The leaf hashes exactly this."""
    erased = link.erased or {}
    by_attname = fields_by_attname(type(row))
    fields: dict[str, Any] = {
        name: {"value": canonical_value(by_attname[name], getattr(row, name)), "salt": salt}
        for name, salt in (link.salts or {}).items()
        if name not in erased
    }
    fields.update({name: {"digest": digest} for name, digest in erased.items()})
    return {"table": link.table, "id": link.row_id, "fields": fields}


def inclusion_proof(*, link: HistoryLink, row: models.Model, person: Person) -> dict[str, Any]:
    """The inclusion proof of one history row (``row``, linked by ``link``) in the history's tree, against
    the latest checkpoint that covers it or, when none does yet, one signed now on ``person``'s demand.
    NotFound for a row linked before the tree began: the hash chain covers it, no proof can."""
    try:
        leaf_index = tree.history_leaf_index(link.position)
    except ValueError:
        leaf_index = None
    if leaf_index is None or link.salts is None:
        raise NotFound(
            "This change was recorded before the register began signing its history, so there is no proof "
            "of it to download: the history's hash chain covers it (verify_history)."
        )
    checkpoint = checkpoint_covering(leaf_index, reason=f"on demand by {person} for a proof")
    path = tree.inclusion_proof(HISTORY, leaf_index, checkpoint.tree_size)
    return {
        "format": transparency.INCLUSION_FORMAT,
        "checkpoint": checkpoint.note,
        "leaf_index": leaf_index,
        "tree_size": checkpoint.tree_size,
        "path": [value.hex() for value in path],
        "position": link.position,
        "entry": history_entry(link, row),
    }


def consistency_proof(*, log: str, old_size: int, new_size: int) -> dict[str, Any]:
    """The proof that the log's checkpoint at ``new_size`` entries extends the one at ``old_size``
    unchanged; NotFound naming the size with no checkpoint, RuleViolation when ``old_size`` is larger."""
    if log not in TransparencyLog.values:
        raise NotFound(f"There is no log {log!r}: the logs are {', '.join(TransparencyLog.values)}.")
    if old_size > new_size:
        raise RuleViolation(
            f"from ({old_size}) must not be larger than to ({new_size}): a log only grows.", field="from"
        )
    found = {}
    for name, size in (("from", old_size), ("to", new_size)):
        found[name] = Checkpoint.objects.filter(log=log, tree_size=size).order_by("-signed_at").first()
        if found[name] is None:
            raise NotFound(f"The {log} log has no checkpoint at {size} entries (parameter {name}).")
    return {
        "format": transparency.CONSISTENCY_FORMAT,
        "old_checkpoint": found["from"].note,
        "new_checkpoint": found["to"].note,
        "path": [value.hex() for value in tree.consistency_proof(log, old_size, new_size)],
    }
