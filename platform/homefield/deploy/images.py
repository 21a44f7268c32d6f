"""`make images`: one container image per service, built from the one Dockerfile with no network.

Wheels are built on the host (uv export + pip wheel for the locked dependencies, uv build for the
workspace members) into a build context that also holds the catalog files the runtime reads. The
image build itself runs with ``--network none`` and installs only from those wheels, so it needs
no package index and no registry beyond its base image.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from homefield.catalog import Catalog, ServiceEntry
from homefield.deploy.env import image_name

DEFAULT_BASE_IMAGE = "python:3.11-slim-bookworm"
# The files under the context's catalog/ that Catalog.load reads in the image.
CATALOG_FILES = ("service.yaml", "OWNERS", "slo.yaml")
WORKSPACE_PACKAGES = ("homefield", "homefield-protos")


class ImageError(Exception):
    """A step of the image build failed; the message names the step and quotes its output."""


@dataclass(frozen=True)
class BuildPlan:
    """What `make images` builds: which services, on which base, in which context directory."""

    catalog: Catalog
    services: Sequence[ServiceEntry]
    base_image: str
    context: Path

    def tag(self, entry: ServiceEntry) -> str:
        return f"{image_name(entry.name)}:{entry.version}"


def run_step(what: str, argv: Sequence[str], *, cwd: Path) -> str:
    """Run one build step; on failure raise ImageError quoting the tail of its output."""
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise ImageError(f"{what}: {exc.filename} is not installed") from None
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise ImageError(f"{what} failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def uv_binary() -> str:
    found = shutil.which("uv") or str(Path.home() / ".local/bin/uv")
    if not Path(found).exists():
        raise ImageError("uv is not installed: run `make setup`")
    return found


def build_wheels(plan: BuildPlan, progress: Callable[[str], None]) -> Path:
    """Every wheel the chosen services need, into ``<context>/wheels``."""
    root, uv = plan.catalog.root, uv_binary()
    wheels = plan.context / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    wheels.mkdir(parents=True)
    packages = [*WORKSPACE_PACKAGES, *(f"homefield-{entry.name}" for entry in plan.services)]
    requirements = plan.context / "requirements.txt"
    locked: set[str] = set()
    for entry in plan.services:
        export = [uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-workspace"]
        text = run_step(
            f"uv export for {entry.name}",
            [*export, "--no-header", "--package", f"homefield-{entry.name}"],
            cwd=root,
        )
        locked.update(line for line in text.splitlines() if line and not line.startswith("#"))
    requirements.write_text("\n".join(sorted(locked)) + "\n")
    progress(f"building {len(locked)} locked dependencies as wheels (pip wheel)")
    run_step(
        "pip wheel",
        [uv, "tool", "run", "--python", sys.executable, "--from", "pip", "pip", "wheel"]
        + ["--quiet", "--no-deps", "-r", str(requirements), "--wheel-dir", str(wheels)],
        cwd=root,
    )
    progress(f"building the workspace wheels: {', '.join(packages)}")
    for package in packages:
        run_step(
            f"uv build {package}",
            [uv, "build", "--quiet", "--wheel", "--package", package, "--out-dir", str(wheels)],
            cwd=root,
        )
    return wheels


def stage_catalog(plan: BuildPlan) -> None:
    """teams.yaml, the root OWNERS and each service's catalog files, as the runtime reads them."""
    target = plan.context / "catalog"
    shutil.rmtree(target, ignore_errors=True)
    (target / "services").mkdir(parents=True)
    root = plan.catalog.root
    for name in ("teams.yaml", "OWNERS"):
        shutil.copy2(root / name, target / name)
    for entry in plan.catalog.services.values():
        service_dir = target / "services" / entry.directory.name
        service_dir.mkdir()
        for name in CATALOG_FILES:
            shutil.copy2(entry.directory / name, service_dir / name)


def build_image(plan: BuildPlan, entry: ServiceEntry, docker: str) -> str:
    tag = plan.tag(entry)
    run_step(
        f"docker build of {entry.name}",
        [docker, "build", "--network", "none", "--file", str(plan.catalog.root / "Dockerfile")]
        + ["--build-arg", f"SERVICE={entry.name}", "--build-arg", f"BASE_IMAGE={plan.base_image}"]
        + ["--tag", tag, str(plan.context)],
        cwd=plan.catalog.root,
    )
    return tag


def build_images(plan: BuildPlan, progress: Callable[[str], None]) -> list[str]:
    """Build the wheels once, then one image per service; return the tags built."""
    docker = shutil.which("docker")
    if docker is None:
        raise ImageError("docker is not installed (Debian: apt-get install docker.io)")
    run_step("docker info (is an engine running?)", [docker, "info", "--format", "ok"], cwd=Path())
    build_wheels(plan, progress)
    stage_catalog(plan)
    tags = []
    for entry in plan.services:
        progress(f"building {plan.tag(entry)} on {plan.base_image}")
        tags.append(build_image(plan, entry, docker))
    return tags
