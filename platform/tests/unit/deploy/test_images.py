import shutil
from pathlib import Path

import pytest
import yaml
from homefield.catalog import Catalog, CatalogError
from homefield.cli import app
from homefield.deploy.images import BuildPlan, stage_catalog
from homefield.deploy.kustomize import overlay_manifests
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[4]


def test_each_overlay_tags_its_image_with_the_service_version_never_latest() -> None:
    catalog = Catalog.load(REPO)
    for entry in catalog.services.values():
        for overlay in ("dev", "prod"):
            kustomization = yaml.safe_load(
                overlay_manifests(catalog, entry, overlay)["kustomization.yaml"]
            )
            assert kustomization["images"] == [
                {"name": f"ghcr.io/homefield-dev/{entry.name}", "newTag": entry.version}
            ]
            assert entry.version != "latest"


def test_the_build_context_holds_the_catalog_the_runtime_reads(tmp_path: Path) -> None:
    catalog = Catalog.load(REPO)
    plan = BuildPlan(catalog, [catalog.services["orders"]], "base:1", tmp_path)
    stage_catalog(plan)
    staged = Catalog.load(tmp_path / "catalog")
    assert sorted(staged.services) == sorted(catalog.services)
    assert staged.provider_of("shop.inventory.v1.InventoryService").name == "inventory"
    assert plan.tag(catalog.services["orders"]) == "ghcr.io/homefield-dev/orders:0.1.0"


@pytest.mark.parametrize(
    ("pyproject", "problem"),
    [
        ('[project]\nname = "x"\n', "no [project] version"),
        ('[project]\nversion = "latest"\n', "not a usable image tag"),
        ('[project]\nversion = "1.0.0 rm -rf"\n', "not a usable image tag"),
        ("[project\n", "no [project] version"),
    ],
)
def test_a_version_that_cannot_tag_an_image_is_refused(
    tmp_path: Path, pyproject: str, problem: str
) -> None:
    shutil.copytree(REPO / "services/orders", tmp_path / "services/orders", dirs_exist_ok=True)
    shutil.copy2(REPO / "teams.yaml", tmp_path / "teams.yaml")
    (tmp_path / "services/orders/pyproject.toml").write_text(pyproject)
    entry = Catalog.load(tmp_path).services["orders"]
    with pytest.raises(CatalogError, match=problem.replace("[", r"\[")) as caught:
        _ = entry.version
    assert "pyproject.toml" in str(caught.value)


def test_images_refuses_an_unknown_service_naming_the_known_ones() -> None:
    result = CliRunner().invoke(app, ["images", "--service", "ordrs"])
    assert result.exit_code == 2
    assert "unknown service ordrs" in result.output and "orders" in result.output
