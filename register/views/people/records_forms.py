"""The forms of Democratic Services' pages for people, groups, directorates and posts (issue 17), in the
GOV.UK Design System. Each only collects what was typed; the services decide, and a refusal naming a
field (``RuleViolation(field=...)``) lands on it: field names are the services' own."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Layout
from django import forms

from register.forms_declarations import DateField, RegisterForm
from register.models import Person

REASON_HELP = "Recorded in the history, with your name."


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Reason for the change")
        kwargs.setdefault("help_text", REASON_HELP)
        super().__init__(max_length=300, error_messages={"required": "Give a reason for the change"}, **kwargs)


class NamedChoiceField(forms.ModelChoiceField):
    """A choice of people or organizations by name."""

    def label_from_instance(self, obj):
        return str(obj)


class SearchForm(forms.Form):
    """The list of people's search and filters (a GET form)."""

    q = forms.CharField(label="Name or e-mail", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[
            ("", "Everyone"),
            ("elected", "Elected members"),
            ("co-opted", "Co-opted members"),
            ("officer", "Officers"),
            ("independent", "Independent Persons"),
        ],
    )
    status = forms.ChoiceField(
        label="Current or left",
        required=False,
        choices=[("current", "Current"), ("left", "Left"), ("all", "Current and left")],
    )


KINDS = [
    Choice("elected", "Elected member (councillor)"),
    Choice("co-opted", "Co-opted member"),
    Choice("officer", "Officer"),
    Choice(
        "independent",
        "Independent Person",
        hint="Appointed by the council to be consulted on Code of Conduct complaints; neither a councillor nor an "
        "officer. They hold the council's Independent Person post from the date below.",
    ),
]


OFFICER_QUESTIONS = ("organization_directorate", "post_label", "politically_restricted", "reports_to")


class PersonAddForm(RegisterForm):
    """Add a member or an officer: their details, their group or directorate, an officer's post and
    line manager, and the date it all starts from."""

    submit_label = "Add the person"

    first_name = forms.CharField(
        label="Given name", max_length=150, error_messages={"required": "Enter the given name"}
    )
    last_name = forms.CharField(
        label="Family name", max_length=150, error_messages={"required": "Enter the family name"}
    )
    email = forms.EmailField(
        label="E-mail address",
        help_text="Their sign-in name is made from it.",
        error_messages={
            "required": "Enter the e-mail address",
            "invalid": "Enter an e-mail address like name@council.gov.uk",
        },
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=KINDS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether they are an elected member, a co-opted member, an officer or an Independent Person"
        },
    )
    organization_group = NamedChoiceField(
        queryset=None,
        required=False,
        label="Political group (members)",
        empty_label="None",
        help_text="For members: the group they belong to.",
    )
    organization_directorate = NamedChoiceField(
        queryset=None,
        required=False,
        label="Directorate (officers)",
        empty_label="None",
        help_text="For officers: the directorate they work in.",
    )
    post_label = forms.CharField(
        label="Post (officers, optional)",
        max_length=200,
        required=False,
        help_text="For example, Head of Planning. A new post in their directorate, held from the start date.",
    )
    politically_restricted = forms.BooleanField(
        label="The post is politically restricted (Local Government and Housing Act 1989)", required=False
    )
    reports_to = NamedChoiceField(
        queryset=None,
        required=False,
        label="Line manager (officers, optional)",
        empty_label="Nobody recorded",
    )
    start_date = DateField(what="they start", label="From", help_text="For example, 27 3 2026")
    reason = ReasonField(label="Reason")

    def __init__(self, *args, groups, directorates, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization_group"].queryset = groups
        self.fields["organization_directorate"].queryset = directorates
        self.fields["reports_to"].queryset = officers
        # A councillor's group is asked of an elected member, an officer's place of an officer: each
        # revealed by its answer (govuk-radios__conditional); a co-opted member is in no group.
        self.helper.layout = Layout(
            "first_name",
            "last_name",
            "email",
            ConditionalRadios(
                "kind",
                ConditionalQuestion(KINDS[0].label, "organization_group"),
                KINDS[1].label,
                ConditionalQuestion(
                    KINDS[2].label, "organization_directorate", "post_label", "politically_restricted", "reports_to"
                ),
                KINDS[3].label,
            ),
            "start_date",
            "reason",
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        # Without JavaScript every question shows: what was typed in one the answer does not reveal
        # is neither checked nor kept.
        unasked = {
            "elected": OFFICER_QUESTIONS,
            "co-opted": ("organization_group", *OFFICER_QUESTIONS),
            "officer": ("organization_group",),
            "independent": ("organization_group", "organization_directorate", *OFFICER_QUESTIONS),
        }.get(kind, ())
        for name in unasked:
            self.errors.pop(name, None)
            data[name] = False if name == "politically_restricted" else None
        if data.get("post_label") and not data.get("organization_directorate"):
            self.add_error("organization_directorate", "Choose the directorate the post belongs to")
        return data

    def refuse(self, error) -> None:
        field = {
            "member_type": "kind",
            "username": "email",
            "organization": "organization_directorate"
            if self.cleaned_data.get("kind") == "officer"
            else "organization_group",
            "label": "post_label",
            "person": None,
            "post": "post_label",
            "end_date": "start_date",
        }.get(error.field, error.field)
        super().refuse(type(error)(error.message, field=field, rule=getattr(error, "rule", None)))


class PersonChangeForm(RegisterForm):
    """Change a person's details; carries the version of the record it was drawn from."""

    submit_label = "Save the changes"

    first_name = forms.CharField(
        label="Given name", max_length=150, error_messages={"required": "Enter the given name"}
    )
    last_name = forms.CharField(
        label="Family name", max_length=150, error_messages={"required": "Enter the family name"}
    )
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        error_messages={"invalid": "Enter an e-mail address like name@council.gov.uk"},
    )
    member_type = forms.ChoiceField(
        label="Member type",
        choices=Person.MemberType.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    reports_to = NamedChoiceField(queryset=None, required=False, label="Line manager", empty_label="Nobody recorded")
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = ReasonField()

    def __init__(self, *args, person: Person, officers, **kwargs):
        super().__init__(*args, **kwargs)
        if person.is_member:
            del self.fields["reports_to"]
            self.fields["member_type"].required = True
            self.fields["member_type"].error_messages["required"] = "Choose whether they are elected or co-opted"
        elif not person.is_officer:  # an Independent Person has neither a member type nor a line manager
            del self.fields["reports_to"], self.fields["member_type"]
        else:
            del self.fields["member_type"]
            self.fields["reports_to"].queryset = officers

    def changes(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("first_name", "last_name", "email", "member_type", "reports_to")
            if name in self.fields
        }


class OrganizationForm(RegisterForm):
    """A group's or a directorate's name (and a group's place in the administration)."""

    submit_label = "Save"

    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the name"})
    is_administration = forms.TypedChoiceField(
        label="Administration or opposition",
        choices=[Choice("yes", "Administration"), Choice("no", "Opposition")],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        error_messages={"required": "Choose administration or opposition"},
    )
    reason = ReasonField()

    def __init__(self, *args, party: bool, submit_label: str = "Save", **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)
        if not party:
            del self.fields["is_administration"]


class LeaderForm(RegisterForm):
    """Who leads (or deputy-leads) a group from a date."""

    submit_label = "Set"

    person = NamedChoiceField(
        queryset=None,
        label="Member",
        empty_label="Choose a member of the group",
        error_messages={"required": "Choose a member of the group"},
    )
    start_date = DateField(what="they take the post", label="From", help_text="For example, 20 5 2026")
    reason = ReasonField()

    def __init__(self, *args, members, what: str, **kwargs):
        self.submit_label = f"Set the {what}"
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members
        self.fields["person"].label = f"Who is the {what}?"


class EndHoldingForm(RegisterForm):
    """The last day of a membership or a post holding."""

    submit_label = "End it"

    end_date = DateField(what="it ends", label="Last day", help_text="Inclusive: the whole of that day")
    reason = ReasonField()


class LocalCouncilForm(RegisterForm):
    """A parish or town council in the area (D4): its name and which it is."""

    submit_label = "Save"

    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the name"})
    classification = forms.ChoiceField(
        label="Parish or town council",
        choices=[Choice("parish", "Parish council"), Choice("town", "Town council")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose parish council or town council"},
    )
    reason = ReasonField()

    def __init__(self, *args, submit_label: str = "Save", **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)
