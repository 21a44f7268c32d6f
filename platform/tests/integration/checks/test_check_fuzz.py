"""Fuzzing `homefield check` through its entry point: any YAML, JSON or path name gives exit 0, 1
or 2 and never a traceback. Item 11's hostile inputs are explicit examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from homefield.cli import app
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from .test_hostile_input import ALIAS_BOMB, DEEP_SLO, LIST_KEY, RECURSIVE_ALIAS

TARGETS = [
    "OWNERS",
    "teams.yaml",
    "services/orders/OWNERS",
    "services/orders/service.yaml",
    "services/orders/slo.yaml",
    "services/orders/openapi.json",
    "services/experiments/experiments.yaml",
    "protos/buf.yaml",
]

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
yaml_texts = documents.map(lambda d: yaml.safe_dump(d, allow_unicode=True)) | st.text(max_size=200)
json_texts = documents.map(json.dumps) | st.text(max_size=200)
names = st.text(
    alphabet=st.characters(blacklist_characters="\x00/", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=16,
).filter(lambda n: n not in (".", "..") and not n.lower().startswith(".git"))

HOSTILE = [LIST_KEY, "team: x\n" + LIST_KEY, RECURSIVE_ALIAS, ALIAS_BOMB, DEEP_SLO]


@pytest.fixture(scope="module")
def fuzz_repo(tmp_path_factory):
    from .conftest import ScratchRepo

    root = tmp_path_factory.mktemp("fuzz") / "repo"
    root.mkdir()
    return ScratchRepo(root)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{type(result.exception).__name__}: {result.exception}")
    return result.exit_code, result.stdout + result.stderr


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=st.sampled_from(TARGETS),
    text=yaml_texts,
    reviews=json_texts,
    name=names,
)
@example(target="services/orders/OWNERS", text=HOSTILE[1], reviews="[]", name="a")
@example(target="services/orders/service.yaml", text=HOSTILE[0], reviews="[]", name="a")
@example(target="teams.yaml", text=HOSTILE[0], reviews="[]", name="a")
@example(target="services/orders/OWNERS", text=HOSTILE[2], reviews="[]", name="a")
@example(target="services/orders/OWNERS", text=HOSTILE[3], reviews="[]", name="a")
@example(target="services/orders/slo.yaml", text=HOSTILE[4], reviews="[]", name="a")
@example(target="README.md", text="x", reviews="[" * 100_000 + "]" * 100_000, name="a")
@example(target="README.md", text="x", reviews="[]", name="evil\nname.py")
def test_any_input_exits_0_1_or_2_without_a_traceback(
    fuzz_repo, monkeypatch, tmp_path_factory, target, text, reviews, name
):
    repo = fuzz_repo
    monkeypatch.chdir(repo.root)
    repo.git("checkout", "-q", "--detach", repo.base)
    repo.git("clean", "-qfdx")
    repo.write(target, text)
    repo.write(f"services/orders/src/orders/{name}", text)
    repo.commit("dan", "fuzz")
    review_file = Path(tmp_path_factory.mktemp("reviews")) / "reviews.json"
    review_file.write_text(reviews, encoding="utf-8")
    for owners_ref in (repo.base, "HEAD"):
        code, output = _run(
            "check",
            "--base",
            repo.base,
            "--owners-ref",
            owners_ref,
            "--reviews",
            str(review_file),
            "--no-buf",
        )
        assert code in (0, 1, 2), output
        assert "Traceback" not in output
    for command in (["owners", "services/orders", "teams.yaml"], ["scorecard"], ["ledger"]):
        code, output = _run(*command, "--rev", "HEAD")
        assert code in (0, 1, 2), output
        assert "Traceback" not in output
