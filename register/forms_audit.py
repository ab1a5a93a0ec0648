"""The audit timeline's filters (C2), in the GOV.UK Design System: a GET form, so that a filtered
timeline has an address that can be shared, paged and exported."""

from django import forms
from django.core.exceptions import ValidationError

from register.forms_declarations import DateField, RegisterForm
from register.models import Person
from register.selectors.access_log import AccessLogFilter
from register.selectors.audit import TimelineFilter, record_types


class OptionalDateField(DateField):
    """A date that may be left out; one given in part is an error naming what is missing."""

    def compress(self, data_list):
        parts = list(data_list or [])
        if not any(parts):
            return None
        if not all(parts):
            raise ValidationError(self.error_messages["incomplete"])
        return super().compress(parts)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.name} ({person.username})"


class TimelineFilterForm(RegisterForm):
    submit_label = "Filter the timeline"

    record_type = forms.ChoiceField(label="Kind of record", required=False)
    record_id = forms.IntegerField(
        label="Record number",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="With a kind of record: only the changes to that one record",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the record number in figures, like 12",
            "min_value": "Enter a record number of 1 or more",
            "max_value": "There is no record of that number",
        },
    )
    person = PersonChoiceField(label="Changed by", required=False, queryset=Person.objects.none(), empty_label="Anyone")
    since = OptionalDateField(what="to start from", label="From", required=False, help_text="For example, 1 4 2026")
    until = OptionalDateField(
        what="to end on", label="To", required=False, help_text="Inclusive: the whole of that day"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"
        self.fields["record_type"].choices = [("", "Any kind")] + [(t.slug, t.label) for t in record_types()]
        self.fields["person"].queryset = Person.objects.order_by("last_name", "first_name", "pk")

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if data.get("record_id") is not None and not data.get("record_type"):
            raise ValidationError({"record_type": "Choose the kind of record the record number is of"})
        if since and until and until < since:
            raise ValidationError({"until": "The date to end on must be the same as or after the date to start from"})
        return data

    def selection(self) -> TimelineFilter:
        data = self.cleaned_data
        person = data.get("person")
        return TimelineFilter(
            record_type=data.get("record_type") or None,
            record_id=data.get("record_id"),
            person=person.pk if person else None,
            since=data.get("since"),
            until=data.get("until"),
        )


class AccessLogFilterForm(RegisterForm):
    """The access log's filters (issue 20): who read, what kind of record, which record, and dates."""

    submit_label = "Filter the access log"

    reader = PersonChoiceField(label="Read by", required=False, queryset=Person.objects.none(), empty_label="Anyone")
    record_kind = forms.ChoiceField(
        label="Kind of record",
        required=False,
        choices=[("", "Any kind"), ("declaration", "Declaration"), ("concern", "Concern"), ("complaint", "Complaint")],
    )
    record_id = forms.IntegerField(
        label="Record number",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The declaration's, concern's or complaint's number in the register, like 12",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the record number in figures, like 12",
            "min_value": "Enter a record number of 1 or more",
            "max_value": "There is no record of that number",
        },
    )
    since = OptionalDateField(what="to start from", label="From", required=False, help_text="For example, 1 4 2026")
    until = OptionalDateField(
        what="to end on", label="To", required=False, help_text="Inclusive: the whole of that day"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"
        self.fields["reader"].queryset = Person.objects.order_by("last_name", "first_name", "pk")

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            raise ValidationError({"until": "The date to end on must be the same as or after the date to start from"})
        return data

    def selection(self) -> AccessLogFilter:
        data = self.cleaned_data
        reader = data.get("reader")
        return AccessLogFilter(
            reader=reader.pk if reader else None,
            record_kind=data.get("record_kind") or None,
            record_id=str(data["record_id"]) if data.get("record_id") is not None else None,
            since=data.get("since"),
            until=data.get("until"),
        )
