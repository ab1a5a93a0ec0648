"""List filters (django-filter). A filter given a value it cannot use is refused with a 400 naming
it, never silently ignored: a caller who filters must get what they asked for or be told why."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from register import workflow
from register.models import (
    AccessLogEntry,
    AttendanceRequest,
    Declaration,
    HistoryLink,
    Membership,
    Notification,
    Organization,
    Person,
    Post,
)
from register.selectors.access_log import AccessLogFilter as SelectorAccessLogFilter
from register.selectors.audit import TimelineFilter as SelectorTimelineFilter
from register.selectors.audit import record_types


class StrictFilterSet(django_filters.FilterSet):
    def is_valid(self):
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and self.data.get(name) == "" and name not in self.form.errors:
                self.form.add_error(name, "Enter a value, or leave this filter out.")
        return valid and not self.form.errors


class YesOrNoField(forms.Field):
    """true or false; anything else is an error (django-filter's own boolean ignores it)."""

    VALUES = {"true": True, "True": True, "1": True, "false": False, "False": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value not in self.VALUES:
            raise forms.ValidationError("Enter true or false.")
        return self.VALUES[value]


class YesOrNoFilter(django_filters.BooleanFilter):
    field_class = YesOrNoField


@extend_schema_field(OpenApiTypes.INT64)
class IdFilter(django_filters.NumberFilter):
    """A record's id; an id that matches nothing gives an empty list rather than an error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        # Bounded like the database's bigint, so that an absurd id is a 400, not a database error.
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


def yes_or_no(field_name: str) -> YesOrNoFilter:
    return YesOrNoFilter(field_name=field_name)


class PersonFilter(StrictFilterSet):
    class Meta:
        model = Person
        fields = ["kind", "member_type"]


class OrganizationFilter(StrictFilterSet):
    is_administration = yes_or_no("is_administration")

    class Meta:
        model = Organization
        fields = ["classification", "is_administration"]


class PostFilter(StrictFilterSet):
    organization = IdFilter(field_name="organization_id")
    politically_restricted = yes_or_no("politically_restricted")

    class Meta:
        model = Post
        fields = ["role", "organization", "politically_restricted"]


class MembershipFilter(StrictFilterSet):
    person = IdFilter(field_name="person_id")
    organization = IdFilter(field_name="organization_id")
    post = IdFilter(field_name="post_id")
    on = django_filters.DateFilter(method="filter_on", label="Current on this date")
    role = django_filters.ChoiceFilter(field_name="post__role", choices=Post.Role.choices)

    class Meta:
        model = Membership
        fields = ["person", "organization", "post"]

    def filter_on(self, queryset, name, value):
        return queryset.on(value)


class DeclarationFilter(StrictFilterSet):
    declarant = IdFilter(field_name="declarant_id")
    other_person = IdFilter(field_name="other_person_id")

    class Meta:
        model = Declaration
        fields = ["state", "kind", "declarant", "other_person"]


class NoticeFilter(StrictFilterSet):
    unread = YesOrNoFilter(field_name="read_at", lookup_expr="isnull", label="Only unread (true) or only read (false)")

    class Meta:
        model = Notification
        fields = ["unread"]


class AttendanceRequestFilter(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=list(workflow.REQUEST_STATE_LABELS.items()))
    group = IdFilter(field_name="group_id")
    equivalent_of = IdFilter(field_name="equivalent_of_id")

    class Meta:
        model = AttendanceRequest
        fields = ["state", "group", "equivalent_of"]


class TimelineFilter(StrictFilterSet):
    """The audit timeline's filters: kind of record, who made the change, and dates (inclusive)."""

    # The register's tracked models (read when the URLs load, after the apps are ready).
    record_type = django_filters.ChoiceFilter(
        method="filter_nothing", label="Kind of record", choices=[(t.slug, t.label) for t in record_types()]
    )
    record_id = IdFilter(
        method="filter_nothing",
        label="With record_type: the changes to that one record (its id); alone, it matches nothing",
    )
    person = IdFilter(method="filter_nothing", label="Who made the change (a person's id)")
    since = django_filters.DateFilter(method="filter_nothing", label="From this day (inclusive)")
    until = django_filters.DateFilter(method="filter_nothing", label="To this day (inclusive)")

    class Meta:
        model = HistoryLink
        fields = ["record_type", "record_id", "person", "since", "until"]

    def filter_nothing(self, queryset, name, value):
        return queryset  # the filters apply together, in the selector (selection() below)

    def selection(self) -> SelectorTimelineFilter:
        data = self.form.cleaned_data
        return SelectorTimelineFilter(
            record_type=data.get("record_type") or None,
            record_id=data.get("record_id"),
            person=data.get("person"),
            since=data.get("since"),
            until=data.get("until"),
        )


class AccessLogFilter(StrictFilterSet):
    """The access log's filters (issue 20): who read, kind of record, the record's id, and dates (inclusive)."""

    reader = IdFilter(method="filter_nothing", label="Who opened the record (a person's id)")
    record_kind = django_filters.ChoiceFilter(
        method="filter_nothing",
        label="Kind of record",
        choices=[("declaration", "Declaration"), ("concern", "Concern"), ("complaint", "Complaint")],
        # Not echoing what was sent: it may hold characters no answer should carry.
        error_messages={"invalid_choice": "Choose declaration, concern or complaint."},
    )
    record_id = IdFilter(method="filter_nothing", label="The record's id; one that matches nothing gives an empty list")
    since = django_filters.DateFilter(method="filter_nothing", label="From this day (inclusive)")
    until = django_filters.DateFilter(method="filter_nothing", label="To this day (inclusive)")

    class Meta:
        model = AccessLogEntry
        fields = ["reader", "record_kind", "record_id", "since", "until"]

    def filter_nothing(self, queryset, name, value):
        return queryset  # the filters apply together, in the selector (selection() below)

    def selection(self) -> SelectorAccessLogFilter:
        data = self.form.cleaned_data
        return SelectorAccessLogFilter(
            reader=data.get("reader"),
            record_kind=data.get("record_kind") or None,
            record_id=str(data["record_id"]) if data.get("record_id") is not None else None,
            since=data.get("since"),
            until=data.get("until"),
        )
