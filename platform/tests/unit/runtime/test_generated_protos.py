"""The committed generated code must match what `make protos` produces from the protos."""

import filecmp
import shutil
from pathlib import Path

from homefield.catalog import find_repo_root
from homefield.protogen import generate


def test_committed_generated_code_matches_the_protos(tmp_path: Path) -> None:
    repo = find_repo_root(Path(__file__))
    shutil.copytree(repo / "protos", tmp_path / "protos", ignore=shutil.ignore_patterns("gen"))
    generate(tmp_path / "protos")
    fresh, committed = tmp_path / "protos" / "gen", repo / "protos" / "gen"
    fresh_files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    committed_files = sorted(
        p.relative_to(committed)
        for p in committed.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert fresh_files == committed_files, "run `make protos` and commit protos/gen"
    _, mismatch, errors = filecmp.cmpfiles(
        fresh, committed, [str(p) for p in fresh_files], shallow=False
    )
    assert mismatch == [] and errors == [], f"drifted from the protos: {mismatch or errors}"
