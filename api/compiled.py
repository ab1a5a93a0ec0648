"""Serializers whose ``to_representation`` is compiled once per class from their declared fields (issue 23).

The serializer classes stay the only statement of the fields (and of the OpenAPI schema). What is
compiled is how each readable field is read and rendered: for a field whose class reads as DRF's own
does, its source read with ``operator.attrgetter`` (attribute by attribute, as DRF does) and, where
the class also renders as DRF's own, a renderer specialised to the value's type (a ``str`` for a
CharField is already its rendering); anything else, and any value of another type or that DRF would
treat apart, goes through the field's own ``get_attribute`` and ``to_representation``, so that the
answer is always exactly DRF's. ``plain_drf()`` turns the compiled path off, for the tests that
compare the two.
"""

import datetime
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from operator import attrgetter
from types import BuiltinFunctionType, FunctionType, MethodType

from rest_framework import ISO_8601, fields, serializers
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

_plain_drf: ContextVar[bool] = ContextVar("plain_drf", default=False)

# A field left out of the representation (DRF's SkipField).
SKIP = object()

Step = Callable[[object], object]


@contextmanager
def plain_drf() -> Iterator[None]:
    """Within: DRF's own rendering, field by field, and DRF's JSON renderer: what the compiled path must equal."""
    token = _plain_drf.set(True)
    try:
        yield
    finally:
        _plain_drf.reset(token)


def plain_drf_in_use() -> bool:
    return _plain_drf.get()


# Mixed into a serializer class: ``to_representation`` through the class's compiled plan. No docstring
# here, nor on the two bases below: drf-spectacular would describe every serializer without one by it.
class CompiledRepresentation:
    def to_representation(self, instance):
        # A mapping's values are read by key (DRF's get_attribute): DRF's own path reads those rows, and
        # a None (an item of a list), which DRF hands to the fields that read the whole instance.
        if _plain_drf.get() or instance is None or isinstance(instance, Mapping):
            return super().to_representation(instance)
        represent = self.__dict__.get("_compiled_representation")
        if represent is None:
            represent = self._compiled_representation = bound_representation(self)
        return represent(instance)


class Serializer(CompiledRepresentation, serializers.Serializer):
    pass


class ModelSerializer(CompiledRepresentation, serializers.ModelSerializer):
    pass


# --- The plan of a class, and its steps bound to one serializer -------------------------------------

_plans: dict[type, tuple[tuple[tuple[str, type, str], Callable], ...]] = {}


def bound_representation(serializer) -> Callable[[object], dict]:
    """The serializer's representation of one instance, as one function over its readable fields."""
    readable = [(field.field_name, field) for field in serializer.fields.values() if not field.write_only]
    plan = _plans.get(type(serializer))
    if plan is None:
        plan = _plans[type(serializer)] = _plan(readable)
    if [shape for shape, _ in plan] != [_shape(name, field) for name, field in readable]:
        # Fields chosen per instance (not this project's serializers): plan this instance on its own.
        plan = _plan(readable)
    steps = tuple((name, make(field, serializer)) for (_, make), (name, field) in zip(plan, readable, strict=True))

    def represent(instance) -> dict:
        shown = {}
        for name, step in steps:
            value = step(instance)
            if value is not SKIP:
                shown[name] = value
        return shown

    return represent


def _plan(readable) -> tuple[tuple[tuple[str, type, str], Callable], ...]:
    return tuple((_shape(name, field), step_maker(field)) for name, field in readable)


def _shape(name: str, field) -> tuple[str, type, str]:
    """What a field's step is chosen by: the same for every instance of a serializer class."""
    return name, type(field), field.source


def step_maker(field) -> Callable[[fields.Field, object], Step]:
    """How one declared field is read and rendered, chosen from its class once per serializer class."""
    reads_as_drf = type(field).get_attribute is fields.Field.get_attribute
    if reads_as_drf and field.source == "*":
        if type(field).to_representation is fields.SerializerMethodField.to_representation:
            return lambda field, serializer: getattr(serializer, field.method_name)
        # The whole instance, never None: DRF calls the field's to_representation with it.
        return lambda field, serializer: field.to_representation
    if not reads_as_drf:
        return lambda field, serializer: drf_step(field)
    for kind, typed in TYPED_RENDERERS:
        if isinstance(field, kind) and type(field).to_representation is kind.to_representation:
            return lambda field, serializer: attribute_step(field, typed(field))
    return lambda field, serializer: attribute_step(field, None)


def drf_step(field) -> Step:
    """DRF's own reading of one field: the body of ``Serializer.to_representation``'s loop."""

    def step(instance):
        try:
            attribute = field.get_attribute(instance)
        except fields.SkipField:
            return SKIP
        check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        if check_for_none is None:
            return None
        return field.to_representation(attribute)

    return step


def attribute_step(field, typed: tuple[type, Callable] | None) -> Step:
    """The field's source read as ``rest_framework.fields.get_attribute`` reads it from an instance that
    is not a mapping: attribute by attribute, calling a method that takes no arguments. A value of the
    type ``typed`` names is rendered by its renderer, any other by the field's own to_representation.
    What this does not do (a mapping met on the way, a related object that does not exist, an error)
    goes to DRF, for DRF's answer: a default, None, SkipField or its error."""
    drf = drf_step(field)
    render = field.to_representation
    fast_type, fast = typed or (None, None)
    first, rest = attrgetter(field.source_attrs[0]), tuple(field.source_attrs[1:])

    def step(instance):
        try:
            value = first(instance)
            if callable(value) and simple_callable(value):
                value = value()
            for attr in rest:
                if isinstance(value, Mapping):
                    raise LookupError(attr)
                value = getattr(value, attr)
                if callable(value) and simple_callable(value):
                    value = value()
        except Exception:
            return drf(instance)
        if value is None:
            return None
        if type(value) is fast_type:
            return fast(value)
        if isinstance(value, PKOnlyObject):
            return drf(instance)
        return render(value)

    return step


_simple_callables: dict[object, bool] = {}


def simple_callable(value) -> bool:
    """DRF's ``is_simple_callable``, remembered by function: it reads the signature, which costs more than
    the rest of a field (a source such as ``invitations.all`` on every row)."""
    if type(value) is MethodType:
        key = value.__func__
    elif type(value) is FunctionType:
        key = value
    elif isinstance(value, BuiltinFunctionType | partial):
        return fields.is_simple_callable(value)  # a builtin: DRF's error
    else:
        return False  # any other callable (a related manager): DRF does not call it
    known = _simple_callables.get(key)
    if known is None:
        if len(_simple_callables) > 1000:  # functions made on the fly must not pile up
            _simple_callables.clear()
        known = _simple_callables[key] = fields.is_simple_callable(value)
    return known


# --- Renderers by DRF field class: (the value's type, its rendering), as the field's own would ------


def _same(value):
    return value


def _str(field):
    return str, _same


def _int(field):
    return int, _same


def _float(field):
    return float, _same


def _bool(field):
    return bool, _same


def _choice(field):
    known = field.choice_strings_to_values.get
    return str, lambda value: value if value == "" else known(value, value)


def _date(field):
    if getattr(field, "format", api_settings.DATE_FORMAT) is None or not _is_iso(field, api_settings.DATE_FORMAT):
        return None
    return datetime.date, datetime.date.isoformat


def _datetime(field):
    if not _is_iso(field, api_settings.DATETIME_FORMAT):
        return None
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if zone is None:
        return None
    slow = field.to_representation

    def render(value):
        if value.utcoffset() is None:
            return slow(value)  # a naive time: DRF makes it aware, or refuses it
        try:
            shown = value.astimezone(zone).isoformat()
        except OverflowError:
            return slow(value)  # DRF's own error
        return shown[:-6] + "Z" if shown.endswith("+00:00") else shown

    return datetime.datetime, render


def _is_iso(field, default: str | None) -> bool:
    output_format = getattr(field, "format", default)
    return output_format is not None and output_format.lower() == ISO_8601


# Most specific first: a ChoiceField is checked before the plain Field kinds it does not subclass anyway.
TYPED_RENDERERS: tuple[tuple[type, Callable], ...] = (
    (fields.ChoiceField, _choice),
    (fields.CharField, _str),
    (fields.IntegerField, _int),
    (fields.FloatField, _float),
    (fields.BooleanField, _bool),
    (fields.DateTimeField, _datetime),
    (fields.DateField, _date),
)
