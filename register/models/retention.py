"""Retention and disposal (issue 21): the periods the Monitoring Officer has set, legal holds, and the
monthly disposal runs that erase personal fields once a record's period is over.

The schedule itself (kinds, default periods, minimums, which fields are erased) is data in
``register/retention.py``; a ``RetentionRule`` row exists only for a kind whose period has been set.
Nothing here is deleted: a hold is released, a run is approved, run, or rejected.
"""

from django.db import models

from register import retention
from register.models.history import HistoricalRecords

from .audit import Undeletable
from .people import Person

KIND_CHOICES = [(kind.key, kind.label) for kind in retention.KINDS]


class RetentionRule(Undeletable):
    """The period in force for one kind of record, as the Monitoring Officer set it (never below the
    schedule's minimum: ``retention.period_problem``)."""

    record_kind = models.CharField(max_length=32, choices=KIND_CHOICES, unique=True)
    months = models.PositiveSmallIntegerField(help_text="How long a record is kept after it ends, in months.")
    set_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["record_kind"]

    def __str__(self):
        return f"{self.record_kind}: {retention.period_text(self.months)}"


class LegalHold(Undeletable):
    """A record that must not be erased, whatever its period, until the hold is released (litigation,
    an investigation, an information request under way)."""

    class State(models.TextChoices):
        ACTIVE = "active", "In force"
        RELEASED = "released", "Released"

    record_kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    record_id = models.CharField(max_length=64)
    reason = models.TextField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    placed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["record_kind", "record_id", "state"], name="register_hold_record")]

    def __str__(self):
        return f"Hold on {self.record_kind} {self.record_id} ({self.state})"


class DisposalRun(Undeletable):
    """One run of the retention schedule: what was due on a day, listed, approved by the Monitoring
    Officer, then erased. Nothing is erased without the approval."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Awaiting approval"
        APPROVED = "approved", "Approved, erasing"
        DONE = "done", "Done"
        REJECTED = "rejected", "Rejected"

    as_of = models.DateField(help_text="Records whose period was over by this day are listed.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    proposed_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Empty when scheduled."
    )
    decided_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-id"]

    def __str__(self):
        return f"Disposal run of {self.as_of} ({self.state})"


class DisposalItem(Undeletable):
    """One record listed by a disposal run: due and erased, or held back and why."""

    class Outcome(models.TextChoices):
        DUE = "due", "Due for erasure"
        HELD = "held", "Held back"
        ERASED = "erased", "Erased"

    run = models.ForeignKey(DisposalRun, on_delete=models.PROTECT, related_name="items")
    record_kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    record_id = models.CharField(max_length=64)
    ended_on = models.DateField()
    due_on = models.DateField()
    months = models.PositiveSmallIntegerField(help_text="The period in force when the run listed it.")
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.DUE)
    held_because = models.CharField(max_length=300, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["run", "record_kind", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "record_kind", "record_id"], name="one_disposal_item_per_record")
        ]

    def __str__(self):
        return f"{self.record_kind} {self.record_id}: {self.outcome}"
