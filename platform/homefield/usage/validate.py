"""Every service that is watched for usage growth keeps a "Usage growth" runbook section."""

from __future__ import annotations

from homefield.catalog import CatalogError, ServiceEntry
from homefield.catalog.markdown import file_anchors
from homefield.usage.rules import RUNBOOK_ANCHOR, RUNBOOK_TITLE


def check_usage_runbook(entry: ServiceEntry) -> None:
    """Raise a CatalogError naming RUNBOOK.md when its "Usage growth" section is missing."""
    if RUNBOOK_ANCHOR not in file_anchors(entry.runbook):
        raise CatalogError(
            entry.runbook,
            None,
            f'no "## {RUNBOOK_TITLE}" section: usage tickets link to #{RUNBOOK_ANCHOR}',
        )
