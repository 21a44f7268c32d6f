"""The committed public API contract (openapi.json) is what the code serves: `make openapi`."""

from __future__ import annotations

from storefront.entrypoints.openapi import CONTRACT, openapi_text


def test_the_committed_contract_matches_the_code() -> None:
    committed = CONTRACT.read_text(encoding="utf-8")
    assert committed == openapi_text(), f"{CONTRACT} is stale: run `make openapi` and commit it"


def test_the_contract_documents_every_public_route() -> None:
    text = openapi_text()
    for route in ('"/v1/products"', '"/v1/orders"', '"/v1/orders/{order_id}"'):
        assert route in text
