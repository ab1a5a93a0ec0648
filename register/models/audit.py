"""The audit history's own records: nothing is deleted (C3), and history rows are hash-chained (C4).

``Undeletable`` is the base of every register record: deleting one, or a queryset of them, is
refused. ``HistoryLink`` is the hash chain over every django-simple-history row, written by
``register.services.audit`` in the transaction that writes the row; ``HistoryFieldSet`` remembers
which columns a history table had when its rows were hashed, so that adding a field later does not
change what older rows hash to.
"""
from django.db import models

from register.errors import RuleViolation

DELETION_REFUSED = (
    "Records in the register are never deleted (C3): withdraw, cancel, refuse, end or expire them "
    "instead, so that their history stays whole."
)


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

    # The only index is the primary key: every write pays for each index, and the chain is read whole.
    position = models.PositiveBigIntegerField(primary_key=True, help_text="1, 2, 3 ... with no gaps.")
    table = models.CharField(max_length=128, help_text="The history table the row is in.")
    row_id = models.CharField(max_length=64, help_text="The history row's primary key.")
    field_set = models.CharField(max_length=16, help_text="Digest of the columns hashed (a HistoryFieldSet).")
    row_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["position"]

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
