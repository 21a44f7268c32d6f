"""bootstrap.py read statically: the names it registers, and what it must not hide."""

import re
from pathlib import Path

import pytest
from homefield.catalog import Catalog, CatalogError
from homefield.catalog.registrations import read_bootstrap, read_registrations


def test_every_service_registers_what_its_slos_measure() -> None:
    catalog = Catalog.load()
    registered = {name: read_bootstrap(entry) for name, entry in catalog.services.items()}
    assert registered["payments"].handlers == {"capture_payment"}
    assert registered["orders"].grpc_methods == {"PlaceOrder", "GetOrder"}
    assert registered["inventory"].handlers == {
        "reserve_stock",
        "release_reservation",
        "settle_shipped_stock",
    }
    assert registered["storefront"].handlers == set()


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("app.handle(name, Event, fn)\n", "bootstrap.py:1: a handler name must be written"),
        ("app.handle()\n", "bootstrap.py:1: handle() needs the handler name first"),
        ("app.add_grpc(add, servicer)\n", "bootstrap.py:1: add_grpc() needs methods=[...]"),
        ("\napp.add_grpc(a, s, methods=METHODS)\n", "bootstrap.py:2: gRPC method names must"),
        ("def build(:\n", "bootstrap.py:1: not valid Python"),
    ],
)
def test_names_that_cannot_be_read_without_running_the_code_are_refused(
    source: str, problem: str
) -> None:
    with pytest.raises(CatalogError, match=re.escape(problem)):
        read_registrations(source, "bootstrap.py")


def test_a_service_without_bootstrap_is_refused(tmp_path: Path) -> None:
    catalog = Catalog.load()
    entry = catalog.services["payments"]
    moved = type(entry)(tmp_path / "services" / "payments", entry.spec, entry.owners, entry.slos)
    with pytest.raises(CatalogError, match="missing: every service registers its handlers here"):
        read_bootstrap(moved)
