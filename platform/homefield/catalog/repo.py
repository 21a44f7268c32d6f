"""The catalog of a checkout: teams.yaml plus every service's OWNERS, service.yaml and slo.yaml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from homefield.catalog.owners import Owners, load_owners
from homefield.catalog.service import ServiceSpec, load_service
from homefield.catalog.slo import SloFile, load_slos
from homefield.catalog.teams import Teams, load_teams
from homefield.catalog.yamlfile import CatalogError

# An image tag: no "latest", nothing a registry refuses.
_VERSION = re.compile(r"^\d+\.\d+\.\d+[A-Za-z0-9_.\-]{0,100}$")
# Where RUNBOOK.md files are browsed from; alerts and /info link here.
RUNBOOK_BASE_URL = "https://github.com/homefield-dev/homefield/blob/main"


def find_repo_root(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` that holds teams.yaml."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "teams.yaml").is_file():
            return candidate
    raise CatalogError(here, None, "no teams.yaml here or in any parent directory")


@dataclass(frozen=True)
class ServiceEntry:
    """Everything the catalog knows about one service directory."""

    directory: Path
    spec: ServiceSpec
    owners: Owners
    slos: SloFile

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def team(self) -> str:
        return self.owners.team

    @property
    def runbook(self) -> Path:
        return self.directory / "RUNBOOK.md"

    @property
    def version(self) -> str:
        """The service's package version (its pyproject.toml): the tag its image is built with."""
        path = self.directory / "pyproject.toml"
        try:
            version = tomllib.loads(path.read_text())["project"]["version"]
        except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
            raise CatalogError(path, None, f"no [project] version: {exc}") from None
        if not isinstance(version, str) or not _VERSION.match(version):
            raise CatalogError(path, None, f"version {version!r} is not a usable image tag")
        return version

    def runbook_url(self, anchor: str = "") -> str:
        """The browsable runbook link, optionally to one section."""
        url = f"{RUNBOOK_BASE_URL}/services/{self.directory.name}/RUNBOOK.md"
        return f"{url}#{anchor}" if anchor else url


@dataclass(frozen=True)
class Catalog:
    root: Path
    teams: Teams

    @classmethod
    def load(cls, root: Path | None = None) -> Catalog:
        root = find_repo_root(root)
        return cls(root=root, teams=load_teams(root / "teams.yaml"))

    @cached_property
    def services(self) -> dict[str, ServiceEntry]:
        """Every service under services/, by name, in name order."""
        entries: dict[str, ServiceEntry] = {}
        for service_yaml in sorted((self.root / "services").glob("*/service.yaml")):
            entry = self.load_service(service_yaml.parent)
            entries[entry.name] = entry
        return entries

    def load_service(self, directory: Path) -> ServiceEntry:
        spec = load_service(directory / "service.yaml")
        if spec.name != directory.name:
            raise CatalogError(
                directory / "service.yaml", 1, f"name {spec.name!r} must match its directory"
            )
        owners = load_owners(directory / "OWNERS", self.teams)
        return ServiceEntry(directory, spec, owners, load_slos(directory / "slo.yaml"))

    def provider_of(self, grpc_service: str) -> ServiceEntry:
        """The service whose service.yaml provides ``grpc_service``."""
        for entry in self.services.values():
            if entry.spec.grpc and grpc_service in entry.spec.grpc.provides:
                return entry
        raise CatalogError(self.root / "services", None, f"no service provides {grpc_service}")

    def topics(self) -> dict[str, int]:
        """Every topic to create, with its partition count: published topics and DLQs."""
        wanted: dict[str, int] = {}
        for entry in self.services.values():
            for topic in entry.spec.publishes:
                wanted[topic.topic] = topic.partitions
            if entry.spec.consumes:
                wanted[entry.spec.dlq_topic] = 1
        return wanted
