"""Serializers for the retention schedule, legal holds and disposal runs (issue 21)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import compiled
from api.serializers_declarations import Text
from register import retention
from register.models import DisposalItem, DisposalRun, LegalHold

KIND_KEYS = [kind.key for kind in retention.KINDS]


class ErasableSerializer(compiled.Serializer):
    model = serializers.CharField()
    via = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())


class RetentionPeriodSerializer(compiled.Serializer):
    """One kind of record's period in force, its minimum, what is erased and what stays."""

    record_kind = serializers.CharField(source="kind.key")
    label = serializers.CharField(source="kind.label")
    months = serializers.IntegerField()
    period = serializers.CharField(source="text")
    is_default = serializers.BooleanField()
    default_months = serializers.IntegerField(source="kind.default_months")
    minimum_months = serializers.IntegerField(source="kind.minimum_months")
    minimum_basis = serializers.CharField(source="kind.minimum_basis")
    ends = serializers.CharField(source="kind.ends")
    erased = ErasableSerializer(source="kind.erasable", many=True)
    kept = serializers.CharField(source="kind.kept")
    set_by = serializers.SerializerMethodField()
    set_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_set_by(self, period) -> str | None:
        return str(period.rule.set_by) if period.rule else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_set_at(self, period) -> str | None:
        return period.rule.set_at.isoformat() if period.rule else None


class RetentionPeriodChangeSerializer(compiled.Serializer):
    months = serializers.IntegerField(min_value=0, max_value=1200)
    reason = Text(max_length=1000)


class LegalHoldSerializer(compiled.ModelSerializer):
    placed_by = serializers.CharField(read_only=True)
    released_by = serializers.CharField(read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True)
    release_reason = serializers.CharField(read_only=True)

    class Meta:
        model = LegalHold
        fields = [
            "id",
            "record_kind",
            "record_id",
            "reason",
            "state",
            "placed_by",
            "placed_at",
            "released_by",
            "released_at",
            "release_reason",
        ]


class LegalHoldCreateSerializer(compiled.Serializer):
    record_kind = serializers.ChoiceField(choices=KIND_KEYS)
    record_id = Text(max_length=64)
    reason = Text(max_length=1000)


class RetentionReasonSerializer(compiled.Serializer):
    reason = Text(max_length=1000)


class DisposalRunSerializer(compiled.ModelSerializer):
    proposed_by = serializers.CharField(read_only=True, allow_null=True)
    decided_by = serializers.CharField(read_only=True, allow_null=True)
    decision_reason = serializers.CharField(read_only=True)
    due = serializers.IntegerField(source="due_count", read_only=True)
    held = serializers.IntegerField(source="held_count", read_only=True)
    erased = serializers.IntegerField(source="erased_count", read_only=True)

    class Meta:
        model = DisposalRun
        fields = [
            "id",
            "as_of",
            "state",
            "proposed_at",
            "proposed_by",
            "decided_by",
            "decided_at",
            "decision_reason",
            "finished_at",
            "due",
            "held",
            "erased",
        ]


class DisposalItemSerializer(compiled.ModelSerializer):
    held_because = serializers.CharField(read_only=True)

    class Meta:
        model = DisposalItem
        fields = ["record_kind", "record_id", "ended_on", "due_on", "months", "outcome", "held_because", "erased_at"]


class DisposalRunDetailSerializer(DisposalRunSerializer):
    items = serializers.SerializerMethodField()

    class Meta(DisposalRunSerializer.Meta):
        fields = [*DisposalRunSerializer.Meta.fields, "items"]

    def get_items(self, run) -> list[dict]:
        return DisposalItemSerializer(self.context["items"], many=True).data


class ProposeSerializer(compiled.Serializer):
    as_of = serializers.DateField(required=False)
