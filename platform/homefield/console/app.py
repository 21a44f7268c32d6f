"""The on-call console: a FastAPI app serving server-rendered pages and their JSON twins.

Pages: ``/`` (every team), ``/teams/<team>`` and ``/services/<svc>``; twins under ``/api``. The
catalog is read per request, so the pages follow edits to teams.yaml, OWNERS and slo.yaml.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from homefield.catalog import Catalog, CatalogError
from homefield.console.changes import ChangeHistory
from homefield.console.charts import DEFAULT_RANGE, RangeName, Window, service_charts
from homefield.console.credit import CreditBoard
from homefield.console.documents import markdown_renderer, render_document
from homefield.console.slos import QUERIES, index_series
from homefield.console.sources import Endpoints, Sources, read
from homefield.console.views import (
    Snapshot,
    TeamContext,
    index_view,
    service_view,
    team_rollup,
    team_view,
)
from homefield.ownership import GitRepo
from homefield.slo.scrape import SCRAPE_INTERVAL
from homefield.slo.windows import window_ms

HERE = Path(__file__).parent
CHART_LIBRARY = HERE / "web" / "node_modules" / "uplot"  # dist/ and its LICENSE
NAME = r"^[a-z][a-z0-9-]{0,62}$"
LINKS_LOOKBACK_MS = 3_600_000
TeamName = Annotated[str, PathParam(pattern=NAME, description="a team in teams.yaml")]
ServiceName = Annotated[str, PathParam(pattern=NAME, description="a service under services/")]
RangeQuery = Annotated[RangeName, Query(alias="range", description="1h, 6h or 24h")]


class ConsoleError(Exception):
    """The console cannot serve: its chart library is not installed, or the catalog is bad."""


@dataclass(frozen=True)
class ConsoleConfig:
    root: Path
    endpoints: Endpoints
    refresh_seconds: int = 15


def build_app(config: ConsoleConfig) -> FastAPI:
    """The console app; ConsoleError when `make setup` has not installed the chart library."""
    if not (CHART_LIBRARY / "dist" / "uPlot.iife.min.js").is_file():
        raise ConsoleError(f"no chart library in {CHART_LIBRARY}: run `make setup`")
    markdown = markdown_renderer()
    templates = Jinja2Templates(directory=HERE / "templates")
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient() as client:
            state["sources"] = Sources(config.endpoints, client)
            yield

    app = FastAPI(title="Homefield console", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.mount("/static/vendor/uplot", StaticFiles(directory=CHART_LIBRARY), name="uplot")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    history = ChangeHistory(GitRepo(config.root))
    credit = CreditBoard(GitRepo(config.root))

    def catalog() -> Catalog:
        try:
            return Catalog.load(config.root)
        except CatalogError as exc:
            raise HTTPException(503, f"the catalog cannot be read: {exc}") from None

    async def snapshot(found: Catalog, services: list[str]) -> Snapshot:
        sources: Sources = state["sources"]
        readings = await asyncio.gather(
            read("Prometheus", lambda: _slo_series(sources)),
            read("Alertmanager", sources.alerts),
            read("Zipkin", lambda: _links(sources)),
            read("git", lambda: asyncio.to_thread(history.recent, found, services)),
        )
        return Snapshot(datetime.now(UTC), *readings)

    async def context(found: Catalog, services: list[str]) -> TeamContext:
        return TeamContext(found, state["sources"], await snapshot(found, services))

    def page(request: Request, template: str, view: dict[str, Any], title: str) -> Response:
        extra = {
            "view": view,
            "title": title,
            "refresh": config.refresh_seconds,
            "generated": datetime.now(UTC).isoformat(timespec="seconds"),
            **vars(config.endpoints),
        }
        if template == "team.html":
            extra["rollup"] = team_rollup(view)
        return templates.TemplateResponse(request, template, extra)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/teams")
    async def api_index() -> dict[str, Any]:
        found = catalog()
        return index_view(await context(found, []))

    @app.get("/", response_class=HTMLResponse)
    async def index(request: Request) -> Response:
        return page(request, "index.html", await api_index(), "Teams")

    @app.get("/api/teams/{team}")
    async def api_team(team: TeamName) -> dict[str, Any]:
        found = catalog()
        if team not in found.teams.teams:
            known = ", ".join(found.teams.teams)
            raise HTTPException(404, f"no team named {team!r}; the teams are: {known}")
        services = [e.name for e in found.services.values() if e.team == team]
        view = team_view(await context(found, services), team)
        return {**view, "credit": await asyncio.to_thread(credit.team, team, services)}

    @app.get("/teams/{team}", response_class=HTMLResponse)
    async def team_page(request: Request, team: TeamName) -> Response:
        return page(request, "team.html", await api_team(team), f"{team} team")

    async def service_data(service: str, range_name: RangeName) -> tuple[Catalog, dict[str, Any]]:
        found = catalog()
        if service not in found.services:
            known = ", ".join(found.services)
            raise HTTPException(404, f"no service named {service!r}; the services are: {known}")
        entry = found.services[service]
        ctx = await context(found, [service])
        window = Window.ending(time.time(), range_name)
        scrape = window_ms(SCRAPE_INTERVAL) // 1000
        charts = await service_charts(state["sources"], entry, window, scrape)
        return found, {**service_view(ctx, entry, charts), "range": range_name}

    @app.get("/api/services/{service}")
    async def api_service(service: ServiceName, range_: RangeQuery = DEFAULT_RANGE) -> Any:
        return (await service_data(service, range_))[1]

    @app.get("/services/{service}", response_class=HTMLResponse)
    async def service_page(
        request: Request, service: ServiceName, range_: RangeQuery = DEFAULT_RANGE
    ) -> Response:
        found, view = await service_data(service, range_)
        directory = found.services[service].directory
        view["documents"] = {
            name: render_document(markdown, found.root, directory / name)
            for name in ("RUNBOOK.md", "PRFAQ.md")
        }
        return page(request, "service.html", view, service)

    _error_handlers(app, templates)
    return app


async def _slo_series(sources: Sources) -> Any:
    names = list(QUERIES)
    vectors = await asyncio.gather(*(sources.instant(QUERIES[name]) for name in names))
    return index_series(dict(zip(names, vectors, strict=True)))


async def _links(sources: Sources) -> list[dict[str, Any]]:
    now_ms = int(time.time() * 1000)
    return await sources.dependency_links(end_ms=now_ms, lookback_ms=LINKS_LOOKBACK_MS)


def _error_handlers(app: FastAPI, templates: Jinja2Templates) -> None:
    def answer(request: Request, status: int, message: str, field: str | None) -> Response:
        if request.url.path.startswith("/api/"):
            body = {"error": "not_found" if status == 404 else "invalid", "message": message}
            return JSONResponse({**body, "field": field}, status_code=status)
        title = {404: "Not found", 422: "Bad request"}.get(status, "Unavailable")
        generated = datetime.now(UTC).isoformat(timespec="seconds")
        extra = {"message": message, "title": title, "refresh": 0, "generated": generated}
        return templates.TemplateResponse(request, "error.html", extra, status_code=status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return answer(request, exc.status_code, str(exc.detail), None)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0]
        field = str(first["loc"][-1])
        return answer(request, 422, f"{field}: {first['msg']}", field)
