"""The check report as JSON, plain text (a terminal) and Markdown (a pull-request comment)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homefield.checks.model import Finding, Report, Requirement


def to_json(report: Report) -> dict[str, Any]:
    """The stable JSON contract of ``homefield check --format json``."""
    raiser = report.bar_raiser
    return {
        "verdict": report.verdict,
        "base": report.base,
        "head": report.head,
        "author": report.author,
        "author_team": report.author_team,
        "author_source": report.author_source,
        "services": [
            {
                "name": s.name,
                "home_team": s.home_team,
                "contribution": s.contribution,
                "tier": s.tier,
                "lines": s.lines,
            }
            for s in report.services
        ],
        "findings": [_finding(f) for f in report.findings],
        "approvals": {
            "required": [_requirement(r) for r in report.required],
            "given": [asdict(a) for a in report.given],
            "missing": [_requirement(r) for r in report.missing],
        },
        "bar_raiser": {
            "required": raiser.required,
            "reasons": raiser.reasons,
            "eligible": raiser.eligible,
            "satisfied_by": raiser.satisfied_by,
            "override": asdict(raiser.override) if raiser.override else None,
        },
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "service": finding.service,
        "path": finding.path,
        "message": finding.message,
    }


def _requirement(requirement: Requirement) -> dict[str, Any]:
    data = asdict(requirement)
    data["any_of"] = list(requirement.any_of)
    return data


def _override_line(report: Report) -> str | None:
    override = report.bar_raiser.override
    if override is None:
        return None
    return (
        f"BAR-RAISER OVERRIDE by {override.by} in {override.commit[:12]}: {override.reason} "
        "(recorded in `homefield ledger`)"
    )


def _author(report: Report, quote: str = "") -> str:
    name = f"{quote}{report.author}{quote} ({report.author_team or 'not in teams.yaml'})"
    return f"{name}, identified by {report.author_source}" if report.author_source else name


def _raiser_line(report: Report) -> str:
    raiser = report.bar_raiser
    if not raiser.required:
        return "not required"
    why = "; ".join(raiser.reasons)
    if raiser.satisfied_by:
        return f"required ({why}): approved by {raiser.satisfied_by}"
    if raiser.override:
        return f"required ({why}): OVERRIDDEN"
    return f"required ({why}): missing; eligible: {', '.join(raiser.eligible) or 'nobody'}"


def render_text(report: Report) -> str:
    lines = [
        f"homefield check: {report.verdict.upper()}",
        f"range:  {report.base[:12]}..{report.head[:12]}",
        f"author: {_author(report)}",
    ]
    override = _override_line(report)
    if override:
        lines += ["", f"!!! {override} !!!"]
    lines += ["", "services:", *(_text_services(report) or ["  (none)"])]
    lines += ["", "findings:", *(_text_findings(report) or ["  (none)"])]
    lines += ["", "approvals:"]
    lines += [f"  given:   {a.person} ({a.team})" for a in report.given] or ["  given:   none"]
    lines += [f"  missing: {r.reason}" for r in report.missing]
    lines += ["", f"bar raiser: {_raiser_line(report)}"]
    return "\n".join(lines) + "\n"


def _text_services(report: Report) -> list[str]:
    lines: list[str] = []
    for s in report.services:
        tier = f"tier {s.tier}" if s.tier else "no tier"
        lines.append(
            f"  {s.name:<14} {s.contribution:<5} home team {s.home_team}, {tier}, {s.lines} lines"
        )
    return lines


def _text_findings(report: Report) -> list[str]:
    lines: list[str] = []
    for f in report.findings:
        where = " ".join(part for part in (f.service, f.path) if part)
        lines.append(f"  {f.severity.upper():<5} {f.rule}  {where}".rstrip())
        lines.append(f"        {f.message}")
    return lines


def render_markdown(report: Report) -> str:
    mark = "passed" if report.verdict == "pass" else "**blocked**"
    lines = [f"### homefield check: {mark}", ""]
    override = _override_line(report)
    if override:
        lines += ["> [!WARNING]", f"> **{override}**", ""]
    lines += [f"Author: {_author(report, '`')}", ""]
    if report.services:
        lines += ["| service | home team | contribution | tier | lines |", "|---|---|---|---|---|"]
        lines += [
            f"| {s.name} | {s.home_team} | {s.contribution} | {s.tier or '-'} | {s.lines} |"
            for s in report.services
        ]
        lines.append("")
    if report.findings:
        lines += ["| severity | rule | where | message |", "|---|---|---|---|"]
        for f in report.findings:
            where = " ".join(f"`{part}`" for part in (f.service, f.path) if part) or "-"
            message = f.message.replace("|", "\\|")
            lines.append(f"| {f.severity} | `{f.rule}` | {where} | {message} |")
    else:
        lines.append("No findings.")
    given = ", ".join(f"{a.person} ({a.team})" for a in report.given) or "none"
    lines += ["", f"**Approvals given:** {given}"]
    lines += [f"- missing: {r.reason}" for r in report.missing]
    lines += ["", f"**Bar raiser:** {_raiser_line(report)}"]
    return "\n".join(lines) + "\n"
