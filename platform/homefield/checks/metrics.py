"""metrics.naming: new Prometheus metrics are snake_case, counters end in _total, units are base."""

from __future__ import annotations

import re

from homefield.checks.context import Context
from homefield.checks.model import Finding
from homefield.ownership import service_of

RULE = "metrics.naming"
_DEFINITION = re.compile(
    r"\b(Counter|Gauge|Histogram|Summary)\(\s*(?:name\s*=\s*)?[\"']([^\"']*)[\"']"
)
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
    for path, lines in sorted(ctx.added_lines.items()):
        if not path.endswith(".py"):
            continue
        # Joined, so a definition that a formatter splits over lines is still one match.
        for kind, name in _DEFINITION.findall("\n".join(lines)):
            for problem in naming_problems(kind, name):
                findings.append(Finding(RULE, "block", problem, service_of(path), path))
    return findings
