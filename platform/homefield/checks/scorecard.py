"""The service scorecard: is every service's house in order (OWNERS, SLOs, runbook, docs, tests)?"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from homefield.catalog import (
    CatalogError,
    Owners,
    ServiceSpec,
    SloFile,
    Teams,
    parse_owners,
    parse_service,
    parse_slos,
    parse_teams,
)
from homefield.catalog.markdown import anchors
from homefield.checks.defaults import DEFAULT_CHECKS, ServiceSources
from homefield.ownership import GitRepo, OwnersIndex, is_owners_file, service_of

COLUMNS = (
    "OWNERS",
    "team",
    "service.yaml",
    "slo.yaml",
    "runbook",
    "PRFAQ",
    "CHANGELOG",
    "tests",
    "owned",
    "defaults",
)
_DOCS = ("OWNERS", "service.yaml", "slo.yaml", "RUNBOOK.md", "PRFAQ.md", "CHANGELOG.md")


@dataclass
class ServiceScore:
    """One service's row: each column is None when it passes, or the problem found."""

    name: str
    team: str | None = None
    tier: int | None = None
    problems: dict[str, str | None] = field(default_factory=dict)
    # Platform defaults the service departs from, as declared: standard -> reason and evidence.
    deviations: dict[str, str] = field(default_factory=dict)

    def cell(self, column: str) -> str:
        if self.problems[column] is not None:
            return "FAIL"
        return "deviates" if column == "defaults" and self.deviations else "ok"

    @property
    def passed(self) -> bool:
        return all(problem is None for problem in self.problems.values())


class _Tree:
    def __init__(self, repo: GitRepo, rev: str) -> None:
        self.files = repo.files(rev)
        names = sorted(
            {
                p.split("/")[1]
                for p in self.files
                if p.startswith("services/") and p.endswith("/service.yaml") and p.count("/") == 2
            }
        )
        self.services = names
        wanted = ["teams.yaml", *[p for p in self.files if is_owners_file(p)]]
        wanted += [f"services/{s}/{doc}" for s in names for doc in _DOCS]
        wanted += [f"deploy/grafana/dashboards/{s}.json" for s in names]
        wanted += [p for p in self.files if _is_service_source(p)]
        self.texts = repo.read(rev, list(dict.fromkeys(wanted)))

    def text(self, path: str) -> str | None:
        return self.texts.get(path)


def _is_service_source(path: str) -> bool:
    parts = path.split("/")
    return len(parts) > 3 and parts[0] == "services" and parts[2] == "src" and path.endswith(".py")


def score_services(repo: GitRepo, rev: str = "HEAD") -> list[ServiceScore]:
    """A score per service at ``rev``; a missing or invalid teams.yaml raises CatalogError."""
    tree = _Tree(repo, repo.resolve(rev))
    teams_text = tree.text("teams.yaml")
    if teams_text is None:
        raise CatalogError("teams.yaml", None, f"not found at {rev}")
    teams = parse_teams(teams_text, "teams.yaml")
    index = OwnersIndex(teams, _valid_owners(tree, teams), tree.files)
    return [_score(tree, teams, index, name) for name in tree.services]


def _valid_owners(tree: _Tree, teams: Teams) -> dict[str, Owners]:
    found: dict[str, Owners] = {}
    for path in tree.files:
        text = tree.text(path) if is_owners_file(path) else None
        if text is not None:
            try:
                found[posixpath.dirname(path)] = parse_owners(text, path, teams)
            except CatalogError:
                continue
    return found


def _parse(kind: str, path: str, text: str | None, teams: Teams) -> tuple[Any, str | None]:
    if text is None:
        return None, f"{path} missing"
    try:
        if kind == "OWNERS":
            return parse_owners(text, path, teams), None
        if kind == "service.yaml":
            return parse_service(text, path), None
        return parse_slos(text, path), None
    except CatalogError as exc:
        return None, str(exc)


def _score(tree: _Tree, teams: Teams, index: OwnersIndex, name: str) -> ServiceScore:
    home = f"services/{name}"
    score = ServiceScore(name)
    owners, score.problems["OWNERS"] = _parse(
        "OWNERS", f"{home}/OWNERS", tree.text(f"{home}/OWNERS"), teams
    )
    spec, score.problems["service.yaml"] = _parse(
        "service.yaml", f"{home}/service.yaml", tree.text(f"{home}/service.yaml"), teams
    )
    slos, score.problems["slo.yaml"] = _parse(
        "slo.yaml", f"{home}/slo.yaml", tree.text(f"{home}/slo.yaml"), teams
    )
    score.team = owners.team if owners else None
    score.problems["team"] = _retired_problem(teams, name, score.team)
    score.tier = spec.tier if spec else None
    score.problems["runbook"] = _runbook_problem(tree, home, slos)
    for doc in ("PRFAQ", "CHANGELOG"):
        path = f"{home}/{doc}.md"
        score.problems[doc] = None if tree.text(path) else f"{path} missing or empty"
    tests = [
        p
        for p in tree.files
        if p.startswith(f"{home}/tests/") and posixpath.basename(p).startswith("test_")
    ]
    score.problems["tests"] = None if tests else f"no test_*.py under {home}/tests/"
    unowned = [p for p in tree.files if service_of(p) == name and not index.resolve(p).owned]
    score.problems["owned"] = (
        f"{len(unowned)} unowned files, e.g. {unowned[0]}" if unowned else None
    )
    score.problems["defaults"] = _defaults(tree, name, spec, score)
    return score


def _retired_problem(teams: Teams, service: str, team: str | None) -> str | None:
    if team is None or team not in teams.retired:
        return None
    return (
        f"team {team} is retired: transfer {service} (`homefield transfer {service} --to TEAM`)"
        " or delete it"
    )


def _defaults(tree: _Tree, name: str, spec: ServiceSpec | None, score: ServiceScore) -> str | None:
    """Each platform default the service departs from: shown with its reason when declared,
    a problem when not."""
    prefix = f"services/{name}/src/"
    sources = ServiceSources(
        name=name,
        python={p: t for p, t in tree.texts.items() if p.startswith(prefix) and t is not None},
        slo_text=tree.text(f"services/{name}/slo.yaml"),
        dashboard_text=tree.text(f"deploy/grafana/dashboards/{name}.json"),
    )
    undeclared = []
    for standard, check in DEFAULT_CHECKS.items():
        found = check(sources)
        declared = spec.deviation(standard) if spec else None
        if declared is not None:
            evidence = declared.evidence or "NO EVIDENCE"
            score.deviations[standard] = f"{declared.reason} (evidence: {evidence})"
        elif found is not None:
            undeclared.append(f"{standard}: {found}")
    return "; ".join(undeclared) or None


def _runbook_problem(tree: _Tree, home: str, slos: SloFile | None) -> str | None:
    if slos is None:
        return "slo.yaml not valid"
    missing: list[str] = []
    for slo in slos.slos:
        file_part, _, anchor = slo.runbook_ref.partition("#")
        path = posixpath.normpath(posixpath.join(home, file_part or "RUNBOOK.md"))
        text = tree.text(path)
        if text is None:
            return f"{path} missing"
        if anchor and anchor not in anchors(text):
            missing.append(f"#{anchor}")
    return f"no section for {', '.join(missing)}" if missing else None


def blocking(scores: list[ServiceScore]) -> list[ServiceScore]:
    """Failing services that fail the scorecard: tier 1, or a tier that could not be read."""
    return [s for s in scores if not s.passed and s.tier in (1, None)]


def render_scorecard(scores: list[ServiceScore]) -> str:
    header = f"{'service':<14} {'team':<15} {'tier':<5}" + "".join(
        f"{c:<{max(len(c), 8) + 2}}" for c in COLUMNS
    )
    lines = [header + "result"]
    for s in scores:
        cells = "".join(f"{s.cell(c):<{max(len(c), 8) + 2}}" for c in COLUMNS)
        verdict = "pass" if s.passed else "FAIL"
        lines.append(f"{s.name:<14} {s.team or '?':<15} {s.tier or '?':<5}{cells}{verdict}")
    problems = [(s.name, c, p) for s in scores for c, p in s.problems.items() if p is not None]
    if problems:
        lines += ["", "problems:"]
        lines += [f"  {name}: {column}: {problem}" for name, column, problem in problems]
    deviations = [(s.name, std, why) for s in scores for std, why in s.deviations.items()]
    if deviations:
        lines += ["", "deviations (declared in service.yaml):"]
        lines += [f"  {name}: {standard}: {why}" for name, standard, why in deviations]
    return "\n".join(lines) + "\n"


def render_scorecard_markdown(scores: list[ServiceScore]) -> str:
    header = ["service", "team", "tier", *COLUMNS, "result"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for s in scores:
        cells = [f"**{s.cell(c)}**" if s.cell(c) == "FAIL" else s.cell(c) for c in COLUMNS]
        row = [
            s.name,
            s.team or "?",
            str(s.tier or "?"),
            *cells,
            "pass" if s.passed else "**FAIL**",
        ]
        lines.append("| " + " | ".join(row) + " |")
    problems = [(s.name, c, p) for s in scores for c, p in s.problems.items() if p is not None]
    if problems:
        lines += ["", *(f"- `{name}` {column}: {problem}" for name, column, problem in problems)]
    deviations = [(s.name, std, why) for s in scores for std, why in s.deviations.items()]
    if deviations:
        lines += ["", "Deviations (declared in service.yaml):", ""]
        lines += [
            f"- `{name}` deviates from {standard}: {why}" for name, standard, why in deviations
        ]
    return "\n".join(lines) + "\n"
