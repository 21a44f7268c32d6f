"""protos.lint and protos.breaking: the real buf CLI on the head protos, against the base."""

from __future__ import annotations

import json
import posixpath
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from homefield import protogen
from homefield.checks.context import Context
from homefield.checks.model import Finding, Severity
from homefield.ownership import service_of

LINT = "protos.lint"
BREAKING = "protos.breaking"
BUF_CONFIG = ("protos/buf.yaml", "protos/buf.lock", "protos/buf.work.yaml")


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
        root = Path(tmp)
        ctx.export("head", _is_module_file, root)
        module = root / "protos"
        source = _use_base_configuration(ctx, module)
        if source is None:
            return [Finding(LINT, "warn", "no protos/buf.yaml at base or head: protos not checked")]
        live = [p for p in changed if p.endswith(".proto") and (root / p).is_file()]
        findings = [_symlink(p) for p in changed if p in _links(ctx)]
        findings += _lint(buf, module, live) if live else []
        if source == "base":
            against = f"{ctx.repo.git_dir()}#ref={ctx.base},subdir=protos"
            findings += _run(buf, module, BREAKING, ["breaking", "--against", against])
    return findings


def _is_module_file(path: str) -> bool:
    return path.startswith(f"{protogen.PROTOS}/") and not protogen.is_generated(path)


def _use_base_configuration(ctx: Context, module: Path) -> str | None:
    """Put the base's buf configuration over the head's: a change never picks its own rules.

    Returns where the configuration came from ("base", or "head" when the base has none yet).
    """
    base = ctx.read("base", list(BUF_CONFIG))
    if base["protos/buf.yaml"] is None:
        return "head" if (module / "buf.yaml").is_file() else None
    for path, text in base.items():
        target = module / path.removeprefix("protos/")
        target.unlink(missing_ok=True)
        if text is not None:
            target.write_text(text, encoding="utf-8")
    return "base"


def _links(ctx: Context) -> set[str]:
    return {p for p, e in ctx.head_tree.items() if p.startswith("protos/") and e.is_symlink}


def _symlink(path: str) -> Finding:
    message = f"{path} is a symlink: buf does not check a proto by a link; commit the file itself"
    return Finding(LINT, "block", message, service_of(path), path)


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
