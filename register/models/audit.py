"""The audit history's own records: nothing is deleted (C3), and history rows are hash-chained (C4).

``Undeletable`` is the base of every register record: deleting one, or a queryset of them, is
refused. ``HistoryLink`` is the hash chain over every django-simple-history row, written by
``register.services.audit`` in the transaction that writes the row; ``HistoryFieldSet`` remembers
which columns a history table had when its rows were hashed, so that adding a field later does not
change what older rows hash to.
"""

from django.apps import apps
from django.db import models
from simple_history.models import HistoricalChanges

from register.errors import RuleViolation

DELETION_REFUSED = (
    "Records in the register are never deleted (C3): withdraw, cancel, refuse, end or expire them "
    "instead, so that their history stays whole."
)


def history_models() -> list[type[models.Model]]:
    """Every history table django-simple-history keeps, present and future, in table order."""
    found = [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]
    return sorted(found, key=lambda model: model._meta.db_table)


def refuse_deletion():
    raise RuleViolation(DELETION_REFUSED, rule="C3")


class UndeletableQuerySet(models.QuerySet):
    """A queryset whose ``delete()`` is refused (C3)."""

    def delete(self):
        refuse_deletion()

    delete.alters_data = True
    delete.queryset_only = True


class Undeletable(models.Model):
    """Base of every register record: ``delete()`` on the record or a queryset of them is refused (C3)."""

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, using=None, keep_parents=False):
        refuse_deletion()

    delete.alters_data = True


class HistoryLink(Undeletable):
    """One link of the hash chain: one history row, its content hash and the chain hash up to it.

    ``chain_hash`` = SHA-256 of (position, the previous link's chain_hash, row_hash), so the chain
    hash at any position commits to every history row written before it. Not itself tracked by
    django-simple-history: the chain is the evidence about the history, not a record of the register.
    """

    position = models.PositiveBigIntegerField(primary_key=True, help_text="1, 2, 3 ... with no gaps.")
    table = models.CharField(max_length=128, help_text="The history table the row is in.")
    row_id = models.CharField(max_length=64, help_text="The history row's primary key.")
    field_set = models.CharField(max_length=16, help_text="Digest of the columns hashed (a HistoryFieldSet).")
    row_hash = models.CharField(
        max_length=64,
        help_text="Before the tree's start: SHA-256 of the row's content. After it: the row's Merkle leaf hash "
        "(RFC 6962), which commits to each field through a salted digest.",
    )
    chain_hash = models.CharField(max_length=64)
    # Copied from the history row when the link is written, so that the audit timeline can filter
    # by person and date on this one table. Outside the hashes: the history row's own copies are
    # hashed (row_hash); a copy edited here would mis-file a row in a filter, never change what
    # the chain proves. The date never goes back along the chain: it is the row's own date, or the
    # link before's if that is later (by the moments a writer waits for the chain's lock).
    history_date = models.DateTimeField(
        null=True, help_text="When the change was made (the history row's date; never earlier than the link before's)."
    )
    history_user = models.ForeignKey(
        "register.Person",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        help_text="Who made the change (copied from the history row). No constraint: checking it would slow every write.",
    )
    # After the tree's start (HistoryTreeStart), each field of the row is committed to through
    # SHA-256 over (name, salt, value): a random salt per field per row, kept here beside the row,
    # so that a value erased under a retention rule (with its salt) leaves the leaf, every proof and
    # every checkpoint verifiable. Before the start: null (those rows hash their values directly).
    salts = models.JSONField(
        null=True, blank=True, help_text="Field name -> random salt (hex), after the tree's start."
    )
    erased = models.JSONField(
        null=True,
        blank=True,
        help_text="Field name -> the field's digest, for values erased under a retention rule (value and salt gone).",
    )

    class Meta:
        ordering = ["position"]
        # Each index serves one filter of the audit timeline, read newest first by position
        # (keyset pagination). Every history write pays for each, so there are only these.
        indexes = [
            models.Index(fields=["table", "position"], name="register_link_table_pos"),
            models.Index(fields=["history_user", "position"], name="register_link_user_pos"),
            models.Index(fields=["history_date", "position"], name="register_link_date_pos"),
        ]

    def __str__(self):
        return f"#{self.position} {self.table} {self.row_id}"


class HistoryFieldSet(Undeletable):
    """The columns of a history table whose values a link's row hash covers, named by a digest.

    Recorded after every ``migrate`` for every history table, so that a row hashed before a field
    was added is still checked against exactly the columns it had.
    """

    digest = models.CharField(max_length=16, primary_key=True)
    table = models.CharField(max_length=128)
    fields = models.TextField(help_text="Column names, comma-separated, sorted.")

    def __str__(self):
        return f"{self.table}: {self.fields}"


class HistoryTreeStart(Undeletable):
    """Where the Merkle tree over the history begins (issue 20): its leaf 0, which commits to the head
    of the chain as it stood then, so that every row linked before it is covered by the tree too.

    Leaf ``i`` (``i >= 1``) is the link at position ``position + i``. One row, written by the migration
    that introduced the tree.
    """

    position = models.PositiveBigIntegerField(
        primary_key=True, help_text="The chain's head position when the tree began (0 on a new register)."
    )
    chain_hash = models.CharField(max_length=64, help_text="The chain hash at that position.")
    started_at = models.DateTimeField()

    def __str__(self):
        return f"tree from position {self.position}"


class TransparencyLog(models.TextChoices):
    """The logs the register keeps a Merkle tree over and signs checkpoints of."""

    HISTORY = "history", "History"
    ACCESS = "access", "Access log"


class MerkleNode(Undeletable):
    """One complete node of a log's Merkle tree above the leaves (level >= 1): the RFC 6962 hash of
    leaves ``[index * 2**level, (index + 1) * 2**level)``. Written once, when the tree is extended
    past it; never changed. Leaf hashes themselves stay on their own rows."""

    pk = models.CompositePrimaryKey("log", "level", "index")
    log = models.CharField(max_length=16, choices=TransparencyLog.choices)
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    def __str__(self):
        return f"{self.log} node {self.level}/{self.index}"


class Checkpoint(Undeletable):
    """A signed statement of a log's size and root hash (C2SP tlog-checkpoint in a signed note).

    Kept, published on the public register, and the day's last e-mailed to the Monitoring Officer and
    the auditors. The signing key is never in the database; the verifier key that checks the note is,
    so that a checkpoint signed before a key rotation stays checkable.
    """

    log = models.CharField(max_length=16, choices=TransparencyLog.choices)
    tree_size = models.PositiveBigIntegerField()
    root_hash = models.CharField(max_length=64, help_text="The root hash, hexadecimal.")
    note = models.TextField(help_text="The signed note, exactly as published.")
    key_name = models.CharField(max_length=200)
    verifier_key = models.CharField(max_length=300, help_text="The public key, in signed-note verifier key form.")
    signed_at = models.DateTimeField()
    reason = models.CharField(max_length=200, help_text="Why it was signed: hourly, on demand by whom, key rotated.")

    class Meta:
        ordering = ["log", "tree_size", "signed_at"]
        indexes = [models.Index(fields=["log", "signed_at"], name="register_checkpoint_log_at")]

    def __str__(self):
        return f"{self.log} checkpoint {self.tree_size} at {self.signed_at:%Y-%m-%d %H:%M}"


class AccessLogEntry(Undeletable):
    """Who opened a sensitive record (a relationship declaration, a concern, a complaint), when, and
    through which page or endpoint (issue 20). Append-only, with its own position and Merkle tree, apart
    from the history chain's lock, so that reads never queue behind writes.

    ``position`` is given by the database in the statement that writes the entry (1, 2, 3 ... with no
    gaps); ``leaf_hash`` commits to every field but the position through salted digests, as history
    leaves do, so that a person's name can later be erased without breaking a checkpoint.
    """

    id = models.UUIDField(primary_key=True, editable=False)
    position = models.PositiveBigIntegerField(unique=True)
    read_at = models.DateTimeField()
    reader = models.ForeignKey(
        "register.Person", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    record_kind = models.CharField(max_length=32, help_text="declaration, concern or complaint")
    record_id = models.CharField(max_length=64)
    via = models.CharField(max_length=200, help_text="The page or endpoint, e.g. 'page declaration-detail'.")
    salts = models.JSONField()
    # For a value erased under the retention schedule (issue 21): field name -> its digest, kept in place
    # of the value and its salt so that the leaf still hashes to what checkpoints signed.
    erased = models.JSONField(null=True, blank=True)
    leaf_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["position"]
        indexes = [
            models.Index(fields=["record_kind", "record_id", "position"], name="register_access_record"),
            models.Index(fields=["reader", "position"], name="register_access_reader"),
            models.Index(fields=["read_at", "position"], name="register_access_read_at"),
        ]

    def __str__(self):
        return f"#{self.position} {self.record_kind} {self.record_id}"


# Tables written by INSERT only: the database refuses UPDATE and DELETE of them (with every history
# table) to all but the maintenance role, and the application's role holds no right to do either.
APPEND_ONLY_MODELS = (HistoryLink, HistoryFieldSet, HistoryTreeStart, MerkleNode, Checkpoint, AccessLogEntry)
