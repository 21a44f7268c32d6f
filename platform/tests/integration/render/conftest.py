import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from homefield.catalog.registrations import bootstrap_path

REPO = Path(__file__).resolve().parents[4]
CATALOG_FILES = ("service.yaml", "slo.yaml", "OWNERS", "RUNBOOK.md", "pyproject.toml")


def homefield(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "homefield"), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


Homefield = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def run_homefield() -> Homefield:
    """Run the real `homefield` command: ``run_homefield("render", "--check", cwd=path)``."""
    return homefield


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh `homefield render --out DIR` of this checkout."""
    out = tmp_path_factory.mktemp("rendered")
    result = homefield("render", "--out", str(out), cwd=REPO)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    """A copy of the catalog files only (teams, OWNERS, every service's descriptors and the
    bootstrap.py that render reads registered names from)."""
    for name in ("teams.yaml", "OWNERS"):
        shutil.copy(REPO / name, tmp_path / name)
    for service in sorted((REPO / "services").iterdir()):
        if not (service / "service.yaml").is_file():
            continue
        target = tmp_path / "services" / service.name
        target.mkdir(parents=True)
        for name in CATALOG_FILES:
            if (service / name).is_file():
                shutil.copy(service / name, target / name)
        bootstrap = tmp_path / bootstrap_path(service.name)
        bootstrap.parent.mkdir(parents=True)
        shutil.copy(REPO / bootstrap_path(service.name), bootstrap)
    return tmp_path
