"""`homefield credit` as text for a terminal and as Markdown for a review or a wiki page."""

from __future__ import annotations

from typing import Any


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} ms"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _figures(row: dict[str, Any]) -> str:
    return (
        f"{row['service']} {row['slo']}: budget/day {_pct(row['budget_spent_before'])} -> "
        f"{_pct(row['budget_spent_after'])}, p99 {_ms(row['p99_before_ms'])} -> "
        f"{_ms(row['p99_after_ms'])}"
    )


def _change(row: dict[str, Any]) -> str:
    where = "home" if row["home"] else "away"
    downstream = ", ".join(row["downstream"]) or "none"
    when, commit = row["merged_at"][:10], row["change"][:12]
    return f"{when} {commit} {row['service']} ({where}); downstream: {downstream}"


def render_text(report: dict[str, Any], notes: list[str]) -> str:
    lines = [f"credit since {report['since']}", *notes, "", "InnerSource ratio (away / all):"]
    lines += [f"  {r['service']:<16} {r['ratio']:.2f}" for r in report["innersource"]] or ["  -"]
    for team in report["teams"]:
        lines += ["", f"== {team['team']} ==", "impact (every change shipped, home or away):"]
        for row in team["impact"]:
            lines.append(f"  {_change(row)}")
            lines += [f"    positive: {p}" for p in row["positive"]]
            lines += [f"    {_figures(s)}" for s in row["slo_after"]]
        lines.append("contributed (away changes to other teams' services):")
        lines += [
            f"  {c['service']} ({c['home_team']}): {_count(c['changes'], 'change')}, "
            f"{_count(c['lines'], 'line')}, {_count(c['tests_added'], 'test')} added; "
            f"downstream: {', '.join(c['downstream']) or 'none'}"
            for c in team["contributed"]
        ] or ["  -"]
        lines.append("received (away changes to this team's services):")
        lines += [
            f"  {r['service']} from {r['from_team']}: {_count(r['changes'], 'change')}, "
            f"{_count(r['lines'], 'line')}"
            for r in team["received"]
        ] or ["  -"]
    return "\n".join(lines) + "\n"


def render_markdown(report: dict[str, Any], notes: list[str]) -> str:
    lines = [f"## Credit since {report['since']}", *[f"> {n}" for n in notes], ""]
    lines += ["| service | InnerSource ratio |", "|---|---|"]
    lines += [f"| {r['service']} | {r['ratio']:.2f} |" for r in report["innersource"]]
    for team in report["teams"]:
        lines += [
            "",
            f"### {team['team']}",
            "",
            "| change | merged | service | | downstream | positive |",
        ]
        lines.append("|---|---|---|---|---|---|")
        for row in team["impact"]:
            lines.append(
                f"| `{row['change'][:12]}` | {row['merged_at'][:10]} | {row['service']} | "
                f"{'home' if row['home'] else 'away'} | {', '.join(row['downstream']) or '-'} | "
                f"{'; '.join(row['positive']) or '-'} |"
            )
        lines += [
            "",
            "| contributed to | home team | changes | lines | tests added |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {c['service']} | {c['home_team']} | {c['changes']} | {c['lines']} | "
            f"{c['tests_added']} |"
            for c in team["contributed"]
        ]
        lines += ["", "| received on | from team | changes | lines |", "|---|---|---|---|"]
        lines += [
            f"| {r['service']} | {r['from_team']} | {r['changes']} | {r['lines']} |"
            for r in team["received"]
        ]
    return "\n".join(lines) + "\n"
