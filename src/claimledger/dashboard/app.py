"""The dashboard's FastAPI app: pages and their JSON twins, recheck jobs, GX Data Docs, and who may POST."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Sequence
from pathlib import Path

import anyio.to_thread
import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from claimledger.dashboard import api, pages
from claimledger.dashboard.display import FILTERS
from claimledger.dashboard.recheck import RecheckQueue, Runner, run_in_process
from claimledger.dashboard.security import (
    CONTENT_SECURITY_POLICY,
    DATA_DOCS_POLICY,
    is_loopback,
    trusted_hosts,
)
from claimledger.dashboard.views import Views
from claimledger.ledger.engine import LedgerError, redacted
from claimledger.ledger.reader import BadCursor, LedgerReader
from claimledger.settings import Settings

HERE = Path(__file__).parent


def create_app(
    settings: Settings | None = None,
    *,
    host: str = "127.0.0.1",
    token: str | None = None,
    runner: Runner = run_in_process,
    allowed_hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The dashboard over the settings' ledger (settings built here from the environment when none are given). Bound
    beyond loopback, every POST needs the token (given, the settings' dashboard_token from
    CLAIMLEDGER_DASHBOARD_TOKEN, or generated here: read it from app.state.token). A request whose Host is not in
    `allowed_hosts` (default: the names of `host` and CLAIMLEDGER_DASHBOARD_HOSTS; see app.state) gets 400."""
    settings = settings or Settings()
    reader = LedgerReader(settings.ledger)
    app = FastAPI(
        title="claimledger dashboard",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_request_threads(settings.dashboard_threads),
    )
    app.state.settings = settings
    app.state.ledger_label = redacted(settings.ledger)
    app.state.views = Views(reader, settings)
    app.state.rechecks = RecheckQueue(settings, runner)
    app.state.token = None if is_loopback(host) else (token or settings.dashboard_token or secrets.token_urlsafe(24))
    app.state.templates = _templates()
    app.state.allowed_hosts = (
        list(allowed_hosts) if allowed_hosts is not None else trusted_hosts(host, settings.dashboard_host_names)
    )

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount("/gx-docs", DataDocs(directory=settings.data_docs_dir, html=True, check_dir=False), name="gx-docs")
    app.include_router(pages.router)
    app.include_router(api.router)
    # Starlette types a handler as taking any Exception, not the class it is registered for
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(LedgerError, _ledger_error)  # type: ignore[arg-type]
    app.add_exception_handler(BadCursor, _bad_cursor)  # type: ignore[arg-type]

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        data_docs = request.url.path == "/gx-docs" or request.url.path.startswith("/gx-docs/")
        response.headers["Content-Security-Policy"] = DATA_DOCS_POLICY if data_docs else CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    # Outermost: a page served from a name rebound to this machine (DNS rebinding) reaches nothing, not even a GET.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=app.state.allowed_hosts, www_redirect=False)

    return app


def _request_threads(threads: int):
    """At most `threads` requests handled at once (the others wait their turn, first come first served). Pages are
    Python work under one GIL: ten threads at once each wait for it after every database read, and the ten together
    took longer than one after another."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    return lifespan


class DataDocs(StaticFiles):
    """The GX Data Docs folder, built by `claimledger fetch` (source suites) and `verify` (each run's invariants):
    404 until it exists, served as soon as it does."""

    async def check_config(self) -> None:
        if self.directory is not None and Path(self.directory).is_dir():
            await super().check_config()


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return Jinja2Templates(env=env)


async def _http_error(request: Request, exc: StarletteHTTPException):
    """JSON for the API and for scripts that ask for it; a readable page for people."""
    wants_json = request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")
    if wants_json or exc.status_code not in (400, 403, 404, 409, 503):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    return request.app.state.templates.TemplateResponse(
        request,
        "error.html",
        pages.page_context(request, status=exc.status_code, detail=exc.detail),
        status_code=exc.status_code,
    )


async def _ledger_error(request: Request, exc: LedgerError):
    """The ledger cannot be read (unreachable server, schema of another version): say so, on every page."""
    return await _http_error(request, StarletteHTTPException(503, str(exc)))


async def _bad_cursor(request: Request, exc: BadCursor):
    """An ?after= cursor this list did not hand out: 400, saying so."""
    return await _http_error(request, StarletteHTTPException(400, str(exc)))
