"""The console with Prometheus, Alertmanager and Zipkin all down, in headless Chromium.

A real `homefield console` process on a free port, pointed at ports where nothing listens: each
page says in place which source is down and still shows what the catalog and git know.
"""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from console_browser import console_page
from homefield.catalog import Catalog
from homefield.local.health import free_port

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60


@pytest.fixture(scope="module")
def lonely_console() -> Iterator[str]:
    port = free_port()
    dead = {
        name: f"http://127.0.0.1:{free_port()}" for name in ("prometheus", "alertmanager", "zipkin")
    }
    options = [arg for name, url in dead.items() for arg in (f"--{name}", url)]
    command = [str(REPO / ".venv/bin/homefield"), "console", "--port", str(port), "--refresh", "15"]
    process = subprocess.Popen([*command, *options], cwd=REPO, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(base):
            assert process.poll() is None, "the console exited"
            assert time.monotonic() < deadline, f"console not up within {STARTUP_SECONDS}s"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_team_page_says_which_source_is_down_and_shows_the_rest(lonely_console: str) -> None:
    catalog = Catalog.load(REPO)
    slos = {slo.name for slo in catalog.services["payments"].slos.slos}
    with console_page(lonely_console) as tab:
        tab.open("/teams/payments")
        alerts = tab.page.locator("section", has=tab.page.locator("#alerts-h"))
        assert "Alertmanager is down" in alerts.inner_text()
        slo_section = tab.page.locator("section", has=tab.page.locator("#slos-h"))
        assert "Prometheus is down" in slo_section.inner_text()
        rows = slo_section.locator("tbody tr")
        assert {rows.nth(i).get_attribute("data-slo") for i in range(rows.count())} == slos
        deps = tab.page.locator("section", has=tab.page.locator("#deps-h"))
        assert "Zipkin is down" in deps.inner_text()
        assert "orders.v1" in deps.inner_text()  # declared in service.yaml, shown all the same
        assert tab.page.locator("#on-call-now").inner_text().strip()
        tab.assert_no_errors()


def test_a_service_page_without_prometheus_says_so_on_each_chart(lonely_console: str) -> None:
    with console_page(lonely_console) as tab:
        tab.open("/services/payments")
        charts = tab.page.locator("figure.chart")
        assert charts.count() > 0
        assert charts.locator(".down").count() == charts.count()
        assert "Prometheus is down" in charts.first.inner_text()
        assert tab.page.locator(".markdown h2#capture-availability").count() == 1  # runbook
        tab.assert_no_errors()


def test_pages_refresh_themselves_keeping_focus_until_paused(lonely_console: str) -> None:
    with console_page(lonely_console) as tab:
        tab.open("/")
        tab.page.keyboard.press("Tab")  # the skip link comes first
        assert tab.page.evaluate("document.activeElement.textContent") == "Skip to content"
        first = tab.page.locator("#updated").inner_text()
        tab.page.locator("main a[href='/teams/payments']").focus()  # a reader tabbing through
        tab.page.wait_for_function(  # every 15 s; a deadline, not a timing assertion
            "text => document.querySelector('#updated').textContent !== text",
            arg=first,
            timeout=60_000,
        )
        focused = tab.page.evaluate("document.activeElement.getAttribute('href')")
        assert focused == "/teams/payments", "a refresh keeps the keyboard focus in place"
        tab.page.locator("#pause").focus()
        tab.page.keyboard.press("Enter")
        assert tab.page.locator("#pause").get_attribute("aria-pressed") == "true"
        tab.assert_no_errors()


def test_unknown_names_and_bad_ranges_are_refused_by_name(lonely_console: str) -> None:
    missing = httpx.get(f"{lonely_console}/api/teams/nobody", timeout=10)
    assert missing.status_code == 404
    assert missing.json()["message"].startswith("no team named 'nobody'; the teams are: ")
    bad = httpx.get(f"{lonely_console}/api/services/orders", params={"range": "2y"}, timeout=10)
    assert (bad.status_code, bad.json()["field"]) == (422, "range")
    hostile = httpx.get(f"{lonely_console}/teams/%3Cscript%3E", timeout=10)
    assert hostile.status_code == 422 and "<script>" not in hostile.text
    with console_page(lonely_console) as tab:
        response = tab.page.goto(f"{lonely_console}/services/nothing")
        assert response is not None and response.status == 404
        assert "no service named 'nothing'" in tab.page.locator("main").inner_text()
