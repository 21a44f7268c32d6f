"""Runbook links: alerts and dashboards point at a section of the service's RUNBOOK.md.

A relative repository path is not clickable from an alert notification, so every link is an
absolute URL under ``RUNBOOK_BASE_URL``: the repository's main branch as GitHub renders it. A fork
that deploys its own copy changes this one constant (in homefield.catalog.repo) and re-runs
``homefield render``.
"""

from __future__ import annotations

from homefield.catalog.repo import RUNBOOK_BASE_URL

__all__ = ["RUNBOOK_BASE_URL", "runbook_target", "runbook_url"]


def runbook_url(service: str, ref: str = "RUNBOOK.md") -> str:
    """The clickable URL of ``ref`` (``RUNBOOK.md#anchor``) inside services/<service>/."""
    return f"{RUNBOOK_BASE_URL}/services/{service}/{ref}"


def runbook_target(url: str) -> tuple[str, str]:
    """The repository-relative file and the anchor (may be empty) that ``url`` points at."""
    if not url.startswith(RUNBOOK_BASE_URL + "/"):
        raise ValueError(f"not a runbook URL of this repository: {url}")
    path, _, anchor = url.removeprefix(RUNBOOK_BASE_URL + "/").partition("#")
    return path, anchor
