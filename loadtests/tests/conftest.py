import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

LOADTESTS = Path(__file__).resolve().parents[1]


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], ModuleType]:
    """Import a module of loadtests/ by file name, as the scripts import their neighbours."""
    monkeypatch.syspath_prepend(str(LOADTESTS))
    return importlib.import_module


@pytest.fixture
def stats(load: Callable[[str], ModuleType]) -> ModuleType:
    return load("loadtest_stats")


@pytest.fixture
def wrapper(load: Callable[[str], ModuleType]) -> ModuleType:
    return load("run_loadtest")
