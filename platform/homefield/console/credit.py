"""The team page's credit view, read in the background so that no page waits on history.

Classifying a merged change costs a few git commands (a quarter of a second on a busy machine),
so the board reads the default branch's recent changes in a thread of its own, keeps each
classification by commit, and re-reads when HEAD or the verdict notes move. Until a reading is
done the page says how far it has got. Downstream SLO figures are left to `homefield credit`,
which asks Prometheus once per change; the page shows the graph and the counts.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from homefield.catalog import CatalogError
from homefield.checks.model import CheckInputError
from homefield.credit.history import MergedChange, merged_changes
from homefield.credit.views import credit_views
from homefield.ownership import GitError, GitRepo
from homefield.ownership.notes import NOTES_REF

WINDOW_DAYS = 30
MAX_CHANGES = 100


class CreditBoard:
    """The latest credit report of a checkout, refreshed in the background."""

    def __init__(self, repo: GitRepo) -> None:
        self._repo = repo
        self._lock = threading.Lock()
        self._cache: dict[str, MergedChange] = {}
        self._report: dict[str, Any] | None = None
        self._key: tuple[str, str] | None = None
        self._notes = ""
        self._running = False
        self._status = "reading the history"

    def team(self, team: str, services: list[str]) -> dict[str, Any]:
        """The team's impact, contributed and received rows, and its services' ratios."""
        self.refresh()
        with self._lock:
            report, status = self._report, self._status
        if report is None:
            return {"status": status, "since": "", "impact": [], "contributed": [],
                    "received": [], "innersource": []}  # fmt: skip
        entry: dict[str, Any] = next((t for t in report["teams"] if t["team"] == team), {})
        return {
            "status": status,
            "since": report["since"],
            "impact": sorted(entry.get("impact", []), key=lambda r: r["merged_at"], reverse=True),
            "contributed": entry.get("contributed", []),
            "received": entry.get("received", []),
            "innersource": [r for r in report["innersource"] if r["service"] in services],
        }

    def refresh(self) -> None:
        """Start a reading in the background when HEAD or the notes moved since the last."""
        try:
            head = self._repo.resolve("HEAD")
        except GitError as exc:
            with self._lock:
                self._status = f"cannot read the history: {exc}"
            return
        try:
            notes = self._repo.resolve(NOTES_REF)
        except GitError:
            notes = ""  # no verdict note recorded yet
        with self._lock:
            if self._running or self._key == (head, notes):
                return
            self._running = True
        threading.Thread(target=self._read, args=(head, notes), daemon=True).start()

    def _read(self, head: str, notes: str) -> None:
        since = (datetime.now(UTC) - timedelta(days=WINDOW_DAYS)).strftime("%Y-%m-%d")
        if notes != self._notes:
            self._cache.clear()  # only this thread touches the cache, one reading at a time
            self._notes = notes
        try:
            changes = merged_changes(
                self._repo, head, since, self._progress, limit=MAX_CHANGES, cache=self._cache
            )
            report, status = credit_views(changes, since, None), ""
        except (GitError, CatalogError, CheckInputError) as exc:
            report, status = None, f"cannot read the history: {exc}"
        with self._lock:
            self._report = report if report is not None else self._report
            self._status, self._key, self._running = status, (head, notes), False

    def _progress(self, done: int, total: int) -> None:
        with self._lock:
            if self._report is None:
                self._status = f"reading the history: {done} of {total} changes"
