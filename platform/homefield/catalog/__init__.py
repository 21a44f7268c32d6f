"""The one parser of teams.yaml, OWNERS, service.yaml and slo.yaml; errors name file and line."""

from homefield.catalog.owners import Owners, load_owners, parse_owners
from homefield.catalog.repo import Catalog, ServiceEntry, find_repo_root
from homefield.catalog.service import (
    ServiceSpec,
    TopicSpec,
    env_name,
    env_prefix,
    load_service,
    parse_service,
)
from homefield.catalog.slo import SLI_KINDS, Slo, SloFile, load_slos, parse_slos
from homefield.catalog.teams import Person, Team, Teams, load_teams, parse_teams
from homefield.catalog.yamlfile import CatalogError

__all__ = [
    "SLI_KINDS",
    "Catalog",
    "CatalogError",
    "Owners",
    "Person",
    "ServiceEntry",
    "ServiceSpec",
    "Slo",
    "SloFile",
    "Team",
    "Teams",
    "TopicSpec",
    "env_name",
    "env_prefix",
    "find_repo_root",
    "load_owners",
    "load_service",
    "load_slos",
    "load_teams",
    "parse_owners",
    "parse_service",
    "parse_slos",
    "parse_teams",
]
