from pathlib import Path

import pytest
from homefield.catalog import Catalog, CatalogError, parse_owners, parse_slos, parse_teams

REPO = Path(__file__).resolve().parents[4]

TEAMS = """\
people:
  ann: {name: Ann, email: ann@x.dev, github: ann}
  ben: {name: Ben, email: ben@x.dev, github: ben}
teams:
  core:
    members: [ann, ben]
    oncall: [ann, ghost]
    channel: "#core"
"""


def test_the_repository_catalog_loads_every_service() -> None:
    catalog = Catalog.load(REPO)
    assert set(catalog.services) == {
        "storefront",
        "orders",
        "inventory",
        "payments",
        "shipping",
        "notifications",
        "experiments",
    }
    assert catalog.services["orders"].team == "checkout"
    assert catalog.topics()["orders.v1"] == 3
    assert "orders.dlq" in catalog.topics()


def test_unknown_person_in_teams_names_file_and_line() -> None:
    with pytest.raises(CatalogError) as err:
        parse_teams(TEAMS, "teams.yaml")
    assert str(err.value).startswith("teams.yaml:7:")
    assert "ghost" in str(err.value)


def test_bad_yaml_names_the_line() -> None:
    with pytest.raises(CatalogError) as err:
        parse_teams("people: {a: [\n", "teams.yaml")
    assert "teams.yaml:" in str(err.value)
    assert "invalid YAML" in str(err.value)


def test_empty_approvers_is_an_error_on_its_line() -> None:
    teams = parse_teams(TEAMS.replace("ghost", "ben"), "teams.yaml")
    with pytest.raises(CatalogError) as err:
        parse_owners("team: core\napprovers: []\n", "services/x/OWNERS", teams)
    assert str(err.value).startswith("services/x/OWNERS:2: approvers")


def test_latency_threshold_must_be_a_bucket_bound() -> None:
    text = (
        "slos:\n  - name: a\n    objective: 99\n"
        "    sli: {kind: grpc-latency, method: M, threshold_ms: 333}\n"
    )
    with pytest.raises(CatalogError) as err:
        parse_slos(text, "slo.yaml")
    assert "histogram bucket bound" in str(err.value)
    assert "slo.yaml:4" in str(err.value)


def test_objective_must_be_below_one_hundred() -> None:
    text = "slos:\n  - name: a\n    objective: 100\n    sli: {kind: grpc-availability, method: M}\n"
    with pytest.raises(CatalogError, match="objective"):
        parse_slos(text, "slo.yaml")
