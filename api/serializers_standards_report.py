"""The Standards Committee report's figures (D5), as JSON: what the page and the PDF show, no name."""

from rest_framework import serializers

from api import compiled
from api.serializers_attendance import ParityRowSerializer


class FigureSerializer(compiled.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField()
    record_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="The records behind the figure that the caller may open."
    )


class CaseRowSerializer(compiled.Serializer):
    """One row of Appendix A: a complaint, or linked complaints reported together."""

    case_ref = serializers.CharField(help_text="'1325a', or linked cases: '1452, 1453 & 1454'.")
    complaint_ids = serializers.ListField(child=serializers.IntegerField())
    references = serializers.ListField(child=serializers.CharField())
    received_on = serializers.DateField()
    council = serializers.CharField(help_text="This council, or the parish or town council.")
    complainant = serializers.CharField(help_text="The kind of complainant, never their name.")
    nature = serializers.CharField(
        help_text="The nature; for a complaint not accepted under the Code only its brief kind (D5)."
    )
    independent_persons_consulted = serializers.BooleanField()
    decision = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    withdrawn = serializers.BooleanField()
    received_in_period = serializers.BooleanField()


class CaseNoteSerializer(compiled.Serializer):
    case_ref = serializers.CharField()
    text = serializers.CharField()


class DeclarationRowSerializer(compiled.Serializer):
    kind_of_post = serializers.CharField()
    made = serializers.IntegerField()
    reviewed = serializers.IntegerField()
    awaiting_reconfirmation = serializers.IntegerField()
    reconfirmation_overdue = serializers.IntegerField()


class StandardsReportSerializer(compiled.Serializer):
    """The Monitoring Officer's report to the Standards Committee for a period (D5)."""

    start = serializers.DateField()
    end = serializers.DateField()
    as_of = serializers.DateField(help_text="The day overdue items and re-confirmations are counted on.")
    council = serializers.CharField()
    complaints_received = serializers.IntegerField()
    complaints_recorded_to_date = serializers.IntegerField()
    cases = CaseRowSerializer(many=True)
    training_needs = CaseNoteSerializer(many=True)
    actions_outstanding = CaseNoteSerializer(many=True)
    concerns_raised = serializers.IntegerField()
    concerns_by_kind = FigureSerializer(many=True)
    concerns_by_stage = FigureSerializer(many=True)
    briefings_made = serializers.IntegerField()
    equivalents_taken_up = serializers.IntegerField()
    briefings = ParityRowSerializer(many=True)
    declarations = DeclarationRowSerializer(many=True)
    overdue = FigureSerializer(many=True)
