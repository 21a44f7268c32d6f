import importlib
from pathlib import Path
from types import ModuleType

import pytest

LOADTESTS = Path(__file__).resolve().parents[1]


def _load(monkeypatch: pytest.MonkeyPatch, name: str) -> ModuleType:
    monkeypatch.syspath_prepend(str(LOADTESTS))
    return importlib.import_module(name)


@pytest.fixture
def stats(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """loadtests/loadtest_stats.py (the scripts import their neighbours by file name)."""
    return _load(monkeypatch, "loadtest_stats")


@pytest.fixture
def wrapper(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """loadtests/run_loadtest.py."""
    return _load(monkeypatch, "run_loadtest")
