"""Prometheus configuration: one job per service with a `service` target label, and the rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homefield.catalog import Catalog

SCRAPE_INTERVAL = "5s"


def local_host(_service: str) -> str:
    return "127.0.0.1"


def prometheus_config(
    catalog: Catalog,
    *,
    host_of: Callable[[str], str] = local_host,
    alertmanager: str = "127.0.0.1:9093",
    rule_files: str = "rules/*.rules.yml",
) -> dict[str, Any]:
    """Scrape every service's http port; ``host_of`` maps a service name to its host."""
    jobs = [
        {
            "job_name": name,
            "metrics_path": "/metrics",
            "static_configs": [
                {
                    "targets": [f"{host_of(name)}:{entry.spec.http.port}"],
                    "labels": {"service": name},
                }
            ],
        }
        for name, entry in catalog.services.items()
    ]
    return {
        "global": {"scrape_interval": SCRAPE_INTERVAL, "evaluation_interval": SCRAPE_INTERVAL},
        "rule_files": [rule_files],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [alertmanager]}]}]},
        "scrape_configs": jobs,
    }
