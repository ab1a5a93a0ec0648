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
    row_hash = models.CharField(max_length=64)
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
