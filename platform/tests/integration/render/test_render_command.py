import subprocess
from collections.abc import Callable
from pathlib import Path

Homefield = Callable[..., subprocess.CompletedProcess[str]]


def test_committed_output_matches_a_fresh_render(run_homefield: Homefield, repo_root: Path) -> None:
    result = run_homefield("render", "--check", cwd=repo_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "generated files are up to date" in result.stdout


def test_rendering_twice_changes_nothing(run_homefield: Homefield, scratch_repo: Path) -> None:
    first = run_homefield("render", cwd=scratch_repo)
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in scratch_repo.rglob("*") if p.is_file()}
    second = run_homefield("render", cwd=scratch_repo)
    assert second.returncode == 0 and " 0 written, 0 deleted" in second.stdout
    assert {p: p.read_bytes() for p in scratch_repo.rglob("*") if p.is_file()} == before


def test_check_lists_hand_edits_and_stale_files_and_exits_1(
    run_homefield: Homefield, scratch_repo: Path
) -> None:
    assert run_homefield("render", cwd=scratch_repo).returncode == 0
    rules = scratch_repo / "deploy/prometheus/rules/orders.rules.yml"
    rules.write_text(rules.read_text() + "# tweaked by hand\n")
    (scratch_repo / "deploy/k8s/services/gone").mkdir()
    (scratch_repo / "deploy/k8s/services/gone/deployment.yaml").write_text("kind: Deployment\n")
    result = run_homefield("render", "--check", cwd=scratch_repo)
    assert result.returncode == 1
    assert "would change: deploy/prometheus/rules/orders.rules.yml" in result.stdout
    assert "would delete: deploy/k8s/services/gone/deployment.yaml" in result.stdout
    assert run_homefield("render", cwd=scratch_repo).returncode == 0
    assert not (scratch_repo / "deploy/k8s/services/gone/deployment.yaml").exists()
    assert run_homefield("render", "--check", cwd=scratch_repo).returncode == 0


def test_render_writes_where_out_points(
    run_homefield: Homefield, scratch_repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "elsewhere"
    result = run_homefield("render", "--out", str(out), cwd=scratch_repo)
    assert result.returncode == 0, result.stderr
    assert (out / "deploy/alertmanager/alertmanager.yml").is_file()
    assert not (scratch_repo / "deploy").exists()


def test_window_scale_is_test_only(
    run_homefield: Homefield, scratch_repo: Path, tmp_path: Path
) -> None:
    refused = run_homefield("render", "--window-scale", "60", cwd=scratch_repo)
    assert refused.returncode == 2 and "test-only" in refused.stderr
    assert not (scratch_repo / "deploy").exists()
    out = tmp_path / "gameday"
    too_short = run_homefield("render", "--window-scale", "60", "--out", str(out), cwd=scratch_repo)
    assert too_short.returncode == 2 and "at most 20" in too_short.stderr
    result = run_homefield("render", "--window-scale", "20", "--out", str(out), cwd=scratch_repo)
    assert result.returncode == 0, result.stderr
    rules = (out / "deploy/prometheus/rules/payments.rules.yml").read_text()
    assert "[3m]" in rules and "[15s]" in rules and "[1h]" not in rules
    assert "record: slo:sli_error:ratio_rate1h" in rules


def test_a_render_into_a_temporary_directory_equals_the_committed_tree(
    rendered: Path, repo_root: Path
) -> None:
    fresh = {p.relative_to(rendered).as_posix() for p in rendered.rglob("*") if p.is_file()}
    committed = {
        p.relative_to(repo_root).as_posix()
        for p in (repo_root / "deploy").rglob("*")
        if p.is_file()
    } | {"Dockerfile"}
    assert fresh == committed
    drifted = [
        n for n in sorted(fresh) if (rendered / n).read_bytes() != (repo_root / n).read_bytes()
    ]
    assert not drifted, f"run `make render` and commit: {drifted}"
