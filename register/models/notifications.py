"""The outbox: every notice the register sends, written in the transaction that caused it."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from register.models.history import HistoricalRecords

from .audit import Undeletable
from .people import Person


class Notification(Undeletable):
    """One notice to one person on one channel.

    Its idempotency key is (cause, recipient, kind, channel), held unique by the database, so that
    the same cause can never notify the same person of the same thing twice.

    Status moves as ``register.workflow.NOTICE`` allows: an in-app notice is written sent, in the
    transaction of the change that caused it (one written pending before issue 22 goes straight
    from pending to sent when its task runs); an e-mail is ``sending``
    between the commit that claims an attempt and the commit that records the mail server's answer,
    so an attempt that died part-way is visible, counted, and taken over.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        IN_APP = "in-app", "In the register"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Service(models.TextChoices):
        """Which service an e-mail was handed to (settings.NOTICE_EMAIL_SERVICE)."""

        SMTP = "smtp", "The council's mail server"
        NOTIFY = "notify", "GOV.UK Notify"

    class Receipt(models.TextChoices):
        """GOV.UK Notify's delivery statuses for an e-mail, as its callback reports them."""

        DELIVERED = "delivered", "Delivered to the inbox"
        PERMANENT_FAILURE = "permanent-failure", "The address does not exist or cannot take e-mail"
        TEMPORARY_FAILURE = "temporary-failure", "The inbox was full or out of reach; Notify gave up"
        TECHNICAL_FAILURE = "technical-failure", "GOV.UK Notify could not send it"

    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=64, help_text="Which notice this is; names its templates.")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    cause = models.CharField(
        max_length=128, help_text="The change that caused it, e.g. 'attendance-request:12:approved'."
    )
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    about_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    link_path = models.CharField(
        max_length=300,
        blank=True,
        help_text="The page where the reader acts on it (register/notice_links.py); empty on notices written before links.",
    )
    link_label = models.CharField(max_length=100, blank=True, help_text="The words of that link.")
    actor = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person whose action caused the notice; empty when the register itself did.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(
        default=timezone.now,
        help_text="When it is due to be tried (again). The sweep re-queues it if still pending or sending a few minutes later.",
    )
    not_queued_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When handing it to the broker failed (it was down at commit); the sweep re-queues it at its "
        "next run once the broker is back, and clears this.",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    # Which service took an e-mail (NOTICE_EMAIL_SERVICE when it was sent), and what that service
    # later said of it. GOV.UK Notify sends a delivery receipt to its callback; it keeps its own
    # statuses for 7 days only, so the register keeps the receipt here for as long as the notice.
    sent_via = models.CharField(max_length=16, choices=Service.choices, blank=True)
    provider_id = models.CharField(
        max_length=64, blank=True, help_text="The service's own id for the message (GOV.UK Notify's notification id)."
    )
    receipt = models.CharField(max_length=32, choices=Receipt.choices, blank=True)
    receipt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the service says the receipt's status was reached."
    )
    # Which send of the e-mail this is: 1, then 2 and so on each time it is sent again (by Democratic
    # Services, or by the register after Notify's technical failure). Each send has its own reference,
    # so that Notify's duplicate check and its receipts tell the sends apart.
    sends = models.PositiveIntegerField(
        default=1, help_text="Which send this is: each time it is sent again, the next (its reference says it)."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cause", "recipient", "kind", "channel"], name="notification_idempotency_key"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notification_status_created"),
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
            models.Index(fields=["provider_id"], name="notification_provider_id"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.recipient}: {self.subject}"

    @property
    def reference(self) -> str:
        """The notice's own reference for its latest send, sent with it to GOV.UK Notify and given back in
        its receipts: ``notice-<id>`` for the first send, ``notice-<id>-<send>`` for each one after."""
        return f"notice-{self.pk}" if self.sends <= 1 else f"notice-{self.pk}-{self.sends}"
