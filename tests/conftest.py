"""System tests drive the running shop. The session starts a fresh local shop (`homefield up` on
reset data under .run/) and stops it at the end; set HOMEFIELD_KEEP_UP=1 to leave it running."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from shop_client import ShopClient

REPO = Path(__file__).resolve().parents[1]
HOMEFIELD = REPO / ".venv" / "bin" / "homefield"


def _homefield(*args: str) -> None:
    subprocess.run([str(HOMEFIELD), *args], cwd=REPO, check=True)


@pytest.fixture(scope="session")
def running_shop() -> Iterator[Path]:
    """A freshly seeded shop: the system tests count stock from the seed."""
    _homefield("down")
    for state in ("data", "kafka", "prometheus", "alertmanager", "alerts"):
        shutil.rmtree(REPO / ".run" / state, ignore_errors=True)
    _homefield("up")
    try:
        yield REPO
    finally:
        if not os.environ.get("HOMEFIELD_KEEP_UP"):
            _homefield("down")


@pytest.fixture
def shop(running_shop: Path) -> Iterator[ShopClient]:
    client = ShopClient.open(running_shop)
    try:
        yield client
    finally:
        client.http.close()
