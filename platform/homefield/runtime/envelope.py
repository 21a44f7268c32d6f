"""CloudEvents 1.0 in Kafka binary mode: protobuf payload in the value, attributes in headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

CONTENT_TYPE = "application/protobuf"
_REQUIRED = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time")

Headers = list[tuple[str, bytes]]


class EnvelopeError(Exception):
    """A record is not a valid Homefield CloudEvent (a poison message)."""


@dataclass(frozen=True)
class Envelope:
    ce_id: str
    ce_type: str
    ce_source: str
    ce_time: str
    traceparent: str
    payload: bytes

    def time(self) -> datetime:
        return datetime.fromisoformat(self.ce_time.replace("Z", "+00:00"))


def encode_headers(
    *, ce_id: str, ce_type: str, ce_source: str, ce_time: str, traceparent: str
) -> Headers:
    headers: Headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", ce_id.encode()),
        ("ce_source", ce_source.encode()),
        ("ce_type", ce_type.encode()),
        ("ce_time", ce_time.encode()),
        ("content-type", CONTENT_TYPE.encode()),
    ]
    if traceparent:
        headers.append(("traceparent", traceparent.encode()))
    return headers


def decode(value: bytes | None, headers: Headers | tuple[tuple[str, bytes], ...]) -> Envelope:
    """Read the envelope of a Kafka record, or raise EnvelopeError naming what is wrong."""
    found: dict[str, str] = {}
    for key, raw in headers:
        try:
            found[key] = raw.decode()
        except UnicodeDecodeError:
            raise EnvelopeError(f"header {key} is not UTF-8") from None
    missing = [name for name in _REQUIRED if not found.get(name)]
    if missing:
        raise EnvelopeError(f"missing CloudEvents headers: {', '.join(missing)}")
    if found["ce_specversion"] != "1.0":
        raise EnvelopeError(f"unsupported ce_specversion {found['ce_specversion']!r}")
    if found.get("content-type", CONTENT_TYPE) != CONTENT_TYPE:
        raise EnvelopeError(f"unsupported content-type {found['content-type']!r}")
    if value is None:
        raise EnvelopeError("record has no value")
    envelope = Envelope(
        ce_id=found["ce_id"],
        ce_type=found["ce_type"],
        ce_source=found["ce_source"],
        ce_time=found["ce_time"],
        traceparent=found.get("traceparent", ""),
        payload=value,
    )
    try:
        envelope.time()
    except ValueError:
        raise EnvelopeError(f"ce_time {envelope.ce_time!r} is not RFC 3339") from None
    return envelope
