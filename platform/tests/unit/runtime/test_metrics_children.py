"""Children: each label combination looked up once, counted on the metric's own series."""

from homefield.runtime.metrics import Children, Metrics


def test_children_count_on_the_series_labels_would_give() -> None:
    metrics = Metrics(service="test", team="t", tier=1, version="0")
    consumed = Children(metrics.consumed)
    consumed("orders.v1", "reserve_stock", "handled").inc()
    consumed("orders.v1", "reserve_stock", "handled").inc()
    consumed("orders.v1", "reserve_stock", "duplicate").inc()
    assert consumed("orders.v1", "reserve_stock", "handled") is metrics.consumed.labels(
        "orders.v1", "reserve_stock", "handled"
    )
    sample = metrics.registry.get_sample_value
    labels = {"topic": "orders.v1", "handler": "reserve_stock"}
    assert sample("kafka_consumed_messages_total", {**labels, "outcome": "handled"}) == 2
    assert sample("kafka_consumed_messages_total", {**labels, "outcome": "duplicate"}) == 1
