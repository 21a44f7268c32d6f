"""The shape of the local shop: which store the services keep their state in, and how many
replicas of each consuming service run.

`homefield up --store postgres --replicas 2` records the shape in .run/stack.json, so `status`,
`logs`, `restart` and `down` see the same parts without being told again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from homefield.catalog import ServiceEntry

Store = Literal["sqlite", "postgres"]
STORES: tuple[Store, ...] = ("sqlite", "postgres")
MAX_REPLICAS = 3
# Replica k (k >= 2) of a service listens on its service.yaml ports plus (k - 1) * this step.
REPLICA_PORT_STEP = 100
SHAPE_FILE = "stack.json"


class ShapeError(Exception):
    """A shape that cannot run: SQLite with replicas, an unknown store, too many replicas."""


@dataclass(frozen=True)
class StackShape:
    store: Store = "sqlite"
    replicas: int = 1

    def __post_init__(self) -> None:
        if self.store not in STORES:
            raise ShapeError(f"store must be one of {', '.join(STORES)}, not {self.store!r}")
        if not 1 <= self.replicas <= MAX_REPLICAS:
            raise ShapeError(f"replicas must be 1..{MAX_REPLICAS}, not {self.replicas}")
        if self.replicas > 1 and self.store == "sqlite":
            raise ShapeError(
                "replicas need a shared store: SQLite is one file per service;"
                " use --store postgres (make up STORE=postgres REPLICAS=2)"
            )

    def replicas_of(self, entry: ServiceEntry) -> int:
        """Services that consume events run ``replicas`` copies; the others run one."""
        return self.replicas if entry.spec.consumes else 1

    @classmethod
    def load(cls, run_dir: Path) -> StackShape:
        """The shape `up` recorded, or the default (SQLite, one replica) when none was."""
        path = run_dir / SHAPE_FILE
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            return cls(store=saved["store"], replicas=int(saved["replicas"]))
        except FileNotFoundError:
            return cls()
        except (ValueError, KeyError, TypeError, ShapeError) as exc:
            raise ShapeError(f"{path}: unreadable ({exc}); remove it and run `make up`") from None

    def save(self, run_dir: Path) -> None:
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / SHAPE_FILE).write_text(json.dumps(asdict(self)) + "\n", encoding="utf-8")


def replica_name(service: str, replica: int) -> str:
    """``orders`` for the first replica, ``orders-2`` for the second, and so on."""
    return service if replica == 1 else f"{service}-{replica}"


def replica_port(port: int, replica: int) -> int:
    return port + (replica - 1) * REPLICA_PORT_STEP
