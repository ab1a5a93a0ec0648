"""The subject access pages' forms (issue 21): choosing the person, and why an export is produced."""

from django import forms

from register.forms_declarations import RegisterForm
from register.models import Person


class ChoosePersonForm(RegisterForm):
    """The Monitoring Officer or the Data Protection Officer chooses whose data to export."""

    submit_label = "Continue"

    person = forms.ModelChoiceField(
        label="Whose data?",
        help_text="Everyone the register holds: councillors, officers and Independent Persons, current and past.",
        queryset=Person.objects.none(),
        error_messages={
            "required": "Choose the person who asked",
            "invalid_choice": "The register holds no such person: choose one from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"
        self.fields["person"].queryset = Person.objects.exclude(kind=Person.Kind.SYSTEM).order_by(
            "last_name", "first_name", "username"
        )


class ExportForm(RegisterForm):
    """Why the export is produced: kept in its history, so that auditors see who exported whose data."""

    submit_label = "Download the ZIP"

    reason = forms.CharField(
        label="Which request does this answer?",
        help_text="For example: subject access request received 3 March 2026, reference DP-114. "
        "It is kept in the register's history with the export.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say which subject access request this export answers"},
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page's own buttons submit the form: one for the ZIP, one for the PDF.
        self.helper.form_tag = False
        self.helper.inputs = []
