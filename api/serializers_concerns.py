"""Serializers for concerns under the protocol (D1-D3, D6).

The output reads only what ``register.selectors.concerns`` loaded; what the caller may see of a
concern is the policies' (``sees_who_raised_concern``, ``sees_concern_handling``): ``raised_by`` is
left out for the person concerned when the raiser asked not to be named, and ``handling`` for the
person concerned altogether. Input serializers describe the request; the services judge it.
"""

from rest_framework import serializers

from api import compiled
from api.actions import ActionsField, caller_standing
from api.serializers_declarations import BIGINT_MAX, PersonRefField, Text
from register import policies, workflow
from register.models import Concern
from register.models.conduct import LONGEST_ACCOUNT


class HandlingSerializer(compiled.Serializer):
    """Who handles a concern and where its handling stands: not shown to the person it concerns."""

    handler = PersonRefField()
    handler_capacity = serializers.CharField()
    acknowledge_due_on = serializers.DateField()
    outcome_due_on = serializers.DateField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    concerned_person_told_at = serializers.DateTimeField(allow_null=True)
    raised_with = serializers.CharField(allow_blank=True)
    referred_to = serializers.CharField(allow_blank=True)


class ConcernSerializer(compiled.Serializer):
    """A concern as the caller may see it."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=Concern.Kind.choices)
    kind_text = serializers.CharField(source="get_kind_display")
    rule = serializers.ChoiceField(choices=[(rule, rule) for rule in ("D1", "D2", "D3", "D6")])
    protocol = serializers.ChoiceField(choices=[("redress", "redress"), ("complaints", "complaints")])
    state = serializers.ChoiceField(choices=Concern.State.choices)
    state_text = serializers.CharField(source="get_state_display")
    raised_at = serializers.DateTimeField()
    raised_by = PersonRefField(
        required=False,
        help_text="Left out for the person concerned when the raiser asked not to be named (the handler always knows).",
    )
    raiser_withheld = serializers.BooleanField()
    concerned_person = PersonRefField(allow_null=True)
    what_happened = serializers.CharField()
    happened_on = serializers.DateField()
    briefing = serializers.IntegerField(source="briefing_id", allow_null=True)
    declaration = serializers.IntegerField(source="declaration_id", allow_null=True)
    attendance_record = serializers.IntegerField(
        source="attendance_record_id", allow_null=True, help_text="D6: the officer's report after the briefing."
    )
    handling = HandlingSerializer(source="*", required=False, help_text="Left out for the person concerned.")
    outcome = serializers.ChoiceField(choices=[("", "None yet"), *Concern.Outcome.choices], allow_blank=True)
    outcome_detail = serializers.CharField(allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    actions = ActionsField(workflow.CONCERN)

    def to_representation(self, concern):
        data = super().to_representation(concern)
        standing = caller_standing(self.context)
        if standing is None or not policies.sees_who_raised_concern(standing, concern):
            data.pop("raised_by", None)
        if standing is None or not policies.sees_concern_handling(standing, concern):
            data.pop("handling", None)
        return data


class RaiseConcernSerializer(compiled.Serializer):
    information = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A councillor's difficulty obtaining information (D3); the person concerned is then optional.",
    )
    concerned_person = serializers.IntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        allow_null=True,
        default=None,
        help_text="Whom it is about: an officer for a councillor (D1), a councillor for an officer (D2).",
    )
    what_happened = Text(
        max_length=LONGEST_ACCOUNT, help_text=f"What happened, in {LONGEST_ACCOUNT:,} characters or fewer."
    )
    happened_on = serializers.DateField(help_text="When it happened: not in the future.")
    briefing = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, required=False, allow_null=True, default=None
    )
    declaration = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, required=False, allow_null=True, default=None
    )
    raiser_withheld = serializers.BooleanField(
        required=False, default=False, help_text="Do not tell the person concerned who raised it."
    )
    handler = serializers.IntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        allow_null=True,
        default=None,
        help_text="Where the protocol offers a choice (a councillor's concern about an officer under 002: the "
        "line manager or the Chief Officer), the person chosen among those offered.",
    )


class NoteSerializer(compiled.Serializer):
    reason = Text(max_length=LONGEST_ACCOUNT, required=False, help_text="Why, or how: a note kept in the history.")

    def validate(self, attrs):
        return {"reason": "", **attrs}


class RaisedWithSerializer(compiled.Serializer):
    raised_with = Text(max_length=1000, help_text="The member, their group leader, or both (D2).")


class ReferOnSerializer(compiled.Serializer):
    referred_to = Text(max_length=1000, help_text="To whom the concern is referred.")


class CloseConcernSerializer(compiled.Serializer):
    outcome = serializers.ChoiceField(choices=Concern.Outcome.choices)
    outcome_detail = Text(max_length=LONGEST_ACCOUNT, required=False)

    def validate(self, attrs):
        return {"outcome_detail": "", **attrs}
