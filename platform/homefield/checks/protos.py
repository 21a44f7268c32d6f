"""protos.lint and protos.breaking: the real buf CLI on the head protos, against the base."""

from __future__ import annotations

import json
import posixpath
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from homefield.checks.context import Context
from homefield.checks.model import Finding, Severity
from homefield.ownership import GitError, service_of

LINT = "protos.lint"
BREAKING = "protos.breaking"


def find_buf(root: Path) -> str | None:
    """The buf CLI from PyPI's buf-bin: the repo's .venv, next to this Python, or on PATH."""
    for candidate in (root / ".venv/bin/buf", Path(sys.executable).parent / "buf"):
        if candidate.is_file():
            return str(candidate)
    return shutil.which("buf")


def _proto_changes(ctx: Context) -> list[str]:
    return [
        c.path
        for c in ctx.changes
        if c.path.startswith("protos/")
        and (c.path.endswith(".proto") or posixpath.basename(c.path) == "buf.yaml")
    ]


def check(ctx: Context) -> list[Finding]:
    changed = _proto_changes(ctx)
    if not changed:
        return []
    if not ctx.run_buf:
        return [Finding(LINT, "warn", "buf rules were switched off (--no-buf): protos not checked")]
    buf = find_buf(ctx.repo.root)
    if buf is None:
        return [Finding(LINT, "warn", "buf not found: run `make setup`; protos were not checked")]
    with tempfile.TemporaryDirectory(prefix="homefield-protos-") as tmp:
        try:
            ctx.repo.archive(ctx.head, "protos", Path(tmp))
        except GitError as exc:
            return [Finding(LINT, "block", f"protos not checked: {exc}", path="protos")]
        module = Path(tmp) / "protos"
        if not (module / "buf.yaml").is_file():
            return [Finding(LINT, "warn", "protos/buf.yaml is missing at head: protos not checked")]
        live = [p for p in changed if p.endswith(".proto") and (Path(tmp) / p).is_file()]
        findings = _lint(buf, module, live) if live else []
        if ctx.read("base", ["protos/buf.yaml"])["protos/buf.yaml"] is not None:
            against = f"{ctx.repo.git_dir()}#ref={ctx.base},subdir=protos"
            findings += _run(buf, module, BREAKING, ["breaking", "--against", against])
    return findings


def _lint(buf: str, module: Path, paths: list[str]) -> list[Finding]:
    args = ["lint"]
    for path in paths:
        args += ["--path", path.removeprefix("protos/")]
    return _run(buf, module, LINT, args)


def _run(buf: str, module: Path, rule: str, args: list[str]) -> list[Finding]:
    proc = subprocess.run(
        [buf, *args, "--error-format", "json"],
        cwd=module,
        capture_output=True,
        text=True,
        check=False,
    )
    findings = [_finding(rule, line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 and not findings:
        detail = (
            proc.stderr.strip() or proc.stdout.strip() or f"exit {proc.returncode}"
        ).splitlines()
        findings.append(Finding(rule, "block", f"buf {args[0]} failed: {detail[0]}"))
    return findings


def _finding(rule: str, line: str) -> Finding:
    data = json.loads(line)
    path = f"protos/{data.get('path', '')}"
    where = f"{path}:{data.get('start_line', 0)}"
    severity: Severity = "block"
    message = f"{where}: {data.get('type', '')}: {data.get('message', '')}"
    return Finding(rule, severity, message, service_of(path), path)
