"""The catalog's names load their modules on first use, so `homefield check` skips the SLO and
service models when no service.yaml or slo.yaml changed."""

import subprocess
import sys

import homefield.catalog
import pytest


def test_every_exported_name_resolves_to_its_module() -> None:
    for name in homefield.catalog.__all__:
        value = getattr(homefield.catalog, name)
        module = getattr(value, "__module__", None)
        if module is not None:
            assert module.startswith("homefield.catalog."), (name, module)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        _ = homefield.catalog.Nope  # type: ignore[attr-defined]


def test_the_checker_imports_no_service_or_slo_model() -> None:
    script = (
        "import sys, homefield.checks.runner, homefield.checks.cli\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('homefield.catalog.'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "homefield.catalog.teams" in out
    assert not {
        "homefield.catalog.service",
        "homefield.catalog.slo",
        "homefield.catalog.repo",
    } & set(out)
