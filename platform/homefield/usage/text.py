"""`homefield usage` as a table: per team its totals, then each service's signals."""

from __future__ import annotations

from homefield.usage.report import SignalRow, UsageReport

_HEADER = f"{'team / service':<24} {'signal':<9} {'now':>13} {'week ago':>13} {'growth':>8}  flag"


def amount(value: float | None, unit: str) -> str:
    """A reading in its unit: bytes in MiB or GiB, rates with one decimal."""
    if value is None:
        return "-"
    if unit == "bytes":
        if value >= 2**30:
            return f"{value / 2**30:.2f} GiB"
        return f"{value / 2**20:.1f} MiB"
    if unit == "cores":
        return f"{value:.3f} cores"
    return f"{value:.1f} {unit}"


def percent(growth: float | None) -> str:
    return "-" if growth is None else f"{growth:+.0%}"


def _flag(row: SignalRow) -> str:
    words = []
    if row.flagged:
        words.append("FLAGGED")
    elif row.sustained and row.planned_active:
        words.append("planned")
    elif row.growing:
        words.append("growing")
    if row.capacity_flagged:
        words.append(f"CAPACITY (limit {amount(row.limit, row.unit)})")
    return ", ".join(words)


def _growth(now: float | None, baseline: float | None) -> float | None:
    return None if now is None or not baseline else now / baseline - 1


def render_usage(report: UsageReport) -> str:
    lines = [f"usage at {report.at:%Y-%m-%d %H:%M} UTC from {report.prometheus}", "", _HEADER]
    marks: list[str] = []
    for team in report.teams:
        units = {row.signal: row.unit for s in team.services for row in s.signals}
        for signal, (now, base) in team.totals.items():
            label = team.team if signal == next(iter(team.totals)) else ""
            lines.append(
                f"{label:<24} {signal:<9} {amount(now, units[signal]):>13}"
                f" {amount(base, units[signal]):>13} {percent(_growth(now, base)):>8}"
            )
        for service in team.services:
            for index, row in enumerate(service.signals):
                label = f"  {service.service}" if index == 0 else ""
                lines.append(
                    f"{label:<24} {row.signal:<9} {amount(row.now, row.unit):>13}"
                    f" {amount(row.baseline, row.unit):>13} {percent(row.growth):>8}  {_flag(row)}"
                )
                if row.planned is not None:
                    state = "active" if row.planned_active else "EXPIRED"
                    mark = row.planned
                    marks.append(
                        f"  {service.service} {row.signal} until {mark.until} ({state}):"
                        f" {mark.reason} [{mark.link}]"
                    )
        lines.append("")
    lines.append("planned growth:" if marks else "planned growth: none")
    lines += marks
    return "\n".join(lines) + "\n"
