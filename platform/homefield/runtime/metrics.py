"""The platform's Prometheus metrics (names and labels: docs/METRICS.md), a registry per service."""

from __future__ import annotations

from typing import Generic, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector

from homefield.catalog.slo import EVENT_AGE_BUCKETS_SECONDS, LATENCY_BUCKETS_SECONDS

_GRPC_LABELS = ("grpc_service", "grpc_method")

M = TypeVar("M", Counter, Gauge, Histogram)


class Children(Generic[M]):
    """``metric.labels(*values)``, each combination looked up once. labels() takes a lock and
    checks its values on every call, and the per-record paths (a record handled, an event
    relayed) need two or three children each; label values there come from a fixed set."""

    def __init__(self, metric: M) -> None:
        self._metric: M = metric
        self._found: dict[tuple[str, ...], M] = {}

    def __call__(self, *values: str) -> M:
        child = self._found.get(values)
        if child is None:
            child = self._found[values] = self._metric.labels(*values)
        return child


class Metrics:
    """Every metric a Homefield service exports, registered on a registry of its own."""

    def __init__(self, *, service: str, team: str, tier: int, version: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        info = Gauge(
            "service_info",
            "Who owns this process.",
            ("service", "team", "tier", "version"),
            registry=r,
        )
        info.labels(service, team, str(tier), version).set(1)
        self.grpc_server_handled = Counter(
            "grpc_server_handled_total",
            "gRPC calls served.",
            (*_GRPC_LABELS, "grpc_code"),
            registry=r,
        )
        self.grpc_server_seconds = Histogram(
            "grpc_server_handling_seconds",
            "gRPC server latency.",
            _GRPC_LABELS,
            buckets=LATENCY_BUCKETS_SECONDS,
            registry=r,
        )
        self.grpc_client_handled = Counter(
            "grpc_client_handled_total",
            "gRPC calls made.",
            (*_GRPC_LABELS, "grpc_code"),
            registry=r,
        )
        self.grpc_client_seconds = Histogram(
            "grpc_client_handling_seconds",
            "gRPC client latency.",
            _GRPC_LABELS,
            buckets=LATENCY_BUCKETS_SECONDS,
            registry=r,
        )
        self.http_requests = Counter(
            "http_server_requests_total",
            "HTTP requests served.",
            ("method", "route", "status_code"),
            registry=r,
        )
        self.http_seconds = Histogram(
            "http_server_request_duration_seconds",
            "HTTP latency.",
            ("method", "route"),
            buckets=LATENCY_BUCKETS_SECONDS,
            registry=r,
        )
        self.produced = Counter(
            "kafka_produced_messages_total", "Messages delivered to Kafka.", ("topic",), registry=r
        )
        self.produce_errors = Counter(
            "kafka_produce_errors_total", "Failed produce attempts.", ("topic",), registry=r
        )
        self.produce_seconds = Histogram(
            "kafka_produce_duration_seconds",
            "Time to an acknowledged produce.",
            ("topic",),
            buckets=LATENCY_BUCKETS_SECONDS,
            registry=r,
        )
        self.consumed = Counter(
            "kafka_consumed_messages_total",
            "Messages finished, by outcome.",
            ("topic", "handler", "outcome"),
            registry=r,
        )
        self.consume_errors = Counter(
            "kafka_consume_errors_total",
            "Failed handler attempts.",
            ("topic", "handler"),
            registry=r,
        )
        self.consume_seconds = Histogram(
            "kafka_consume_duration_seconds",
            "Time to handle one message.",
            ("topic", "handler"),
            buckets=LATENCY_BUCKETS_SECONDS,
            registry=r,
        )
        self.event_age = Histogram(
            "kafka_event_age_seconds",
            "Event age when handled.",
            ("topic",),
            buckets=EVENT_AGE_BUCKETS_SECONDS,
            registry=r,
        )
        self.consumer_lag = Gauge(
            "kafka_consumer_lag_messages",
            "High watermark minus position.",
            ("topic", "partition"),
            registry=r,
        )
        self.outbox_backlog = Gauge(
            "outbox_backlog_messages", "Outbox rows not yet delivered.", registry=r
        )
        self.outbox_oldest_age = Gauge(
            "outbox_oldest_age_seconds",
            "Age of the oldest undelivered outbox row (0 when none).",
            registry=r,
        )
        self.outbox_delivery_age = Histogram(
            "outbox_delivery_age_seconds",
            "Outbox row age when Kafka acknowledged it.",
            buckets=EVENT_AGE_BUCKETS_SECONDS,
            registry=r,
        )
        self.outbox_overdue = Counter(
            "outbox_overdue_rows_total",
            "Outbox rows that passed an SLO's max age undelivered, each counted once.",
            ("max_age_seconds",),
            registry=r,
        )
        self.store_size = Gauge(
            "store_size_bytes", "Bytes in the service's store (database and its log).", registry=r
        )
        ProcessCollector(registry=r)  # process_cpu_seconds_total: the `cpu` usage signal
        self.dlq = Counter(
            "kafka_dlq_messages_total",
            "Messages dead-lettered, by original topic.",
            ("topic",),
            registry=r,
        )
