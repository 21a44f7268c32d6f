"""The storefront alone, as a real HTTP server with its SQLite file: with every dependency down it
still answers with clear JSON errors, never a stack trace, and keeps no half-made order."""

from pathlib import Path

import httpx
import pytest
from homefield.catalog import load_service
from homefield.local.health import free_port
from homefield.testing.service import running
from storefront.bootstrap import build
from storefront.settings import StorefrontSettings

pytestmark = pytest.mark.integration
KEY = "integration-test-key"


def closed_port() -> str:
    return f"127.0.0.1:{free_port()}"  # nothing listens there


async def test_dependencies_down_give_503_json_and_no_idempotency_record(tmp_path: Path) -> None:
    callees = load_service(Path(__file__).parents[2] / "service.yaml").calls
    app = build(
        StorefrontSettings(
            api_keys=(KEY,),
            http_port=0,
            database_url=f"sqlite:///{tmp_path / 'storefront.sqlite3'}",
            endpoints={callee: (closed_port(),) for callee in callees},
        )
    )
    async with running(app):
        base = f"http://127.0.0.1:{app.http_port}"
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            ready = await http.get("/readyz")
            unauthorized = await http.get("/v1/products")
            auth = {"Authorization": f"Bearer {KEY}"}
            products = await http.get("/v1/products", headers=auth)
            order = await http.post(
                "/v1/orders",
                headers={**auth, "Idempotency-Key": "k-1"},
                json={
                    "customer_id": "c1",
                    "items": [{"sku": "SKU-TEA-001", "quantity": 1}],
                    "payment_token": "tok_visa",
                },
            )
        keys = app.db.conn.execute("SELECT COUNT(*) FROM idempotency_keys").fetchone()[0]
    assert ready.status_code == 200 and "kafka" not in ready.json()["checks"]
    assert unauthorized.status_code == 401
    assert unauthorized.headers["content-type"].startswith("application/json")
    assert products.status_code == 503 and "Traceback" not in products.text
    assert order.status_code == 503 and "error" in order.json()
    assert keys == 0
