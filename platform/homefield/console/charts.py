"""The service page's charts: the panels of the service's dashboard, read with query_range.

The rows come from ``homefield.slo.dashboards.service_rows``, the same definitions the Grafana
JSON is rendered from, and each query is sent as Grafana would send it (``range_query``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

from homefield.catalog import ServiceEntry
from homefield.console.sources import Matrix, Reading, Sources, read
from homefield.slo.dashboards import service_rows
from homefield.slo.panels import Panel, legend_text, range_query

# The ranges a service page offers, with the step that gives about 120 points each.
RangeName = Literal["1h", "6h", "24h"]
RANGES: dict[RangeName, tuple[int, int]] = {
    "1h": (3600, 30),
    "6h": (6 * 3600, 180),
    "24h": (24 * 3600, 720),
}
DEFAULT_RANGE: RangeName = "1h"


@dataclass(frozen=True)
class Window:
    """The time range every chart on a page shares, aligned to the step."""

    start: int
    end: int
    step: int

    @classmethod
    def ending(cls, now: float, name: RangeName) -> Window:
        seconds, step = RANGES[name]
        end = int(now) // step * step
        return cls(end - seconds, end, step)


@dataclass(frozen=True)
class Chart:
    """One plotted panel: its spec, the query sent and the series Prometheus returned."""

    row: str
    panel: Panel
    query: str
    window: Window
    reading: Reading[Matrix]

    @property
    def series(self) -> list[dict[str, Any]]:
        return [
            {
                "name": legend_text(self.panel.legend, labels),
                "points": points,
                "latest": next((v for _, v in reversed(points) if v is not None), None),
            }
            for labels, points in (self.reading.value or [])
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "title": self.panel.title,
            "kind": self.panel.kind,
            "unit": self.panel.unit,
            "query": self.query,
            "start": self.window.start,
            "end": self.window.end,
            "step": self.window.step,
            "series": self.series,
            "problem": self.reading.problem,
        }


async def service_charts(
    sources: Sources, entry: ServiceEntry, window: Window, scrape_seconds: int
) -> list[Chart]:
    """Every plotted panel of the service's dashboard, queried concurrently."""
    step, scrape = window.step, scrape_seconds
    planned = [
        (row.title, panel, range_query(panel, step_seconds=step, scrape_seconds=scrape))
        for row in service_rows(entry)
        for panel in row.panels
        if panel.plotted
    ]
    readings = await asyncio.gather(
        *(_read_range(sources, query, window) for _, _, query in planned)
    )
    return [
        Chart(row, panel, query, window, reading)
        for (row, panel, query), reading in zip(planned, readings, strict=True)
    ]


async def _read_range(sources: Sources, query: str, window: Window) -> Reading[Matrix]:
    return await read(
        "Prometheus",
        lambda: sources.range(query, start=window.start, end=window.end, step=window.step),
    )
