"""Where people already look (issue 22): calendar feeds and corrections to the published register.

Neither is ever deleted (C3): a feed's token is reset, a correction is followed by another.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from register.models.history import HistoricalRecords

from .attendance import AttendanceRequest
from .audit import Undeletable


class CalendarFeed(Undeletable):
    """The secret token in a person's calendar feed addresses (RFC 5545 subscriptions).

    As with API tokens, only the token's SHA-256 digest is stored; the address is shown once, when
    the token is made. Resetting it ends this row (``reset_at``) and makes another, so the old
    addresses stop working at once. A feed shows only what its owner may see on the day it is read.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds")
    # The first characters of the token, shown on the page so a person can tell which address is live.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, hex.")
    created_at = models.DateTimeField()
    last_read_at = models.DateTimeField(null=True, blank=True)
    reset_at = models.DateTimeField(null=True, blank=True)
    reset_because = models.CharField(max_length=200, blank=True)

    # The digest is kept out of the history: the history is exported to auditors.
    history = HistoricalRecords(excluded_fields=["digest", "last_read_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(reset_at__isnull=True), name="one_live_calendar_feed"
            ),
        ]

    def __str__(self):
        return f"Calendar feed {self.prefix}… of {self.person}"


class PublicEntryCorrection(Undeletable):
    """A correction to one entry of the published register (A8), made by the Chief Executive's office
    with a reason that the entry and the Atom feed show ("corrected", as the UK Parliament's register
    marks rectified entries). The latest correction of an entry gives its date and subject; the
    briefing's own record is unchanged, and its history says what it was."""

    request = models.ForeignKey(AttendanceRequest, on_delete=models.PROTECT, related_name="public_corrections")
    date = models.DateField(help_text="The date the entry shows from this correction on.")
    subject = models.CharField(max_length=300, help_text="The subject the entry shows from this correction on.")
    reason = models.TextField(help_text="Published with the entry: what was wrong, in words for the public.")
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-corrected_at", "-id"]
        indexes = [models.Index(fields=["request", "corrected_at"], name="public_correction_latest")]

    def __str__(self):
        return f"Correction of the published entry for request {self.request_id}"
