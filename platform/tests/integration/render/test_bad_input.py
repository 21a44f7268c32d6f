import subprocess
from collections.abc import Callable
from pathlib import Path

Homefield = Callable[..., subprocess.CompletedProcess[str]]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_an_slo_on_a_topic_the_service_does_not_consume_names_file_line_and_field(
    run_homefield: Homefield,
    scratch_repo: Path,
) -> None:
    slo = scratch_repo / "services/payments/slo.yaml"
    _replace(slo, "topic: orders.v1", "topic: shipping.v1")
    result = run_homefield("render", cwd=scratch_repo)
    assert result.returncode == 2
    line = next(
        i for i, text in enumerate(slo.read_text().splitlines(), 1) if "shipping.v1" in text
    )
    assert f"services/payments/slo.yaml:{line}: slos.1.sli.topic:" in result.stderr
    assert "'shipping.v1' is not in service.yaml consumes" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (scratch_repo / "deploy").exists()


def test_a_grpc_sli_on_a_service_without_grpc_is_rejected(
    run_homefield: Homefield, scratch_repo: Path
) -> None:
    slo = scratch_repo / "services/notifications/slo.yaml"
    _replace(
        slo,
        "{kind: consumer-lag, topic: orders.v1, max_lag_seconds: 60}",
        "{kind: grpc-availability, method: Send}",
    )
    result = run_homefield("render", cwd=scratch_repo)
    assert result.returncode == 2
    assert "services/notifications/slo.yaml:" in result.stderr
    assert "slos.0.sli.kind: grpc-availability needs a grpc server" in result.stderr


def test_a_threshold_that_is_no_bucket_bound_is_rejected(
    run_homefield: Homefield, scratch_repo: Path
) -> None:
    _replace(scratch_repo / "services/orders/slo.yaml", "threshold_ms: 250", "threshold_ms: 270")
    result = run_homefield("render", cwd=scratch_repo)
    assert result.returncode == 2
    assert "services/orders/slo.yaml:" in result.stderr and "threshold_ms" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_team_in_owners_is_rejected(
    run_homefield: Homefield, scratch_repo: Path
) -> None:
    _replace(scratch_repo / "services/shipping/OWNERS", "team: fulfillment", "team: logistics")
    result = run_homefield("render", "--check", cwd=scratch_repo)
    assert result.returncode == 2
    assert "services/shipping/OWNERS:1: team: unknown team 'logistics'" in result.stderr


def test_an_objective_whose_fast_page_could_never_fire_is_rejected(
    run_homefield: Homefield, scratch_repo: Path
) -> None:
    slo = scratch_repo / "services/experiments/slo.yaml"
    text = slo.read_text()
    objective = next(line for line in text.splitlines() if "objective:" in line)
    slo.write_text(text.replace(objective, objective.split(":")[0] + ": 93.05", 1))
    result = run_homefield("render", cwd=scratch_repo)
    assert result.returncode == 2
    line = text.splitlines().index(objective) + 1
    assert f"services/experiments/slo.yaml:{line}: slos.0.objective:" in result.stderr
    assert "objective 93.05 is too low" in result.stderr and "14.4x" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_slo_on_a_handler_bootstrap_does_not_register_names_file_slo_and_name(
    run_homefield: Homefield, scratch_repo: Path
) -> None:
    bootstrap = scratch_repo / "services/payments/src/payments/bootstrap.py"
    _replace(bootstrap, '"capture_payment",', '"charge_card",')
    result = run_homefield("render", cwd=scratch_repo)
    assert result.returncode == 2
    assert "services/payments/slo.yaml:4: slos.0.sli.handler: SLO capture-availability:" in (
        result.stderr
    )
    assert (
        "handler 'capture_payment' is not registered in"
        " services/payments/src/payments/bootstrap.py (registered: charge_card)"
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_a_publisher_without_an_outbox_delivery_slo_is_rejected(
    run_homefield: Homefield, scratch_repo: Path
) -> None:
    slo = scratch_repo / "services/shipping/slo.yaml"
    text = slo.read_text()
    slo.write_text(text[: text.index("  - name: outbox-delivery")])
    result = run_homefield("render", cwd=scratch_repo)
    assert result.returncode == 2
    assert "services/shipping/slo.yaml:" in result.stderr
    assert "publishes shipping.v1 but declares no SLO of kind outbox-delivery" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_outbox_age_that_is_no_bucket_bound_is_rejected(
    run_homefield: Homefield, scratch_repo: Path
) -> None:
    slo = scratch_repo / "services/orders/slo.yaml"
    _replace(slo, "max_age_seconds: 30}", "max_age_seconds: 45}")
    result = run_homefield("render", cwd=scratch_repo)
    assert result.returncode == 2
    assert "max_age_seconds must be a histogram bucket bound" in result.stderr
