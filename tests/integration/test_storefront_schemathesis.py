"""schemathesis against the live API's own /openapi.json: no 5xx, no response outside the spec."""

import asyncio
import sys
from pathlib import Path

import pytest
from storefront_fixtures import API_KEY, live_shop

pytestmark = pytest.mark.integration

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "ignored_auth",
    ]
)


async def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    async with live_shop(kafka_bootstrap, tmp_path) as shop:
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{shop.url}/openapi.json",
            "--header",
            f"Authorization: Bearer {API_KEY}",
            "--checks",
            CHECKS,
            "--max-examples",
            "40",
            "--seed",
            "20261126",
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--no-color",
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()

    report = output.decode(errors="replace")
    assert process.returncode == 0, report
    assert "No issues found" in report or "passed" in report, report
