"""History people can read (C2): the one place that turns the raw values of a history change -- ids,
UTC moments, booleans, choice codes -- into words: a person's or group's name (with the capacity the
record stores beside it, "Jane Smith, Chief Executive"), Europe/London times to the minute in GOV.UK
style ("9 March 2026, 6:00pm"), yes or no, a choice's label, and "none" for nothing.

The pages, the printable story and the CSV exports all read their values from here. The names of a
whole page's ids are read together, in one query, however many entries the page holds.
"""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, DateTimeField, F, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim
from django.utils.text import capfirst

from register.models import (
    AttendanceInvitation,
    AttendanceRecord,
    AttendanceRequest,
    Declaration,
    GroupMeeting,
    InformationProvided,
    Notification,
    Organization,
    Person,
    Post,
)

LONDON = ZoneInfo("Europe/London")
EMPTY = "none"
YES, NO = "Yes", "No"

# Lists of codes stored as JSON, and the choices that name them.
LIST_CHOICES = {(AttendanceRecord, "concerns"): AttendanceRecord.Concern}


def moment_text(value: datetime.datetime | None) -> str:
    """A moment as the council reads it: Europe/London, to the minute, GOV.UK style."""
    if value is None:
        return EMPTY
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}, {clock_text(local)}"


def clock_text(local: datetime.datetime) -> str:
    """ "6:00pm", "9:05am"; GOV.UK's "midday" and "midnight" rather than 12pm and 12am."""
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    return f"{local.hour % 12 or 12}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def date_text(value: datetime.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else EMPTY


def person_name(prefix: str = ""):
    """A person's name as an expression: their full name, or their username if they have none."""
    full = Trim(Concat(F(f"{prefix}first_name"), Value(" "), F(f"{prefix}last_name"), output_field=CharField()))
    return Coalesce(NullIf(full, Value("")), F(f"{prefix}username"), output_field=CharField())


# What a record is called when a foreign key points at it: an expression over its own table, and
# for a meeting its start, which is written in words here rather than in SQL.
NAME_OF = {
    Person: lambda: person_name(),
    Organization: lambda: F("name"),
    Post: lambda: F("label"),
    GroupMeeting: lambda: F("group__name"),
    AttendanceRequest: lambda: F("subject"),
    AttendanceInvitation: lambda: person_name("officer__"),
    InformationProvided: lambda: F("title"),
    Notification: lambda: F("subject"),
    Declaration: lambda: Concat(person_name("declarant__"), Value(" and "), person_name("other_person__")),
    ContentType: lambda: F("model"),
}
MOMENT_OF = {GroupMeeting: "starts_at"}


class Names:
    """The names behind the ids of one page: ``want`` each, then ``read`` them all in one query."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.found: dict[tuple[type, str], str] = {}

    def want(self, model: type, key) -> None:
        if key not in (None, ""):
            self.wanted[_concrete(model)].add(key)

    def read(self) -> None:
        queries = []
        for model, keys in sorted(self.wanted.items(), key=lambda item: item[0]._meta.label):
            name = NAME_OF.get(model, lambda: Cast(F("pk"), output_field=CharField()))()
            # A bare NULL would be typed as text by PostgreSQL, and a later meeting's start then refused.
            moment = F(MOMENT_OF[model]) if model in MOMENT_OF else Cast(Value(None), output_field=DateTimeField())
            queries.append(
                model._base_manager.filter(pk__in=keys)
                .order_by()
                .annotate(
                    name_kind=Value(model._meta.label, output_field=CharField()),
                    name_key=Cast(F("pk"), output_field=CharField()),
                    name_text=Cast(name, output_field=CharField()),
                    name_moment=moment,
                )
                .values_list("name_kind", "name_key", "name_text", "name_moment")
            )
        self.wanted.clear()
        if not queries:
            return
        rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
        models_by_label = {model._meta.label: model for model in NAME_OF} | {
            query.model._meta.label: query.model for query in queries
        }
        for label, key, text, moment in rows:
            model = models_by_label[label]
            self.found[(model, key)] = self._words(model, text, moment)

    @staticmethod
    def _words(model, text: str, moment) -> str:
        if model is GroupMeeting:
            return f"{text} meeting, {moment_text(moment)}"
        if model is ContentType:
            return _record_label(text)
        return text

    def name(self, model: type, key) -> str:
        if key in (None, ""):
            return EMPTY
        model = _concrete(model)
        return self.found.get((model, str(key)), f"{capfirst(str(model._meta.verbose_name))} {key}")


def _concrete(model: type) -> type:
    return model._meta.concrete_model or model


def _record_label(model_name: str) -> str:
    for model in NAME_OF:
        if model._meta.model_name == model_name:
            return capfirst(str(model._meta.verbose_name))
    return capfirst(model_name)


def capacity_field(model: type, name: str) -> str | None:
    """The field beside a person's that says in what capacity they acted: decided_by ->
    decided_capacity, requested_by -> requested_capacity, reviewer -> reviewer_capacity."""
    fields = {field.name for field in model._meta.concrete_fields}
    for candidate in (f"{name.removesuffix('_by')}_capacity", f"{name}_capacity"):
        if candidate in fields:
            return candidate
    return None


class ValueText:
    """Turns the values of one page's field changes into words, reading every name in one query.

    ``note`` each value with the history row it was read from (for a person's capacity); ``read``
    the names; then ``text`` gives the words for each noted value."""

    def __init__(self):
        self.names = Names()

    def note(self, model: type, name: str, value) -> None:
        field = model._meta.get_field(name)
        if isinstance(field, models.ForeignKey) and value not in (None, ""):
            self.names.want(field.related_model, value)

    def read(self) -> None:
        self.names.read()

    def text(self, model: type, name: str, value, row=None) -> str:
        field = model._meta.get_field(name)
        if value is None or value == "" or value == []:
            return EMPTY
        if isinstance(field, models.ForeignKey):
            words = self.names.name(field.related_model, value)
            capacity = capacity_field(model, name)
            if capacity and row is not None and getattr(row, capacity, ""):
                words = f"{words}, {getattr(row, capacity)}"
            return words
        if isinstance(field, models.BooleanField):
            return YES if value else NO
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if (model, name) in LIST_CHOICES and isinstance(value, list):
            labels = dict(LIST_CHOICES[(model, name)].choices)
            return "; ".join(str(labels.get(code, code)) for code in value)
        if isinstance(field, models.DateTimeField) and isinstance(value, datetime.datetime):
            return moment_text(value)
        if isinstance(field, models.DateField) and isinstance(value, datetime.date):
            return date_text(value)
        if isinstance(value, list):
            return "; ".join(str(item) for item in value) or EMPTY
        return str(value)
