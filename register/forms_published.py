"""The filters of the published register of officer attendance (A8), one form for the page, the
CSV, the JSON and the Atom feed, so that a filter means the same and is refused in the same words
everywhere; and the form on which the Chief Executive's office corrects an entry.

The filters are plain query parameters: ``group`` and ``directorate`` (organisation ids, as the
page's selects give them), ``start`` and ``end`` (ISO dates, YYYY-MM-DD, inclusive) and ``page``.
"""

from django import forms

from register.forms import GovukFormMixin
from register.models import Organization


class PublishedRegisterFilter(forms.Form):
    group = forms.ModelChoiceField(
        queryset=Organization.objects.filter(classification=Organization.Classification.PARTY).order_by("name"),
        required=False,
        empty_label="All groups",
        error_messages={"invalid_choice": "Choose a political group from the list, or all groups"},
    )
    directorate = forms.ModelChoiceField(
        queryset=Organization.objects.filter(classification=Organization.Classification.DIRECTORATE).order_by("name"),
        required=False,
        empty_label="All directorates",
        error_messages={"invalid_choice": "Choose a directorate from the list, or all directorates"},
    )
    start = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the first date as a real date, for example 2027-03-01"},
    )
    end = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the last date as a real date, for example 2027-03-31"},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={"invalid": "The page must be a whole number", "min_value": "The page must be 1 or more"},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The last date must be the same as or after the first date")
        return cleaned

    @property
    def filters(self) -> dict:
        """The selector's arguments (``published_briefings``), once the form is valid."""
        return {name: self.cleaned_data.get(name) for name in ("group", "directorate", "start", "end")}

    def error_list(self) -> list[tuple[str, str]]:
        """(field, message) pairs, for the page's error summary and the data's 400 answers."""
        return [(name, message) for name, messages in self.errors.items() for message in messages]


class PublishedEntryCorrectionForm(GovukFormMixin, forms.Form):
    """What the Chief Executive's office corrects on a published entry: its date and subject, with
    a reason that is published beside the entry."""

    submit_label = "Publish the correction"

    date = forms.DateField(
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date of the briefing, as the register should show it.",
        error_messages={"required": "Enter the date", "invalid": "Enter a real date, for example 2027-03-05"},
    )
    subject = forms.CharField(
        max_length=300,
        help_text="The subject matter, as the register should show it.",
        error_messages={"required": "Enter the subject"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for the correction (this is published)",
        help_text=(
            "Published with the entry and in the Atom feed for anyone to read, for example "
            "\u201cThe date was entered wrongly\u201d. Say nothing that the group discussed."
        ),
        error_messages={"required": "Enter the reason for the correction"},
    )
