"""orders starts on a real broker although another service's slo.yaml is broken: a service
reads only its own catalog files and its team."""

import shutil
from pathlib import Path

import httpx
import pytest
from homefield.catalog import Catalog, CatalogError
from homefield.local.health import free_port
from homefield.testing.service import create_topics, running, unique_prefix
from orders.bootstrap import build
from orders.settings import OrdersSettings

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def checkout_with_a_broken_experiments_slo(root: Path) -> Path:
    root.mkdir()
    for name in ("teams.yaml", "OWNERS"):
        shutil.copy2(REPO / name, root / name)
    for service in ("orders", "inventory", "experiments"):
        shutil.copytree(
            REPO / "services" / service,
            root / "services" / service,
            ignore=shutil.ignore_patterns("src", "tests"),
        )
    (root / "services/experiments/slo.yaml").write_text("slos:\n  - name: [not, a, name]\n")
    return root


async def test_orders_starts_and_answers_while_experiments_slo_yaml_is_broken(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    root = checkout_with_a_broken_experiments_slo(tmp_path / "checkout")
    with pytest.raises(CatalogError, match="services/experiments/slo.yaml"):
        _ = Catalog.load(root).services
    prefix = unique_prefix()
    await create_topics(kafka_bootstrap, prefix)
    settings = OrdersSettings(
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=prefix,
        grpc_port=0,
        http_port=0,
        database_url=f"sqlite:///{tmp_path / 'orders.sqlite3'}",
        endpoints={"shop.inventory.v1.InventoryService": (f"127.0.0.1:{free_port()}",)},
    )
    app = build(settings, catalog=Catalog.load(root))
    async with running(app):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.http_port}") as http:
            info = (await http.get("/info")).json()
            ready = await http.get("/readyz")
    assert (info["service"], info["team"]) == ("orders", "checkout")
    assert ready.status_code == 200, ready.text
