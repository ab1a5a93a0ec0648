"""Serializers for relationship declarations (B1-B7) and their re-confirmation.

Output serializers read only what the selectors already loaded; input serializers describe the
request exactly, and leave every rule of the protocol to the services (which refuse with the
field or rule named).
"""

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import compiled
from api.actions import ActionsField
from register import workflow
from register.models import Declaration, Person

BIGINT_MAX = 2**63 - 1


class PersonRefSerializer(compiled.Serializer):
    """A person, as a declaration names them."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Person.Kind.choices)


@extend_schema_field(PersonRefSerializer)
class PersonRefField(serializers.Field):
    """A person as ``PersonRefSerializer`` shows them, without a nested serializer's work for each
    row: lists name several people on every row (A1, B7), and this is most of their cost."""

    def to_representation(self, person):
        return {"id": person.pk, "name": person.name, "kind": person.kind}


@extend_schema_field({"type": "string", "enum": ["full"]})
class FullView(serializers.Field):
    """Tells the full record from the other person's narrow view in the detail's answer."""

    def to_representation(self, value):
        return "full"

    def get_attribute(self, instance):
        return instance


@extend_schema_field({"type": "string", "enum": ["named"]})
class NamedView(FullView):
    def to_representation(self, value):
        return "named"


class DeclarationSerializer(compiled.Serializer):
    """A declaration in full: for its declarant, its reviewer, the Monitoring Officer and auditors."""

    id = serializers.IntegerField()
    view = FullView(help_text="Always 'full': the whole record.")
    declarant = PersonRefField()
    other_person = PersonRefField()
    kind = serializers.ChoiceField(choices=Declaration.Kind.choices)
    kind_text = serializers.CharField()
    family_relation = serializers.CharField(allow_blank=True)
    began_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    description = serializers.CharField()
    state = serializers.ChoiceField(choices=Declaration.State.choices)
    state_text = serializers.CharField(source="get_state_display")
    declared_at = serializers.DateTimeField()
    reviewer = PersonRefField()
    reviewer_capacity = serializers.CharField()
    reviewed_by = PersonRefField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    advice = serializers.CharField(allow_blank=True, help_text="Empty until reviewed. Never shown to the other person.")
    action_agreed = serializers.ChoiceField(
        choices=[("", "Not yet reviewed"), *Declaration.Action.choices], allow_blank=True
    )
    action_text = serializers.CharField()
    action_detail = serializers.CharField(allow_blank=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    counterpart = serializers.IntegerField(
        source="counterpart_id",
        allow_null=True,
        help_text="The other person's own declaration of the same relationship, once they have made it.",
    )
    actions = ActionsField(workflow.DECLARATION)


class NamedDeclarationSerializer(compiled.Serializer):
    """What the other person sees of a declaration naming them: who, what kind, whether it stands."""

    id = serializers.IntegerField()
    view = NamedView(help_text="Always 'named': the narrow view of the person the declaration names.")
    declarant = PersonRefField()
    kind = serializers.ChoiceField(choices=Declaration.Kind.choices)
    kind_text = serializers.CharField()
    declared_on = serializers.DateField()
    state = serializers.ChoiceField(choices=[("current", "Current"), ("ended", "Ended"), ("withdrawn", "Withdrawn")])
    state_text = serializers.CharField()
    your_declaration = serializers.IntegerField(
        source="your_declaration_id",
        allow_null=True,
        help_text="Your own declaration of this relationship, linked to it, if you have made one.",
    )


class Text(serializers.CharField):
    """Free text in a request. Whitespace is kept for the service to judge (it refuses an empty
    answer naming the field); a NUL character, which no text holds, is refused here, and the
    schema says so (the pattern)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(r"^[^\x00]*$", message="Text cannot contain NUL characters."))


class DeclareSerializer(compiled.Serializer):
    other_person = serializers.IntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        help_text="The person on the other side: an officer for a councillor, a councillor for an officer.",
    )
    kind = serializers.ChoiceField(choices=Declaration.Kind.choices)
    # Left out means none, and the service is given "" (validate). No `default=""` here: the schema would
    # then offer a default that its own minLength refuses (an invalid OpenAPI document), while "" sent
    # explicitly stays refused as blank.
    family_relation = Text(
        max_length=100,
        required=False,
        help_text="For a family relationship only: how you are related, e.g. 'sister'. Leave it out otherwise.",
    )
    began_on = serializers.DateField(help_text="When the relationship began; an approximate date will do.")
    description = Text(max_length=5000, help_text="What the relationship is, in a few words.")
    reviewer = serializers.IntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        allow_null=True,
        default=None,
        help_text="An officer may choose their Assistant Director or Director among those offered (B4).",
    )

    def validate(self, attrs):
        return {"family_relation": "", **attrs}


class ReviewSerializer(compiled.Serializer):
    advice = Text(max_length=10000, help_text="Your advice to the declarant.")
    action_agreed = serializers.ChoiceField(choices=Declaration.Action.choices)
    # Left out means none (validate), as DeclareSerializer's family_relation.
    action_detail = Text(
        max_length=300,
        required=False,
        help_text="The action in a few words, for 'other' only. Leave it out otherwise.",
    )

    def validate(self, attrs):
        return {"action_detail": "", **attrs}


class EndSerializer(compiled.Serializer):
    ended_on = serializers.DateField(help_text="When the relationship ended: not before it began, not in the future.")


class ConfirmationStatusSerializer(compiled.Serializer):
    """Where the caller stands with their periodic re-confirmation (B6)."""

    last_confirmed_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(help_text="The last day to confirm.")
    overdue = serializers.BooleanField()
    due_soon = serializers.BooleanField(help_text="Due within the reminder window, or overdue.")
    open_declarations = serializers.IntegerField()


class ConfirmationSerializer(compiled.Serializer):
    id = serializers.IntegerField()
    confirmed_on = serializers.DateField()
    nothing_to_declare = serializers.BooleanField()
    open_declarations = serializers.IntegerField()
    next_due_on = serializers.DateField()


class OutstandingConfirmationSerializer(compiled.Serializer):
    """Someone who has not re-confirmed by their due date."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Person.Kind.choices)
    last_confirmed_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField()
