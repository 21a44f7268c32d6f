"""service.yaml `usage:`, `planned_growth:` and `deviations:`, and teams.yaml `retired`."""

from datetime import UTC, datetime

import pytest
from homefield.catalog import CatalogError, parse_service, parse_teams

BASE = "name: orders\ntier: 1\nhttp: {port: 8082}\nconsumes: [payments.v1]\n"


def test_every_service_gets_the_platform_signals_with_defaults() -> None:
    spec = parse_service(BASE, "services/orders/service.yaml")
    assert [s.name for s in spec.signals] == ["requests", "events", "cpu", "storage"]
    assert all(s.limit is None for s in spec.signals)
    no_events = parse_service(BASE.replace("consumes: [payments.v1]\n", ""), "s.yaml")
    assert [s.name for s in no_events.signals] == ["requests", "cpu", "storage"]


def test_a_usage_block_sets_limits_and_floors() -> None:
    text = BASE + "usage:\n  requests: {limit: 200, min_change: 10}\n  storage: {limit: 2.0e+9}\n"
    signals = {s.name: s for s in parse_service(text, "s.yaml").signals}
    assert signals["requests"].limit == 200
    assert signals["requests"].min_change == 10
    assert signals["requests"].stddev_floor == 0.5  # the platform default
    assert signals["storage"].limit == 2e9


@pytest.mark.parametrize(
    ("extra", "line", "words"),
    [
        ("usage:\n  disk: {limit: 1}\n", 6, "usage.disk"),
        ("usage:\n  requests: {limit: -1}\n", 6, "greater than 0"),
        ("planned_growth:\n  - {signal: cpu, until: 2027-01-01, reason: x}\n", 6, "link"),
        ("planned_growth:\n  - {signal: cpu, until: soon, reason: x, link: y}\n", 6, "until"),
    ],
)
def test_bad_usage_names_file_and_line(extra: str, line: int, words: str) -> None:
    with pytest.raises(CatalogError) as err:
        parse_service(BASE + extra, "services/orders/service.yaml")
    assert str(err.value).startswith(f"services/orders/service.yaml:{line}:")
    assert words in str(err.value)


def test_planned_growth_must_name_a_signal_of_the_service() -> None:
    text = BASE.replace("consumes: [payments.v1]\n", "") + (
        "planned_growth:\n  - {signal: events, until: 2027-01-01, reason: x, link: y}\n"
    )
    with pytest.raises(CatalogError) as err:
        parse_service(text, "s.yaml")
    assert str(err.value).startswith("s.yaml:5:")
    assert "'events' is not a signal of this service" in str(err.value)


def test_a_planned_mark_is_active_through_its_date() -> None:
    text = BASE + "planned_growth:\n  - {signal: cpu, until: 2027-01-04, reason: x, link: y}\n"
    mark = parse_service(text, "s.yaml").planned_growth[0]
    assert mark.active_at(datetime(2027, 1, 4, 23, 59, tzinfo=UTC))
    assert not mark.active_at(datetime(2027, 1, 5, 0, 0, tzinfo=UTC))


def test_a_deviation_from_a_platform_default_is_declared_with_its_reason() -> None:
    text = BASE + (
        "deviations:\n  - standard: retries-timeouts\n    reason: upstream needs 5 s\n"
        "    evidence: loadtests/RESULTS.md\n"
    )
    spec = parse_service(text, "s.yaml")
    deviation = spec.deviation("retries-timeouts")
    assert deviation is not None and deviation.evidence == "loadtests/RESULTS.md"
    assert spec.deviation("runtime") is None


@pytest.mark.parametrize("standard", ["owners", "file-ownership", "tests", "runbook", "slos"])
def test_no_deviation_is_allowed_from_the_house_rules(standard: str) -> None:
    text = BASE + f"deviations:\n  - {{standard: {standard}, reason: busy}}\n"
    with pytest.raises(CatalogError) as err:
        parse_service(text, "s.yaml")
    assert str(err.value).startswith("s.yaml:6:")
    assert f"no deviation is allowed from {standard!r}" in str(err.value)


def test_an_unknown_or_repeated_deviation_is_refused() -> None:
    with pytest.raises(CatalogError, match="unknown standard 'speed'"):
        parse_service(BASE + "deviations:\n  - {standard: speed, reason: r}\n", "s.yaml")
    twice = (
        "deviations:\n  - {standard: dashboard, reason: r}\n  - {standard: dashboard, reason: r}\n"
    )
    with pytest.raises(CatalogError, match="declared twice"):
        parse_service(BASE + twice, "s.yaml")


def test_teams_can_be_retired() -> None:
    text = (
        "people:\n  ann: {name: Ann, email: ann@x.dev, github: ann}\n"
        "teams:\n  core: {members: [ann], oncall: [ann], channel: '#core'}\n"
        "  old: {members: [ann], oncall: [ann], channel: '#old', retired: true}\n"
    )
    teams = parse_teams(text)
    assert teams.retired == ["old"]
    assert not teams.teams["core"].retired
