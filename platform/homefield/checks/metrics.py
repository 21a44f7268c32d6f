"""metrics.naming: new Prometheus metrics are snake_case, counters end in _total, units are base."""

from __future__ import annotations

import re

from homefield.checks.context import Context
from homefield.checks.model import Finding
from homefield.checks.python_source import (
    MetricDefinition,
    UnparsableSource,
    changed_python,
    metric_definitions,
)
from homefield.ownership import service_of

RULE = "metrics.naming"
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_NON_BASE_UNITS = {
    "ms": "seconds",
    "msec": "seconds",
    "millis": "seconds",
    "milliseconds": "seconds",
    "us": "seconds",
    "microseconds": "seconds",
    "ns": "seconds",
    "nanoseconds": "seconds",
    "minutes": "seconds",
    "hours": "seconds",
    "days": "seconds",
    "kb": "bytes",
    "kilobytes": "bytes",
    "mb": "bytes",
    "megabytes": "bytes",
    "gb": "bytes",
    "gigabytes": "bytes",
    "bits": "bytes",
    "percent": "ratio",
}


def naming_problems(kind: str, name: str) -> list[str]:
    """What is wrong with a metric ``name`` defined as ``kind`` (empty when it is fine)."""
    if not _SNAKE.match(name):
        return [f"{name!r} is not snake_case"]
    problems: list[str] = []
    if kind == "Counter" and not name.endswith("_total"):
        problems.append(f"counter {name!r} must end in _total")
    if kind != "Counter" and name.endswith("_total"):
        problems.append(f"{kind.lower()} {name!r} must not end in _total (only counters do)")
    stem = name.removesuffix("_total")
    for part in stem.split("_")[1:]:
        base = _NON_BASE_UNITS.get(part)
        if base:
            problems.append(f"{name!r} uses unit {part!r}: use base units (_{base})")
    return problems


def check(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for item in changed_python(ctx):
        if isinstance(item, UnparsableSource):
            continue  # boundaries reports it for services; elsewhere the tests will
        before = {d.key for d in metric_definitions(item.base)} if item.base else set()
        for definition in metric_definitions(item.head):
            if definition.key in before:
                continue
            where = f"{item.path}:{definition.line}"
            for problem in _problems(definition):
                findings.append(
                    Finding(RULE, "block", f"{where}: {problem}", service_of(item.path), item.path)
                )
    return findings


def _problems(definition: MetricDefinition) -> list[str]:
    if definition.name is None:
        return [
            f"{definition.kind.lower()} name is not a string literal ({definition.expression}): "
            "a computed name cannot be checked against the naming rules, so write it out"
        ]
    return naming_problems(definition.kind, definition.name)
