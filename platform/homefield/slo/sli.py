"""The PromQL behind each SLI kind of docs/METRICS.md: bad events over all events in a window."""

from __future__ import annotations

from dataclasses import dataclass

from homefield.catalog.slo import (
    ConsumerLag,
    EventAvailability,
    GrpcAvailability,
    GrpcLatency,
    HttpAvailability,
    HttpLatency,
    OutboxDelivery,
    bucket_label,
)

Sli = (
    GrpcAvailability
    | GrpcLatency
    | HttpAvailability
    | HttpLatency
    | ConsumerLag
    | EventAvailability
    | OutboxDelivery
)

# gRPC codes that mean the caller erred; they do not spend the error budget.
GRPC_GOOD_CODES = "OK|INVALID_ARGUMENT|NOT_FOUND|ALREADY_EXISTS|FAILED_PRECONDITION"


@dataclass(frozen=True)
class Counters:
    """Selectors for one SLI: ``bad`` and ``total``, or ``good`` when it is 1 - good/total.

    ``dead_lettered`` counts more bad events, added to ``bad``; ``total_adds_bad`` says
    ``total`` counts only good events, so all events are bad + total."""

    total: str
    bad: str = ""
    good: str = ""
    dead_lettered: str = ""
    total_adds_bad: bool = False


def _selector(metric: str, labels: dict[str, str], extra: str = "") -> str:
    parts = [f'{key}="{value}"' for key, value in labels.items()]
    if extra:
        parts.append(extra)
    return f"{metric}{{{','.join(parts)}}}"


def _le(seconds: float) -> str:
    return bucket_label(seconds)


def counters(service: str, sli: Sli) -> Counters:
    """The counter selectors behind ``sli`` for ``service``."""
    base = {"service": service}
    if isinstance(sli, GrpcAvailability):
        labels = {**base, "grpc_method": sli.method}
        return Counters(
            total=_selector("grpc_server_handled_total", labels),
            bad=_selector("grpc_server_handled_total", labels, f'grpc_code!~"{GRPC_GOOD_CODES}"'),
        )
    if isinstance(sli, HttpAvailability):
        labels = {**base, "route": sli.route, "method": sli.method}
        return Counters(
            total=_selector("http_server_requests_total", labels),
            bad=_selector("http_server_requests_total", labels, 'status_code=~"5.."'),
        )
    if isinstance(sli, EventAvailability):
        labels = {**base, "handler": sli.handler}
        consumed = "kafka_consumed_messages_total"
        return Counters(
            total=_selector(consumed, labels, 'outcome="handled"'),
            bad=_selector("kafka_consume_errors_total", labels),
            dead_lettered=_selector(consumed, labels, 'outcome="dead_lettered"'),
            total_adds_bad=True,
        )
    if isinstance(sli, OutboxDelivery):
        # Good: rows delivered within the threshold. Bad: rows counted the moment they passed
        # it undelivered, so a relay that delivers nothing still burns budget.
        threshold = _le(sli.max_age_seconds)
        return Counters(
            total=_selector("outbox_delivery_age_seconds_bucket", {**base, "le": threshold}),
            bad=_selector("outbox_overdue_rows_total", {**base, "max_age_seconds": threshold}),
            total_adds_bad=True,
        )
    return _histogram_counters(service, sli)


def _histogram_counters(service: str, sli: GrpcLatency | HttpLatency | ConsumerLag) -> Counters:
    if isinstance(sli, GrpcLatency):
        metric, threshold = "grpc_server_handling_seconds", sli.threshold_ms / 1000
        labels = {"service": service, "grpc_method": sli.method}
    elif isinstance(sli, HttpLatency):
        metric, threshold = "http_server_request_duration_seconds", sli.threshold_ms / 1000
        labels = {"service": service, "route": sli.route, "method": sli.method}
    else:
        metric, threshold = "kafka_event_age_seconds", sli.max_lag_seconds
        labels = {"service": service, "topic": sli.topic}
    return Counters(
        total=_selector(f"{metric}_count", labels),
        good=_selector(f"{metric}_bucket", {**labels, "le": _le(threshold)}),
    )


def error_ratio(service: str, sli: Sli, window: str) -> str:
    """PromQL for the share of bad events of ``sli`` over ``window``; 0 when none were bad."""
    found = counters(service, sli)
    total = f"sum(rate({found.total}[{window}]))"
    if found.good:
        return f"1 - sum(rate({found.good}[{window}])) / {total}"
    bad = _zero_if_absent(found.bad, window)
    if found.dead_lettered:
        bad = f"({bad} + {_zero_if_absent(found.dead_lettered, window)})"
    if found.total_adds_bad:
        # A handler that fails on every message has no `handled` series at all.
        return f"{bad} / ({bad} + {_zero_if_absent(found.total, window)})"
    return f"{bad} / {total}"


def _zero_if_absent(selector: str, window: str) -> str:
    # A labelled counter has no series until its first event: absent means none happened.
    return f"(sum(rate({selector}[{window}])) or vector(0))"
