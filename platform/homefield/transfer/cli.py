"""`homefield transfer SERVICE --to TEAM`: prepare the change that hands a service over."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from typing import Annotated

import typer

from homefield.catalog import Catalog, CatalogError
from homefield.transfer.plan import (
    TransferError,
    TransferPlan,
    apply_transfer,
    open_alerts,
    plan_transfer,
    reload,
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def transfer(
    service: Annotated[str, typer.Argument(help="The service to hand over (its directory name).")],
    to: Annotated[str, typer.Option("--to", help="The team taking it over (from teams.yaml).")],
    alertmanager: Annotated[
        str | None, typer.Option(help="Alertmanager to read open alerts from (default: make up's).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write nothing; show what would change.")
    ] = False,
    output: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Rewrite the service's OWNERS (and its protos'), add a CHANGELOG line and re-render the
    alert routing, then list what the new team takes over. Commit the result as one change:
    `homefield check` treats it as high impact (approvers of both teams and a bar raiser)."""
    from homefield.local.parts import StackLayout

    if output not in ("text", "json"):
        raise _fail(f"--format must be text or json, got {output!r}")
    try:
        catalog = Catalog.load()
        plan = plan_transfer(catalog, service, to)
    except (CatalogError, TransferError) as exc:
        raise _fail(str(exc)) from None
    url = alertmanager or StackLayout.for_repo(catalog.root).alertmanager_url
    alerts, problem = open_alerts(url, service)
    plan = replace(
        plan, takeover=replace(plan.takeover, open_alerts=alerts, alerts_problem=problem)
    )
    written: list[str] = []
    if not dry_run:
        written = _write(catalog, plan)
    if output == "json":
        typer.echo(json.dumps({**asdict(plan), "written": written, "dry_run": dry_run}, indent=2))
    else:
        typer.echo(render_plan(plan, written, dry_run), nl=False)


def _write(catalog: Catalog, plan: TransferPlan) -> list[str]:
    from homefield.render.files import write_tree
    from homefield.render.tree import render_tree

    _refuse_unsaved_edits(catalog, plan)
    try:
        written = apply_transfer(catalog.root, plan)
        fresh = reload(catalog)
        rendered = write_tree(fresh.root, render_tree(fresh))
    except (TransferError, CatalogError, OSError) as exc:
        raise _fail(str(exc)) from None
    return [*written, *rendered.changed]


def _refuse_unsaved_edits(catalog: Catalog, plan: TransferPlan) -> None:
    """A transfer writes whole files: uncommitted edits to them would be lost or mixed in."""
    from homefield.ownership import GitError, GitRepo

    try:
        out = GitRepo(catalog.root).run("status", "--porcelain", "--", *plan.owners, plan.changelog)
    except GitError:
        return  # not a git checkout: nothing to compare with
    dirty = [line[3:] for line in out.decode().splitlines() if line.strip()]
    if dirty:
        raise _fail(f"commit or stash your edits to {', '.join(dirty)} before a transfer")


def render_plan(plan: TransferPlan, written: list[str], dry_run: bool) -> str:
    take = plan.takeover
    verb = "would change" if dry_run else "changed"
    lines = [f"transfer {plan.service}: {plan.old_team} -> {plan.new_team}", ""]
    lines += [f"{verb}:"] + [f"  {p}" for p in (written or [*plan.owners, plan.changelog])]
    if dry_run:
        lines.append("  and the deploy/ files that render from OWNERS (alert routing, manifests)")
    lines += ["", f"{plan.new_team} takes over:"]
    lines.append(f"  SLOs:             {', '.join(take.slos) or '-'}")
    alerts = take.alerts_problem or (", ".join(take.open_alerts) or "none firing")
    lines.append(f"  open alerts:      {alerts}")
    lines.append(f"  runbook sections: {', '.join(take.runbook_sections) or '-'}")
    downstream = ", ".join(f"{s} ({t})" for s, t in take.dependants) or "-"
    lines.append(f"  dependants:       {downstream}")
    lines += [
        "",
        "next: commit this as one change and open a pull request; homefield check will ask for",
        f"an approver of {plan.old_team}, an approver of {plan.new_team} and a bar raiser.",
    ]
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    """Add `homefield transfer` to the `homefield` app."""
    app.command()(transfer)
