"""Debian's headless Chromium, driven by Playwright, for tests of the on-call console's pages.

Never a browser that a package downloads: Playwright launches /usr/bin/chromium (`make setup`
installs it). Every console message of type error and every uncaught page error is collected,
and a test fails on any. Screenshots go under test-results/console/ in the checkout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# The flags this machine's Chromium needs: no sandbox as root, and no background connections
# to hosts the closed network refuses.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CONSOLE = "http://127.0.0.1:9000"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-results" / "console"
NAVIGATION_TIMEOUT_MS = 60_000


@dataclass
class ConsolePage:
    """A browser tab on the console, with the errors it logged so far."""

    page: Page
    base: str
    errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == 200, f"GET {path}"

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def assert_no_errors(self) -> None:
        assert self.errors == [], f"console errors: {self.errors}"


def _record(errors: list[str], message: ConsoleMessage) -> None:
    if message.type == "error":
        errors.append(f"{message.text} ({message.location.get('url', '')})")


@contextmanager
def console_page(base: str = CONSOLE) -> Iterator[ConsolePage]:
    """One headless Chromium tab, 1280 px wide, that records console and page errors."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(NAVIGATION_TIMEOUT_MS)
            tab = ConsolePage(page, base)
            page.on("console", lambda message: _record(tab.errors, message))
            page.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
            yield tab
        finally:
            browser.close()
