"""Enforce a request's buf.validate rules with protovalidate, as the InvalidArgument the gRPC
error interceptor already turns into INVALID_ARGUMENT naming the field."""

from __future__ import annotations

from typing import TYPE_CHECKING

import protovalidate
from google.protobuf.message import Message

from homefield.runtime.errors import InvalidArgument

if TYPE_CHECKING:
    from protovalidate._gen.buf.validate.validate_pb import FieldPath


def field_path(path: FieldPath | None) -> str:
    """A violation's field as callers write it: ``items[1].quantity``."""
    text = ""
    for element in path.elements if path is not None else []:
        text += f".{element.field_name}" if text else element.field_name
        if element.subscript is not None:
            text += f"[{element.subscript.value}]"
    return text


def validate(message: Message) -> None:
    """Raise InvalidArgument for the first field of ``message`` that breaks its declared rule.

    The message is protovalidate's own ("must be greater than or equal to 1 and less than or equal
    to 100"), so it states the rule as the proto declares it. A rule that cannot compile is a bug
    in the proto, not in the request: its CompilationError propagates (INTERNAL).
    """
    violations = protovalidate.collect_violations(message, fail_fast=True)
    if violations:
        first = violations[0].proto
        raise InvalidArgument(first.message, field=field_path(first.field) or None)
