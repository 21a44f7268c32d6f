"""Dashboard panels: one spec per panel, read by both the Grafana JSON render and the console.

A ``Panel`` says what to plot (PromQL, legend, unit); ``grafana_panel`` turns it into Grafana
JSON laid out on the 24-column grid, and the on-call console runs the same query through
Prometheus ``query_range`` (``range_query``) and draws it. The two cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

GrafanaPanel = dict[str, Any]
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
PANEL_WIDTH = 8
PANEL_HEIGHT = 8
RATE_INTERVAL = "$__rate_interval"
_LEGEND_LABEL = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Panel:
    """One panel: a PromQL query with its legend and unit (or an alert list)."""

    kind: Literal["timeseries", "stat", "bargauge", "table", "alertlist"]
    title: str
    expr: str = ""
    legend: str = ""
    unit: str = "short"
    width: int = PANEL_WIDTH
    label_filter: str = ""  # alert lists only

    @property
    def plotted(self) -> bool:
        """True for panels drawn over time from a range query (not tables or alert lists)."""
        return self.kind in ("timeseries", "stat", "bargauge")


@dataclass(frozen=True)
class Row:
    title: str
    panels: tuple[Panel, ...]


def timeseries(title: str, expr: str, legend: str, unit: str = "short") -> Panel:
    return Panel("timeseries", title, expr, legend, unit)


def stat(title: str, expr: str, legend: str, unit: str = "percent") -> Panel:
    return Panel("stat", title, expr, legend, unit)


def bargauge(title: str, expr: str, legend: str, width: int = PANEL_WIDTH) -> Panel:
    return Panel("bargauge", title, expr, legend, "percent", width)


def table(title: str, expr: str, width: int = PANEL_WIDTH) -> Panel:
    return Panel("table", title, expr, width=width)


def alert_list(title: str, label_filter: str, width: int = 24) -> Panel:
    return Panel("alertlist", title, width=width, label_filter=label_filter)


def rate_interval(step_seconds: int, scrape_seconds: int) -> str:
    """Grafana's ``$__rate_interval`` for a step: max(step + scrape, 4 x scrape)."""
    return f"{max(step_seconds + scrape_seconds, 4 * scrape_seconds)}s"


def range_query(panel: Panel, *, step_seconds: int, scrape_seconds: int) -> str:
    """The panel's PromQL as Grafana would send it at ``step_seconds`` resolution."""
    return panel.expr.replace(RATE_INTERVAL, rate_interval(step_seconds, scrape_seconds))


def legend_text(legend: str, labels: dict[str, str]) -> str:
    """A series' name as Grafana writes it from a ``{{label}}`` legend template."""
    text = _LEGEND_LABEL.sub(lambda match: labels.get(match.group(1), ""), legend).strip()
    return text or "{" + ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"


def _target(expr: str, legend: str, *, instant: bool = False) -> dict[str, Any]:
    query: dict[str, Any] = {"datasource": DATASOURCE, "expr": expr, "legendFormat": legend}
    if instant:
        query.update(instant=True, range=False, format="table")
    return query


def grafana_panel(panel: Panel) -> GrafanaPanel:
    """The Grafana JSON of ``panel`` (without id and grid position)."""
    head: GrafanaPanel = {"type": panel.kind, "title": panel.title}
    if panel.kind == "alertlist":
        return {**head, "options": _alert_list_options(panel.label_filter)}
    head["datasource"] = DATASOURCE
    if panel.kind == "table":
        return {**head, "targets": [_target(panel.expr, "", instant=True)]}
    defaults: dict[str, Any] = {"unit": panel.unit}
    options: dict[str, Any] | None = None
    if panel.kind == "stat":
        defaults["decimals"] = 2
        options = {"reduceOptions": {"calcs": ["lastNotNull"]}, "textMode": "value_and_name"}
    elif panel.kind == "bargauge":
        defaults.update(min=0, max=100)
        options = {"orientation": "horizontal", "reduceOptions": {"calcs": ["lastNotNull"]}}
    body: GrafanaPanel = {**head, "fieldConfig": {"defaults": defaults, "overrides": []}}
    if options is not None:
        body["options"] = options
    return {**body, "targets": [_target(panel.expr, panel.legend)]}


def _alert_list_options(label_filter: str) -> dict[str, Any]:
    return {
        "alertInstanceLabelFilter": label_filter,
        "groupMode": "default",
        "maxItems": 50,
        "showInstances": True,
        "sortOrder": 1,
        "stateFilter": {"firing": True, "pending": True, "normal": False},
        "viewMode": "list",
    }


@dataclass
class Grid:
    """Places rows and panels top to bottom, three panels to a line, with stable ids."""

    panels: list[GrafanaPanel] = field(default_factory=list)
    _y: int = 0
    _x: int = 0

    def _next_id(self) -> int:
        return len(self.panels) + 1

    def row(self, title: str) -> None:
        if self._x:
            self._y, self._x = self._y + PANEL_HEIGHT, 0
        position = {"h": 1, "w": 24, "x": 0, "y": self._y}
        row = {"type": "row", "title": title, "collapsed": False, "panels": []}
        self.panels.append({**row, "id": self._next_id(), "gridPos": position})
        self._y += 1

    def add(self, panel: Panel) -> None:
        width = panel.width
        if self._x + width > 24:
            self._y, self._x = self._y + PANEL_HEIGHT, 0
        position = {"h": PANEL_HEIGHT, "w": width, "x": self._x, "y": self._y}
        self.panels.append({**grafana_panel(panel), "id": self._next_id(), "gridPos": position})
        self._x += width

    def layout(self, rows: list[Row]) -> list[GrafanaPanel]:
        for row in rows:
            self.row(row.title)
            for panel in row.panels:
                self.add(panel)
        return self.panels
