"""Subject access (issue 21, UK GDPR Article 15): each time the Monitoring Officer or the Data Protection
Officer produced everything the register holds about one person, kept with its history so that auditors
see who exported whose data, when, in what form and why. Nothing here is deleted."""

from django.db import models

from register.models.history import HistoricalRecords

from .audit import Undeletable
from .people import Person


class SubjectAccessExport(Undeletable):
    """One export of one person's data, as a ZIP (JSON and a readable HTML) or as a PDF."""

    class Form(models.TextChoices):
        ZIP = "zip", "ZIP of JSON files and a readable HTML document"
        PDF = "pdf", "Readable PDF document"

    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="subject_access_exports")
    asked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    asked_by_capacity = models.CharField(max_length=200, help_text="The post in which they produced it.")
    reason = models.TextField(help_text="Why: the request it answers, e.g. 'Subject access request of 3 March'.")
    form = models.CharField(max_length=8, choices=Form.choices)
    via = models.CharField(max_length=200, help_text="The page or endpoint it was produced through.")
    produced_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-produced_at", "-id"]
        indexes = [models.Index(fields=["subject", "produced_at"], name="subject_access_subject")]

    def __str__(self):
        return f"Subject access export for {self.subject} by {self.asked_by}"
