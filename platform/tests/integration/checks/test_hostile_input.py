"""Hostile YAML and JSON (issue item 11): a finding or exit 2 naming the file, never a traceback."""

from __future__ import annotations

import json

import pytest

LIST_KEY = "? [a, b]\n: 1\n"
RECURSIVE_ALIAS = "team: &loop [*loop]\n"
ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "team: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
)
DEEP_SLO = "slos: " + "[" * 2000 + "]" * 2000 + "\n"

HOSTILE_FILES = {
    "list key in OWNERS": ("services/orders/OWNERS", "team: checkout\n" + LIST_KEY),
    "list key in service.yaml": ("services/orders/service.yaml", "name: orders\n" + LIST_KEY),
    "list key in teams.yaml": ("teams.yaml", None),
    "recursive alias": ("services/orders/OWNERS", RECURSIVE_ALIAS),
    "alias bomb": ("services/orders/OWNERS", ALIAS_BOMB),
    "slo.yaml 2,000 deep": ("services/orders/slo.yaml", DEEP_SLO),
}


def _hostile(scratch, case):
    path, text = HOSTILE_FILES[case]
    if text is None:
        text = (scratch.root / path).read_text() + LIST_KEY
    return path, text


def _limit_named(text):
    return any(
        words in text
        for words in ("mapping keys must be strings", "aliases", "deeper than the limit of 64")
    )


@pytest.mark.parametrize("case", sorted(HOSTILE_FILES))
def test_hostile_yaml_at_head_is_a_finding_naming_the_file(scratch, homefield, case):
    path, text = _hostile(scratch, case)
    scratch.write(path, text)
    scratch.commit("alice", case)
    code, out, err = homefield.run("check", "--base", scratch.base, "--format", "json")
    assert "Traceback" not in out + err
    assert code == 1, err
    messages = [f["message"] for f in json.loads(out)["findings"] if f["path"] == path]
    assert any(m.startswith(path) and _limit_named(m) for m in messages), messages


@pytest.mark.parametrize("case", sorted(HOSTILE_FILES))
def test_hostile_yaml_at_the_owners_ref_is_exit_2_naming_the_file(scratch, homefield, case):
    path, text = _hostile(scratch, case)
    scratch.write(path, text)
    scratch.base = scratch.commit("pat", case)
    scratch.append("README.md", "more\n")
    scratch.commit("pat")
    code, out, err = homefield.run("check", "--base", scratch.base, "--owners-ref", scratch.base)
    assert "Traceback" not in out + err
    if path.endswith(("OWNERS", "teams.yaml")):
        assert code == 2
        assert path in err and _limit_named(err), err
    else:
        assert code == 0, out  # service.yaml and slo.yaml at base are not read for README.md


def test_reviews_nested_100000_deep_is_exit_2_naming_the_limit(scratch, homefield):
    scratch.append("README.md", "more\n")
    scratch.commit("pat")
    reviews = scratch.root.parent / "reviews.json"
    reviews.write_text("[" * 100_000 + "]" * 100_000)
    code, out, err = homefield.run(
        "check", "--base", scratch.base, "--reviews", str(reviews), "--owners-ref", scratch.base
    )
    assert "Traceback" not in out + err
    assert code == 2
    assert str(reviews) in err and "deeper than the limit of 64" in err
