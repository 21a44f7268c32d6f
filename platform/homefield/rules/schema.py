"""A proto field's buf.validate rules and a proto enum's names as pydantic types, so an HTTP
model that mirrors a message checks, and publishes in its JSON schema, what the proto declares
instead of restating it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import annotated_types
from buf.validate import validate_pb2
from google.protobuf.descriptor import Descriptor, EnumDescriptor
from pydantic import GetCoreSchemaHandler, StringConstraints
from pydantic_core import CoreSchema

_INTEGER_KINDS = frozenset(
    {"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64"}
    | {"sfixed32", "sfixed64"}
)
_BOUNDS = {"gte": "ge", "lte": "le", "gt": "gt", "lt": "lt"}


class UnsupportedRule(Exception):
    """A rule with no pydantic form: the model cannot mirror the field without losing it."""


def field_rules(message: Descriptor, name: str) -> validate_pb2.FieldRules:
    """The ``buf.validate.field`` rules of ``message.name`` (empty when it declares none)."""
    field = message.fields_by_name.get(name)
    if field is None:
        raise KeyError(f"{message.full_name} has no field {name!r}")
    return field.GetOptions().Extensions[validate_pb2.field]


@dataclass(frozen=True)
class ProtoField:
    """Pydantic metadata: ``Annotated[int, ProtoField(OrderItem.DESCRIPTOR, "quantity")]`` checks
    and publishes the rules of ``OrderItem.quantity`` (see ``pydantic_form``)."""

    message: Descriptor
    name: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        rules = field_rules(self.message, self.name)
        target, constraints = pydantic_form(
            rules, source, where=f"{self.message.full_name}.{self.name}"
        )
        if not constraints:
            return handler.generate_schema(target)
        return handler.generate_schema(Annotated[(target, *constraints)])


def pydantic_form(
    rules: validate_pb2.FieldRules, source: Any, *, where: str
) -> tuple[Any, list[Any]]:
    """The type to validate as (``source``, or a Literal of the allowed strings) and its
    constraints: string min_len/max_len/len/pattern, integer gte/lte/gt/lt, repeated
    min_items/max_items, and string ``in`` as the Literal. Any other rule raises UnsupportedRule
    naming it and ``where``, so a model never silently checks less than the proto declares."""
    kind = rules.WhichOneof("type")
    rest = {f.name: v for f, v in rules.ListFields() if f.name != kind}
    _refuse_leftovers(rest, "", where)
    if kind is None:
        return source, []
    values = {f.name: v for f, v in getattr(rules, kind).ListFields()}
    if kind == "string":
        choices = values.pop("in", None)
        exact = values.pop("len", None)
        lengths = {
            "min_length": values.pop("min_len", exact),
            "max_length": values.pop("max_len", exact),
            "pattern": values.pop("pattern", None),
        }
        _refuse_leftovers(values, "string.", where)
        target = Literal[tuple(choices)] if choices else source
        has_limits = any(v is not None for v in lengths.values())
        return target, [StringConstraints(**lengths)] if has_limits else []
    if kind in _INTEGER_KINDS:
        bounds = {_BOUNDS[name]: values.pop(name) for name in list(values) if name in _BOUNDS}
        _refuse_leftovers(values, f"{kind}.", where)
        return source, [annotated_types.Interval(**bounds)]
    if kind == "repeated":
        lowest, highest = values.pop("min_items", 0), values.pop("max_items", None)
        _refuse_leftovers(values, "repeated.", where)
        return source, [annotated_types.Len(lowest, highest)]
    raise UnsupportedRule(f"{where}: buf.validate {kind} rules have no pydantic form here")


def _refuse_leftovers(rules: dict[str, Any], prefix: str, where: str) -> None:
    if rules:
        rule = f"{prefix}{next(iter(rules))}"
        raise UnsupportedRule(
            f"{where}: buf.validate rule {rule!r} has no pydantic form here;"
            " express it in homefield.rules.schema before mirroring the field"
        )


@dataclass(frozen=True)
class ProtoEnum:
    """Pydantic metadata for a str field that shows a proto enum: ``ORDER_STATUS_PENDING`` reads as
    ``PENDING``. The zero value reads as ``unspecified``, or is not a valid value when that is None.
    """

    enum: EnumDescriptor
    unspecified: str | None = None

    def names(self) -> tuple[str, ...]:
        shown = tuple(self.name(v.number) for v in self.enum.values if v.number != 0)
        return shown if self.unspecified is None else (self.unspecified, *shown)

    def name(self, number: int) -> str:
        """The shown name of value ``number`` (the number, when the enum has no such value)."""
        value = self.enum.values_by_number.get(number)
        if value is None:
            return str(number)
        if number == 0 and self.unspecified is not None:
            return self.unspecified
        prefix = self.enum.values_by_number[0].name.removesuffix("UNSPECIFIED")
        return value.name.removeprefix(prefix)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        del source
        return handler.generate_schema(Literal[self.names()])
