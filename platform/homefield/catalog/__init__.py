"""The one parser of teams.yaml, OWNERS, service.yaml and slo.yaml; errors name file and line.

Each name loads its module on first use (PEP 562), so a command that reads only teams.yaml and
OWNERS, as `homefield check` on most changes does, never builds the service and SLO models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_MODULES = {
    "owners": ("Owners", "load_owners", "parse_owners"),
    "repo": ("Catalog", "ServiceEntry", "find_repo_root"),
    "service": (
        "ServiceSpec",
        "TopicSpec",
        "env_name",
        "env_prefix",
        "load_service",
        "parse_service",
    ),
    "slo": ("SLI_KINDS", "Slo", "SloFile", "load_slos", "parse_slos"),
    "teams": ("Person", "Team", "Teams", "load_teams", "parse_teams"),
    "yamlfile": ("CatalogError",),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

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


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
