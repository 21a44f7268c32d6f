"""Every metric a dashboard or rule queries is one the running services really export."""

import json
import re

import httpx
import pytest
import yaml
from homefield.catalog import Catalog
from homefield.slo.promql import expressions, metric_names
from shop_client import ShopClient, order_body

pytestmark = pytest.mark.system
SUFFIXES = {"histogram": ("_bucket", "_count", "_sum"), "counter": ("_total",)}


def exported_names(text: str) -> set[str]:
    """Series names a scrape can hold, from its `# TYPE` lines (even before any sample)."""
    names: set[str] = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, flags=re.MULTILINE):
        base = name.removesuffix("_total")
        names |= {name, *(base + suffix for suffix in SUFFIXES.get(kind, ()))}
    return names


def test_dashboards_and_rules_query_only_exported_metrics(shop: ShopClient) -> None:
    shop.wait_terminal(shop.place(order_body()).json()["order_id"])
    catalog = Catalog.load(shop.repo)
    exported: set[str] = set()
    for entry in catalog.services.values():
        scrape = httpx.get(f"http://127.0.0.1:{entry.spec.http.port}/metrics", timeout=10)
        assert scrape.status_code == 200, entry.name
        exported |= exported_names(scrape.text)
    deploy = shop.repo / "deploy"
    documents = [
        json.loads(p.read_text()) for p in (deploy / "grafana" / "dashboards").glob("*.json")
    ]
    documents += [
        yaml.safe_load(p.read_text()) for p in (deploy / "prometheus" / "rules").glob("*.yml")
    ]
    queried = {name for expr in expressions(documents) for name in metric_names(expr)}
    raw = {name for name in queried if ":" not in name}  # names with ':' are recording rules
    assert "kafka_event_age_seconds_bucket" in raw
    assert raw - exported == set()
