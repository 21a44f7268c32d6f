"""The whole generated tree: repository path -> file text, computed from the catalog alone."""

from __future__ import annotations

from homefield.catalog import Catalog, load_owners
from homefield.deploy.compose import HOST_ALERT_SINK, compose_host, compose_tree
from homefield.deploy.dockerfile import dockerfile
from homefield.deploy.kustomize import service_tree
from homefield.deploy.platform import platform_tree
from homefield.render.text import json_text, yaml_text
from homefield.slo.alertmanager import alertmanager_config
from homefield.slo.dashboards import overview_dashboard, service_dashboard
from homefield.slo.promtests import platform_test_file, service_test_file
from homefield.slo.rules import platform_rule_groups, service_rule_groups
from homefield.slo.scrape import prometheus_config
from homefield.slo.validate import check_runbook_ref, check_slos_against_service

GENERATED_DIRS = (
    "deploy/alertmanager",
    "deploy/compose",
    "deploy/grafana",
    "deploy/k8s",
    "deploy/prometheus",
)
GENERATED_FILES = ("Dockerfile",)


def _prometheus_tree(catalog: Catalog, window_scale: int) -> dict[str, str]:
    tree: dict[str, str] = {}
    for name, entry in catalog.services.items():
        groups = service_rule_groups(entry, window_scale)
        tree[f"deploy/prometheus/rules/{name}.rules.yml"] = yaml_text({"groups": groups})
        if window_scale == 1:
            tree[f"deploy/prometheus/tests/{name}.test.yml"] = yaml_text(service_test_file(entry))
    absent = platform_rule_groups(catalog, window_scale)
    tree["deploy/prometheus/rules/platform.rules.yml"] = yaml_text({"groups": absent})
    if window_scale == 1:
        tree["deploy/prometheus/tests/platform.test.yml"] = yaml_text(platform_test_file(catalog))
    tree["deploy/prometheus/prometheus.yml"] = yaml_text(prometheus_config(catalog))
    return tree


def _dashboards(catalog: Catalog) -> dict[str, str]:
    boards = {
        name: json_text(service_dashboard(catalog, entry))
        for name, entry in catalog.services.items()
    }
    boards["overview"] = json_text(overview_dashboard())
    return boards


def _compose(catalog: Catalog, fallback_team: str) -> dict[str, str]:
    prometheus = prometheus_config(
        catalog,
        host_of=compose_host,
        alertmanager="alertmanager:9093",
        rule_files="/etc/prometheus/rules/*.rules.yml",
    )
    routing = alertmanager_config(catalog.teams, fallback_team=fallback_team, sink=HOST_ALERT_SINK)
    return compose_tree(catalog, prometheus=prometheus, alertmanager=routing)


def render_tree(catalog: Catalog, *, window_scale: int = 1) -> dict[str, str]:
    """Every generated file. ``window_scale`` > 1 shortens rule windows (game-day tests only)."""
    for entry in catalog.services.values():
        check_slos_against_service(entry)
        check_runbook_ref(entry)
    fallback_team = load_owners(catalog.root / "OWNERS", catalog.teams).team
    tree = _prometheus_tree(catalog, window_scale)
    routing = alertmanager_config(catalog.teams, fallback_team=fallback_team)
    tree["deploy/alertmanager/alertmanager.yml"] = yaml_text(routing)
    boards = _dashboards(catalog)
    for name, text in boards.items():
        tree[f"deploy/grafana/dashboards/{name}.json"] = text
    for entry in catalog.services.values():
        tree.update(service_tree(catalog, entry, service_rule_groups(entry, window_scale)))
    tree.update(platform_tree(boards, platform_rule_groups(catalog, window_scale)))
    tree.update(_compose(catalog, fallback_team))
    tree["Dockerfile"] = dockerfile()
    return dict(sorted(tree.items()))
