"""Issue 23: the API's orjson renderer writes DRF's bytes, and a compiled serializer represents an
instance exactly as DRF's field-by-field path does, for the values the demo council may not hold:
lazy strings, decimals, non-string keys, line separators, naive and far-off times, missing
attributes, callables, mappings."""

import datetime
import decimal
import uuid
import zoneinfo
from types import SimpleNamespace

import pytest
from django.db import models
from django.utils.translation import gettext_lazy
from rest_framework import renderers, serializers

from api import compiled
from api.renderers import JSONRenderer

LONDON = zoneinfo.ZoneInfo("Europe/London")


def varied_data():
    """Made afresh for each renderer: the generator is consumed by rendering."""
    return {
        "text": 'Caf\u00e9 \u2028 line \u2029 paragraph "quoted" \\ \x01 \U0001f600',
        "lazy": gettext_lazy("Not found"),
        "decimal": decimal.Decimal("12.50"),
        "utc": datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.UTC),
        "summer": datetime.datetime(2026, 7, 5, 9, 30, 15, 250000, tzinfo=LONDON),
        "date": datetime.date(2026, 3, 1),
        "time": datetime.time(9, 30),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "numbers": (1, -2, 2**63 - 1, 0.1, 1e16, True, None),
        "generated": (n * 2 for n in range(3)),
        "nested": [{"empty": {}, "list": []}],
    }


@pytest.mark.parametrize("accepted", [None, "application/json", "application/json; indent=4"])
def test_the_orjson_renderer_writes_the_same_bytes_as_drfs_renderer(accepted):
    ours = JSONRenderer().render(varied_data(), accepted, {})
    drfs = renderers.JSONRenderer().render(varied_data(), accepted, {})
    assert ours == drfs


def test_keys_orjson_refuses_and_integers_beyond_64_bits_are_written_by_drf():
    data = {1: "one", None: "none", "big": 2**70}
    assert JSONRenderer().render(data) == renderers.JSONRenderer().render(data)


def test_nothing_to_render_is_an_empty_body():
    assert JSONRenderer().render(None) == b""


def test_a_value_no_encoder_can_write_raises_as_drf_does():
    with pytest.raises(TypeError):
        JSONRenderer().render({"x": object()})


# --- Compiled serializers --------------------------------------------------------------------------


class Colour(models.TextChoices):
    RED = "red", "Red"
    BLUE = "blue", "Blue"


class Inner(compiled.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class Upper(serializers.Field):
    def to_representation(self, value):
        return str(value).upper()


class Everything(compiled.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    upper = Upper(source="name")
    colour = serializers.ChoiceField(choices=Colour.choices)
    number_choice = serializers.ChoiceField(choices=[(1, "One"), (2, "Two")])
    flag = serializers.BooleanField()
    ratio = serializers.FloatField(allow_null=True)
    day = serializers.DateField(allow_null=True)
    moment = serializers.DateTimeField(allow_null=True)
    computed = serializers.CharField(source="compute")
    dotted = serializers.CharField(source="inner.name", allow_null=True)
    called_on_the_way = serializers.CharField(source="make_inner.describe")
    through_a_mapping = serializers.CharField(source="mapping.name")
    method_with_an_argument = serializers.CharField(source="greet")
    missing_with_default = serializers.CharField(default="fallback")
    missing_optional = serializers.CharField(required=False)
    missing_nullable = serializers.CharField(allow_null=True)
    inner = Inner(allow_null=True)
    inners = Inner(many=True)
    tags = serializers.ListField(child=serializers.CharField())
    method = serializers.SerializerMethodField()
    secret = serializers.CharField(write_only=True)

    def get_method(self, instance) -> str:
        return type(instance).__name__


class KeyedRecord(dict):
    """A mapping with an attribute of the key's name: DRF reads the key."""

    name = "from an attribute"


def greet(who):
    return f"Hello {who}"


def row(**changes):
    inner = SimpleNamespace(id=7, name="Inner", describe=lambda: "described")
    values = {
        "id": 1,
        "name": "Ann",
        "colour": "red",
        "number_choice": 2,
        "flag": True,
        "ratio": 0.5,
        "day": datetime.date(2026, 5, 4),
        "moment": datetime.datetime(2026, 1, 4, 12, 0, tzinfo=datetime.UTC),  # GMT: written with a Z
        "compute": lambda: "called",
        "make_inner": lambda: inner,
        "mapping": KeyedRecord(name="from a key"),
        "greet": greet,
        "inner": inner,
        "inners": [inner, SimpleNamespace(id=8, name="Other")],
        "tags": ["a", "b"],
        "secret": "never shown",
    }
    values.update(changes)
    return SimpleNamespace(**values)


ROWS = {
    "plain values": row(),
    "None values": row(ratio=None, day=None, moment=None, inner=None, name=None),
    "an enumeration member": row(colour=Colour.BLUE),
    "an integer where text is declared": row(name=42, colour=3, flag=1, ratio=2),
    "a naive time": row(moment=datetime.datetime(2026, 5, 4, 12, 0)),
    "a summer time": row(moment=datetime.datetime(2026, 7, 4, 12, 0, 1, 5, tzinfo=LONDON)),
    "a blank choice": row(colour=""),
    "a mapping": {**vars(row()), "missing_with_default": "given"},
}


@pytest.mark.parametrize("instance", ROWS.values(), ids=ROWS.keys())
def test_a_compiled_serializer_represents_an_instance_exactly_as_drf_does(instance):
    compiled_answer = Everything(instance).data
    with compiled.plain_drf():
        drf_answer = Everything(instance).data
    assert compiled_answer == drf_answer
    assert list(compiled_answer) == list(drf_answer)  # the same keys in the same order


def test_a_compiled_list_represents_every_row_as_drf_does():
    rows = list(ROWS.values())
    compiled_answer = Everything(rows, many=True).data
    with compiled.plain_drf():
        assert compiled_answer == Everything(rows, many=True).data


def test_an_attribute_that_is_missing_and_required_fails_as_in_drf():
    instance = row()
    del instance.name
    for plain in (False, True):
        with pytest.raises(AttributeError, match="Got AttributeError when attempting to get a value for field `name`"):
            if plain:
                with compiled.plain_drf():
                    Everything(instance).data  # noqa: B018
            else:
                Everything(instance).data  # noqa: B018


def test_the_compiled_plan_is_made_once_per_class():
    Everything(row()).data  # noqa: B018
    plan = compiled._plans[Everything]
    Everything(row()).data  # noqa: B018
    assert compiled._plans[Everything] is plan


class FieldsByContext(compiled.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    def get_fields(self):
        chosen = super().get_fields()
        if self.context.get("short"):
            del chosen["name"]
        return chosen


def test_a_serializer_whose_fields_differ_between_instances_represents_each_with_its_own():
    assert FieldsByContext(row()).data == {"id": 1, "name": "Ann"}
    assert FieldsByContext(row(), context={"short": True}).data == {"id": 1}
    assert FieldsByContext(row()).data == {"id": 1, "name": "Ann"}
