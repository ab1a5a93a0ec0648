"""Serializers for the e-mail notices that did not arrive, and sending one again (Democratic Services)."""

from rest_framework import serializers

from api import compiled
from api.actions import ActionsField
from api.serializers_declarations import Text
from register import workflow
from register.models import Notification, Person


class UndeliveredRecipientSerializer(compiled.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "email"]


class UndeliveredNoticeSerializer(compiled.ModelSerializer):
    """An e-mail notice that did not arrive: to whom, what, how far it got, and what the service said."""

    recipient = UndeliveredRecipientSerializer(
        help_text="Whose record to correct (their address) before sending again."
    )
    reference = serializers.CharField(read_only=True, help_text="The latest send's reference, as GOV.UK Notify has it.")
    delivery_status = serializers.ChoiceField(
        source="status", choices=Notification.Status.choices, help_text="Where the latest send is in the outbox."
    )
    actions = ActionsField(workflow.NOTICE)

    class Meta:
        model = Notification
        fields = [
            "id",
            "recipient",
            "kind",
            "subject",
            "created_at",
            "delivery_status",
            "attempts",
            "sends",
            "reference",
            "last_error",
            "sent_via",
            "receipt",
            "receipt_at",
            "actions",
        ]


class SendAgainSerializer(compiled.Serializer):
    reason = Text(
        max_length=1000,
        allow_blank=True,
        help_text="Why it is sent again (for example, the address was corrected); required, kept in the history.",
    )
