"""The shop's request rules, each stated once: field rules that the protos declare with
buf.validate (enforced on gRPC requests, mirrored by HTTP models) and the canonical request
fingerprint that tells an idempotent retry from a different request."""

from homefield.rules.enforce import field_path, validate
from homefield.rules.fingerprint import (
    checkout_fingerprint,
    fingerprint,
    place_order_fingerprint,
)
from homefield.rules.schema import (
    ProtoEnum,
    ProtoField,
    UnsupportedRule,
    field_rules,
    pydantic_form,
)

__all__ = [
    "ProtoEnum",
    "ProtoField",
    "UnsupportedRule",
    "checkout_fingerprint",
    "field_path",
    "field_rules",
    "fingerprint",
    "place_order_fingerprint",
    "pydantic_form",
    "validate",
]
