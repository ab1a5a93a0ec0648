"""Serializers for Code of Conduct complaints (D4).

The output serializer reads only what the selectors loaded, and leaves out what the caller may not
read (DOMAIN.md, "Who sees what"): the complainant's name and contact unless the caller is the
Monitoring Officer; the handling (complainant, consultations, training needs and actions, who recorded
and decided it) for the member complained about. Input serializers describe the request; every rule
is the services'.
"""

from django.conf import settings
from rest_framework import serializers

from api import compiled
from api.actions import ActionsField, caller_standing
from api.serializers_declarations import BIGINT_MAX, PersonRefField, Text
from register import policies, workflow
from register.models.conduct import LONGEST_ACCOUNT, Complaint, Consultation

HANDLING = (
    "state",
    "state_text",
    "complainant_type",
    "complainant_type_text",
    "consultations",
    "training_needs",
    "actions_outstanding",
    "recorded_by",
    "recorded_at",
    "decided_by",
)
CONTACT = ("complainant_name", "complainant_contact")


def _limit(what: str, limit: int) -> dict:
    return {"max_length": f"{what} must be {limit:,} characters or fewer."}


class ConsultationSerializer(compiled.Serializer):
    """An Independent Person's consultation on a complaint, and their view once given (D4)."""

    id = serializers.IntegerField()
    independent_person = PersonRefField()
    asked_by = PersonRefField()
    asked_at = serializers.DateTimeField()
    question = serializers.CharField(allow_blank=True)
    state = serializers.ChoiceField(choices=Consultation.State.choices)
    view = serializers.CharField(allow_blank=True, help_text="Empty until given.")
    given_at = serializers.DateTimeField(allow_null=True)


class LocalCouncilSerializer(compiled.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ComplaintSerializer(compiled.Serializer):
    """A complaint as the caller may read it. Fields marked 'not always present' are left out for callers
    who may not read them."""

    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="The case reference: a number, with a letter for a sub-case (1325a).")
    linked_to = serializers.CharField(
        source="reported_with.reference",
        allow_null=True,
        required=False,
        help_text="The first of a set of linked cases reported together, if this is one of them. Not always present.",
    )
    received_on = serializers.DateField()
    council = serializers.SerializerMethodField(help_text="This council, or the parish or town council.")
    local_council = LocalCouncilSerializer(allow_null=True, help_text="The parish or town council; null for this one.")
    councillor = serializers.CharField(help_text="The councillor complained about, by name.")
    member = PersonRefField(
        allow_null=True, help_text="The borough councillor complained about; null for a parish one."
    )
    nature_kind = serializers.ChoiceField(choices=Complaint.NatureKind.choices)
    nature = serializers.CharField()
    details = serializers.CharField(allow_blank=True)
    complainant_type = serializers.ChoiceField(
        choices=Complaint.ComplainantType.choices, required=False, help_text="Not always present."
    )
    complainant_type_text = serializers.CharField(source="get_complainant_type_display", required=False)
    complainant_name = serializers.CharField(required=False, help_text="The Monitoring Officer's alone.")
    complainant_contact = serializers.CharField(
        allow_blank=True, required=False, help_text="The Monitoring Officer's alone."
    )
    state = serializers.ChoiceField(choices=Complaint.State.choices, required=False, help_text="Not always present.")
    state_text = serializers.CharField(source="get_state_display", required=False)
    consultations = ConsultationSerializer(many=True, required=False, help_text="Not always present.")
    decision = serializers.ChoiceField(
        choices=Complaint.Decision.choices, allow_blank=True, help_text="Empty until decided."
    )
    decision_text = serializers.CharField(source="get_decision_display", allow_blank=True)
    decision_reason = serializers.CharField(allow_blank=True)
    decided_on = serializers.DateField(allow_null=True)
    decided_by = PersonRefField(allow_null=True, required=False)
    training_needs = serializers.CharField(allow_blank=True, required=False)
    actions_outstanding = serializers.CharField(allow_blank=True, required=False)
    member_told_at = serializers.DateTimeField(allow_null=True)
    recorded_by = PersonRefField(required=False)
    recorded_at = serializers.DateTimeField(required=False)
    actions = ActionsField(workflow.COMPLAINT)

    def get_council(self, complaint) -> str:
        return complaint.local_council.name if complaint.local_council_id else settings.COUNCIL_NAME

    def to_representation(self, complaint):
        data = super().to_representation(complaint)
        standing = caller_standing(self.context)
        if standing is None or not policies.sees_complaint_handling(standing, complaint):
            for name in HANDLING:
                data.pop(name, None)
        if standing is None or not policies.oversees_complaints(standing):
            # Linked cases are named only to those who see every complaint (an Independent Person may
            # not be consulted on the others, whose existence the register does not reveal).
            data.pop("linked_to", None)
        if standing is None or not policies.sees_complainant_contact(standing, complaint):
            for name in CONTACT:
                data.pop(name, None)
        return data


class ComplaintCreateSerializer(compiled.Serializer):
    """Record a complaint (D4): about a borough councillor (``member``) or a parish or town councillor
    (``local_council`` and ``councillor_name``)."""

    reference = Text(max_length=20, help_text="A number, with a letter for a sub-case: 1325a.")
    reported_with = Text(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="For linked cases reported together: the reference of the first of the set.",
    )
    received_on = serializers.DateField(help_text="Not in the future.")
    member = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, required=False, allow_null=True, help_text="A councillor of this council."
    )
    local_council = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, required=False, allow_null=True, help_text="A parish or town council."
    )
    councillor_name = Text(
        max_length=200, required=False, allow_blank=True, help_text="The parish or town councillor's name."
    )
    complainant_type = serializers.ChoiceField(choices=Complaint.ComplainantType.choices)
    complainant_name = Text(max_length=200, error_messages=_limit("The complainant's name", 200))
    complainant_contact = Text(
        max_length=1000, required=False, allow_blank=True, error_messages=_limit("The contact details", 1000)
    )
    nature_kind = serializers.ChoiceField(choices=Complaint.NatureKind.choices)
    nature = Text(max_length=300, error_messages=_limit("The nature of the complaint", 300))
    details = Text(
        max_length=LONGEST_ACCOUNT,
        required=False,
        allow_blank=True,
        error_messages=_limit("The details of the complaint", LONGEST_ACCOUNT),
    )


class ConsultSerializer(compiled.Serializer):
    independent_person = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, help_text="Someone holding the council's Independent Person post today."
    )
    question = Text(max_length=LONGEST_ACCOUNT, required=False, allow_blank=True)


class ViewSerializer(compiled.Serializer):
    view = Text(max_length=LONGEST_ACCOUNT, error_messages=_limit("Your view", LONGEST_ACCOUNT))


class DecideSerializer(compiled.Serializer):
    decision = serializers.ChoiceField(choices=Complaint.Decision.choices)
    decision_reason = Text(
        max_length=LONGEST_ACCOUNT,
        required=False,
        allow_blank=True,
        help_text="Required for a complaint not accepted under the Code.",
    )
    decided_on = serializers.DateField(help_text="Not in the future, not before the complaint was received.")


class ActionsSerializer(compiled.Serializer):
    training_needs = Text(max_length=LONGEST_ACCOUNT, required=False, allow_blank=True)
    actions_outstanding = Text(
        max_length=LONGEST_ACCOUNT, required=False, allow_blank=True, help_text="Empty when the actions are done."
    )


class WithdrawSerializer(compiled.Serializer):
    reason = Text(max_length=300, help_text="How the complainant withdrew it; recorded in the history.")
