"""Every runbook_url an alert carries opens an existing section of an existing RUNBOOK.md."""

from pathlib import Path

import yaml
from homefield.catalog.markdown import file_anchors
from homefield.slo.runbooks import runbook_target

REPO = Path(__file__).resolve().parents[4]


def _runbook_urls(rendered: Path) -> list[str]:
    urls = []
    for rules in sorted((rendered / "deploy/prometheus/rules").glob("*.rules.yml")):
        for group in yaml.safe_load(rules.read_text())["groups"]:
            urls += [r["annotations"]["runbook_url"] for r in group["rules"] if "alert" in r]
    return urls


def test_every_runbook_url_points_at_an_existing_section(rendered: Path) -> None:
    urls = _runbook_urls(rendered)
    assert urls
    broken = []
    for url in sorted(set(urls)):
        path, anchor = runbook_target(url)
        if not (REPO / path).is_file():
            broken.append(f"{url}: {path} does not exist")
        elif anchor and anchor not in file_anchors(REPO / path):
            broken.append(f"{url}: no section #{anchor} in {path}")
    assert not broken, "\n".join(broken)
