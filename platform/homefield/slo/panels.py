"""Grafana panel JSON, laid out on the 24-column grid in the order panels are added."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Panel = dict[str, Any]
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
PANEL_WIDTH = 8
PANEL_HEIGHT = 8


def target(expr: str, legend: str, *, instant: bool = False) -> dict[str, Any]:
    query: dict[str, Any] = {"datasource": DATASOURCE, "expr": expr, "legendFormat": legend}
    if instant:
        query.update(instant=True, range=False, format="table")
    return query


def timeseries(title: str, expr: str, legend: str, unit: str = "short") -> Panel:
    return {
        "type": "timeseries",
        "title": title,
        "datasource": DATASOURCE,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [target(expr, legend)],
    }


def stat(title: str, expr: str, legend: str, unit: str = "percent") -> Panel:
    return {
        "type": "stat",
        "title": title,
        "datasource": DATASOURCE,
        "fieldConfig": {"defaults": {"unit": unit, "decimals": 2}, "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "textMode": "value_and_name"},
        "targets": [target(expr, legend)],
    }


def bargauge(title: str, expr: str, legend: str) -> Panel:
    return {
        "type": "bargauge",
        "title": title,
        "datasource": DATASOURCE,
        "fieldConfig": {"defaults": {"unit": "percent", "min": 0, "max": 100}, "overrides": []},
        "options": {"orientation": "horizontal", "reduceOptions": {"calcs": ["lastNotNull"]}},
        "targets": [target(expr, legend)],
    }


def table(title: str, expr: str) -> Panel:
    return {
        "type": "table",
        "title": title,
        "datasource": DATASOURCE,
        "targets": [target(expr, "", instant=True)],
    }


def alert_list(title: str, label_filter: str) -> Panel:
    return {
        "type": "alertlist",
        "title": title,
        "options": {
            "alertInstanceLabelFilter": label_filter,
            "groupMode": "default",
            "maxItems": 50,
            "showInstances": True,
            "sortOrder": 1,
            "stateFilter": {"firing": True, "pending": True, "normal": False},
            "viewMode": "list",
        },
    }


@dataclass
class Grid:
    """Places rows and panels top to bottom, three panels to a line, with stable ids."""

    panels: list[Panel] = field(default_factory=list)
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

    def add(self, panel: Panel, width: int = PANEL_WIDTH) -> None:
        if self._x + width > 24:
            self._y, self._x = self._y + PANEL_HEIGHT, 0
        position = {"h": PANEL_HEIGHT, "w": width, "x": self._x, "y": self._y}
        self.panels.append({**panel, "id": self._next_id(), "gridPos": position})
        self._x += width
