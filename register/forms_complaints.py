"""Forms for the Code of Conduct complaint pages (D4), in the GOV.UK Design System (crispy-forms-gds).

Each form only collects what was typed; the services decide. Field names are the services' own, so
that a refusal naming a field (RuleViolation(field=...)) lands on that field.
"""

from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Layout
from django import forms

from register.forms_declarations import DateField, PersonChoiceField, RegisterForm
from register.models.conduct import LONGEST_ACCOUNT, Complaint

BOROUGH, LOCAL = "borough", "local"


def _limit(what: str, limit: int) -> dict:
    return {"max_length": f"{what} must be {limit:,} characters or fewer"}


def _account(label: str, what: str, *, required: bool = False, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=LONGEST_ACCOUNT,
        help_text=help_text,
        error_messages={"required": f"Enter {what[0].lower() + what[1:]}", **_limit(what, LONGEST_ACCOUNT)},
    )


class ComplaintForm(RegisterForm):
    """Record a Code of Conduct complaint (D4): the case, the councillor, the complainant and the nature."""

    submit_label = "Record the complaint"

    reference = forms.CharField(
        label="Case reference",
        max_length=20,
        help_text="A number, with a letter for a sub-case. For example, 1325 or 1325a.",
        error_messages={"required": "Enter the case reference", **_limit("The case reference", 20)},
    )
    reported_with = forms.CharField(
        label="Reported with another case (optional)",
        required=False,
        max_length=20,
        help_text="For linked cases reported together, the reference of the first of the set. For example, 1452.",
        error_messages=_limit("The linked case reference", 20),
    )
    received_on = DateField(
        what="the complaint was received", label="When was the complaint received?", help_text="For example, 27 3 2026"
    )
    council = forms.ChoiceField(
        label="Which council is the councillor a member of?",
        widget=forms.RadioSelect,
        choices=[(BOROUGH, "This council"), (LOCAL, "A parish or town council in the area")],
        error_messages={"required": "Choose which council the councillor is a member of"},
    )
    member = PersonChoiceField(
        label="Which councillor is the complaint about?",
        queryset=Complaint.objects.none(),
        required=False,
        empty_label="Choose a councillor",
        error_messages={"invalid_choice": "Choose a councillor from the list"},
    )
    local_council = forms.ModelChoiceField(
        label="Which parish or town council?",
        queryset=Complaint.objects.none(),
        required=False,
        empty_label="Choose a council",
        error_messages={"invalid_choice": "Choose a council from the list"},
    )
    councillor_name = forms.CharField(
        label="The councillor's name",
        required=False,
        max_length=200,
        error_messages=_limit("The councillor's name", 200),
    )
    complainant_type = forms.ChoiceField(
        label="Who made the complaint?",
        widget=forms.RadioSelect,
        choices=Complaint.ComplainantType.choices,
        error_messages={"required": "Choose who made the complaint"},
    )
    complainant_name = forms.CharField(
        label="The complainant's name",
        max_length=200,
        help_text="Only the Monitoring Officer sees the complainant's name and contact details.",
        error_messages={"required": "Enter the complainant's name", **_limit("The complainant's name", 200)},
    )
    complainant_contact = forms.CharField(
        label="The complainant's contact details (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="An address, e-mail address or telephone number.",
        error_messages=_limit("The contact details", 1000),
    )
    nature_kind = forms.ChoiceField(
        label="What kind of conduct is it about?",
        choices=[("", "Choose a kind of conduct"), *Complaint.NatureKind.choices],
        help_text="For a complaint not accepted under the Code, this is all the Standards Committee's report shows.",
        error_messages={"required": "Choose what kind of conduct the complaint is about"},
    )
    nature = forms.CharField(
        label="The nature of the complaint",
        max_length=300,
        help_text="In a sentence, as the Standards Committee will read it. Name nobody.",
        error_messages={"required": "Enter the nature of the complaint", **_limit("The nature of the complaint", 300)},
    )
    details = _account(
        "Details (optional)",
        "The details of the complaint",
        help_text="What the complainant says happened, in up to 5,000 characters.",
        rows=8,
    )

    def __init__(self, *args, councillors, local_councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = councillors
        self.fields["local_council"].queryset = local_councils
        self.helper.layout = Layout(
            "reference",
            "reported_with",
            "received_on",
            ConditionalRadios(
                "council",
                ConditionalQuestion("This council", "member"),
                ConditionalQuestion("A parish or town council in the area", "local_council", "councillor_name"),
            ),
            "complainant_type",
            "complainant_name",
            "complainant_contact",
            "nature_kind",
            "nature",
            "details",
        )

    def clean(self):
        cleaned = super().clean()
        # Without JavaScript every question shows; only the chosen council's answers count.
        if cleaned.get("council") == BOROUGH:
            cleaned["local_council"], cleaned["councillor_name"] = None, ""
            if not cleaned.get("member") and "member" not in self.errors:
                self.add_error("member", "Choose the councillor the complaint is about")
        elif cleaned.get("council") == LOCAL:
            cleaned["member"] = None
            if not cleaned.get("local_council") and "local_council" not in self.errors:
                self.add_error("local_council", "Choose the parish or town council")
        return cleaned

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("council", None)
        return data


class ConsultForm(RegisterForm):
    """Ask an Independent Person for their view (D4)."""

    submit_label = "Ask for their view"

    independent_person = PersonChoiceField(
        label="Which Independent Person?",
        queryset=Complaint.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the Independent Person to consult",
            "invalid_choice": "Choose one of the Independent Persons in post",
        },
    )
    question = _account(
        "What would you like their view on? (optional)", "The question", help_text="They see the complaint too."
    )

    def __init__(self, *args, independent_persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["independent_person"].queryset = independent_persons


class ViewForm(RegisterForm):
    """The Independent Person's view (D4)."""

    submit_label = "Give your view"

    view = _account(
        "Your view",
        "Your view",
        required=True,
        help_text="The Monitoring Officer, their deputy and auditors read it; the councillor and the complainant do not.",
        rows=8,
    )


class DecisionForm(RegisterForm):
    """The Monitoring Officer's decision and its date (D4)."""

    submit_label = "Record the decision"

    decision = forms.ChoiceField(
        label="What is the decision?",
        widget=forms.RadioSelect,
        choices=Complaint.Decision.choices,
        error_messages={"required": "Choose the decision"},
    )
    decision_reason = _account(
        "The reason",
        "The reason",
        help_text="Required for a complaint not accepted under the Code, for example 'not acting in an official "
        "capacity'.",
    )
    decided_on = DateField(what="of the decision", label="Date of the decision", help_text="For example, 27 3 2026")


class ActionsForm(RegisterForm):
    """Training or education needs identified and actions outstanding (D5)."""

    submit_label = "Save"

    training_needs = _account(
        "Training or education needs identified",
        "The training needs",
        help_text="For the Standards Committee's report. Name nobody.",
    )
    actions_outstanding = _account(
        "Actions outstanding", "The actions outstanding", help_text="Clear this when the actions are done."
    )


class WithdrawalForm(RegisterForm):
    """Recording that the complainant withdrew the complaint."""

    submit_label = "Record the withdrawal"

    reason = forms.CharField(
        label="How was it withdrawn?",
        max_length=300,
        help_text="For example, 'Withdrawn by the complainant by e-mail on 3 March'. Recorded in the history.",
        error_messages={"required": "Say how the complaint was withdrawn", **_limit("The reason", 300)},
    )
