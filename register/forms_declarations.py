"""Forms for the declaration pages (B1-B7), in the GOV.UK Design System (crispy-forms-gds).

Each form only collects what the person typed; the services decide. Field names are the
services' own, so that a refusal naming a field (RuleViolation(field=...)) lands on that field.
"""

import datetime

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from register.errors import in_words
from register.forms import GovukFormMixin
from register.models import Declaration, Person


class DateField(DateInputField):
    """The design system's date input (day, month, year), with errors in plain words."""

    def __init__(self, *, what: str, **kwargs):
        super().__init__(**kwargs)
        self.what = what
        self.error_messages["required"] = f"Enter the date {what}"
        self.error_messages["incomplete"] = f"Enter the day, month and year {what}"
        for part, name in zip(self.fields, ("day", "month", "year")):
            part.validators[0].message = f"The {name} must be a number"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return datetime.date(day=int(day), month=int(month), year=int(year))
        except ValueError:
            raise ValidationError(f"The date {self.what} must be a real date, for example 27 3 2024") from None


class RegisterForm(GovukFormMixin, forms.Form):
    """A form whose questions with several answers (radios, dates) have small legends, checked
    by the server only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.legend_size = Size.SMALL
        # The design system validates on the server, so that every error reads the same way and
        # appears in the error summary; the browser's own pop-ups would pre-empt that.
        self.helper.attrs = {"novalidate": ""}

    def refuse(self, error) -> None:
        """Show a domain error from a service on the field it names, or above the form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, in_words(error))


def _kind_choices():
    hints = {
        Declaration.Kind.FRIENDSHIP: "Closer than acquaintances or colleagues, with some social contact outside work.",
        Declaration.Kind.FAMILY: "Including by marriage or civil partnership.",
        Declaration.Kind.BUSINESS: "For example a shared business, a tenancy or a loan.",
    }
    return [Choice(value, label, hint=hints.get(value, "")) for value, label in Declaration.Kind.choices]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return person.name


class DeclarationForm(RegisterForm):
    """Declare a relationship (B1). The other person comes from the other side of the protocol:
    officers for a councillor, councillors for an officer."""

    submit_label = "Declare the relationship"

    other_person = PersonChoiceField(
        queryset=Person.objects.none(),
        empty_label="Choose a person",
        error_messages={
            "required": "Choose the person you have the relationship with",
            "invalid_choice": "Choose a person from the list",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of relationship is it?",
        widget=forms.RadioSelect,
        choices=_kind_choices,
        error_messages={"required": "Choose the kind of relationship"},
    )
    family_relation = forms.CharField(
        label="How are you related?",
        required=False,
        max_length=100,
        help_text="For example, sister or cousin.",
        error_messages={"max_length": "Say how you are related in 100 characters or fewer"},
    )
    began_on = DateField(
        what="the relationship began",
        label="When did the relationship begin?",
        help_text="An approximate date will do. For example, 27 3 2019",
    )
    description = forms.CharField(
        label="Describe the relationship",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="A few words: how you know each other and how often you meet. Only you, your reviewer, the "
        "Monitoring Officer and auditors see this.",
        error_messages={
            "required": "Describe the relationship in a few words",
            "max_length": "Describe the relationship in 5,000 characters or fewer",
        },
    )
    reviewer = PersonChoiceField(
        label="Who should review it?",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="Your Assistant Director or Director, to discuss appropriate action (B4).",
        error_messages={"invalid_choice": "Choose one of the reviewers offered"},
    )

    def __init__(self, *args, declarant: Person, other_people, routes, **kwargs):
        super().__init__(*args, **kwargs)
        other_side = "officer" if declarant.is_member else "councillor"
        field = self.fields["other_person"]
        field.queryset = other_people
        field.label = f"Which {other_side} is it?"
        if len(routes) > 1:
            reviewers = self.fields["reviewer"]
            reviewers.queryset = Person.objects.filter(pk__in=[route.person.pk for route in routes])
            capacity = {route.person.pk: route.capacity for route in routes}
            reviewers.label_from_instance = lambda person: f"{person.name} ({capacity[person.pk]})"
            reviewers.initial = routes[0].person.pk
        else:
            # One reviewer (always so for a councillor: the Monitoring Officer, B3): nothing to choose.
            del self.fields["reviewer"]
        # "How are you related?" is revealed by the answer "Family" (govuk-radios__conditional).
        self.helper.layout = Layout(
            *(
                ConditionalRadios(name, *_kind_choices_revealing("family_relation")) if name == "kind" else name
                for name in self.fields
                if name != "family_relation"
            )
        )

    def clean(self):
        cleaned = super().clean()
        # Without JavaScript the question shows; it counts only for a family relationship.
        if cleaned.get("kind") != Declaration.Kind.FAMILY:
            self.errors.pop("family_relation", None)
            cleaned["family_relation"] = ""
        return cleaned


def _kind_choices_revealing(field: str) -> list:
    return [
        ConditionalQuestion(label, field) if value == Declaration.Kind.FAMILY else label
        for value, label in Declaration.Kind.choices
    ]


class ReviewForm(RegisterForm):
    """The reviewer's advice and the action agreed (B3, B4, B5)."""

    submit_label = "Record advice and action"

    advice = forms.CharField(
        label="Your advice to the declarant",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text="The declarant sees this; the other person never does.",
        error_messages={"required": "Record your advice to the declarant"},
    )
    action_agreed = forms.ChoiceField(
        label="What action is agreed?",
        widget=forms.RadioSelect,
        choices=Declaration.Action.choices,
        error_messages={"required": "Choose the action agreed, or 'No action needed'"},
    )
    action_detail = forms.CharField(
        label="For 'other action' only: the action in a few words",
        required=False,
        max_length=300,
        error_messages={"max_length": "Describe the action in 300 characters or fewer"},
    )


class EndForm(RegisterForm):
    submit_label = "Record that it ended"

    ended_on = DateField(
        what="the relationship ended",
        label="When did the relationship end?",
        help_text="For example, 27 3 2026",
    )


class WithdrawForm(RegisterForm):
    """Withdrawing a declaration made in error asks for nothing but the decision."""

    submit_label = "Withdraw the declaration"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.inputs[0].field_classes = "govuk-button govuk-button--warning"


class ConfirmationForm(RegisterForm):
    """The periodic re-confirmation (B6): declarations current, or nothing to declare."""

    CURRENT, NOTHING = "current", "nothing"
    submit_label = "Send my confirmation"

    answer = forms.ChoiceField(
        label="Which is true today?",
        widget=forms.RadioSelect,
        choices=[
            Choice(
                CURRENT,
                "My declarations in this register are current and complete",
                hint="Every friendship or closer relationship I have with a councillor or officer is declared.",
            ),
            Choice(
                NOTHING,
                "I have nothing to declare",
                hint="I have no friendship or closer relationship with anyone on the other side.",
            ),
        ],
        error_messages={"required": "Choose whether your declarations are current or you have nothing to declare"},
    )

    def refuse(self, error) -> None:
        # The service names its own field "nothing_to_declare": here that is the answer given.
        field = "answer" if error.field == "nothing_to_declare" else error.field
        self.add_error(field if field in self.fields else None, in_words(error))
