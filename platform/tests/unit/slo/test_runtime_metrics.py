"""The selectors behind every SLO match series that the real runtime registry exports."""

import re
from pathlib import Path

import pytest
from homefield.catalog import Catalog
from homefield.runtime.metrics import Metrics
from homefield.slo.sli import counters
from prometheus_client import Counter, Histogram, generate_latest
from prometheus_client.parser import text_string_to_metric_families

REPO = Path(__file__).resolve().parents[4]
EXAMPLES = {"grpc_code": "UNAVAILABLE", "status_code": "503"}
MATCHER = re.compile(r'(\w+)(=|!=|=~|!~)"((?:[^"\\]|\\.)*)"')


def _parse(selector: str) -> tuple[str, dict[str, str]]:
    name, _, body = selector.partition("{")
    labels = {}
    for key, op, value in MATCHER.findall(body):
        if key != "service":
            labels[key] = value if op == "=" else EXAMPLES[key]
    return name, labels


def _documented_labels() -> dict[str, list[str]]:
    text = (REPO / "docs" / "METRICS.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_]+)` \| [^|]+ \|([^|]*)\|", text, flags=re.MULTILINE)
    return {name: re.findall(r"`(\w+)`", labels) for name, labels in rows}


def _families(metrics: Metrics) -> dict[str, Counter | Histogram]:
    found: dict[str, Counter | Histogram] = {}
    for value in vars(metrics).values():
        if isinstance(value, Counter):
            found[value.describe()[0].name + "_total"] = value
        elif isinstance(value, Histogram):
            base = value.describe()[0].name
            found[base + "_bucket"] = found[base + "_count"] = value
    return found


def _exported(metrics: Metrics) -> set[tuple[str, frozenset[tuple[str, str]]]]:
    text = generate_latest(metrics.registry).decode()
    return {
        (sample.name, frozenset(sample.labels.items()))
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.mark.parametrize("service", sorted(Catalog.load(REPO).services))
def test_slo_selectors_match_what_the_runtime_exports(service: str) -> None:
    entry = Catalog.load(REPO).services[service]
    metrics = Metrics(service=service, team=entry.team, tier=entry.spec.tier, version="t")
    families = _families(metrics)
    documented = _documented_labels()
    wanted = []
    for slo in entry.slos.slos:
        found = counters(service, slo.sli)
        for selector in filter(None, (found.total, found.bad, found.good, found.dead_lettered)):
            name, labels = _parse(selector)
            metric = families[name]
            base = name.removesuffix("_bucket").removesuffix("_count")
            series = {key: labels.get(key, "other") for key in documented[base]}
            child = metric.labels(**series) if series else metric
            if isinstance(metric, Histogram):
                child.observe(0.001)
            else:
                child.inc()
            wanted.append((name, labels))
    exported = _exported(metrics)
    for name, labels in wanted:
        assert any(n == name and set(labels.items()) <= set(ls) for n, ls in exported), (
            name,
            labels,
        )
