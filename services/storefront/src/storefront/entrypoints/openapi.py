"""The public API contract: the OpenAPI document of the /v1 routes, committed as openapi.json.

A change to the public API shows in review as a diff of services/storefront/openapi.json, and
`homefield check` treats that diff as high impact. The check only reads the committed file; this
module writes it (`make openapi`), and a unit test fails when the file and the code disagree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fastapi import FastAPI

from storefront.entrypoints.http import describe_api

CONTRACT = Path(__file__).resolve().parents[3] / "openapi.json"


def openapi_text() -> str:
    """The contract as the committed file holds it: sorted keys, two-space indent."""
    app = FastAPI()
    describe_api(app)
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"


def main() -> None:
    CONTRACT.write_text(openapi_text(), encoding="utf-8")
    sys.stdout.write(f"wrote {CONTRACT}\n")


if __name__ == "__main__":
    main()
