"""create_app(settings): wires routers, templates, static files, middleware and error handlers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from peerpath import __version__
from peerpath.core.crypto import load_keyring
from peerpath.core.errors import DomainError, EditConflict, Unauthenticated
from peerpath.core.middleware import CsrfProtect, SecurityHeaders
from peerpath.core.net import wants_json
from peerpath.core.openapi import install as install_openapi
from peerpath.core.templating import render
from peerpath.db.session import Database
from peerpath.settings import Settings, get_settings

log = logging.getLogger("peerpath")
STATIC_DIR = Path(__file__).resolve().parent / "static"

ERROR_TITLES = {
    400: "We could not read that request",
    401: "Please sign in",
    403: "This page is not part of your role",
    404: "We could not find that page",
    405: "That action is not available here",
    409: "Someone else changed this",
    422: "Some of what you entered needs another look",
    429: "Please wait a moment",
    500: "Something went wrong on our side",
    503: "peerpath is busy",
}


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # A stopping worker ends its report process (db/reports.py) rather than leaving it behind.
    app.state.database.stop_reports()


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="peerpath",
        lifespan=_lifespan,
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        # The interactive docs load scripts from a CDN and inline; our CSP allows neither.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database or Database(settings, single_connection=True)
    app.state.secret_key = settings.resolved_secret_key()
    app.state.keyring = load_keyring(settings)

    _include_routers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _install_error_handlers(app)
    install_openapi(app)
    app.add_middleware(
        CsrfProtect, secret=app.state.secret_key, cookie_secure=settings.cookie_secure
    )
    app.add_middleware(SecurityHeaders)
    return app


def _include_routers(app: FastAPI) -> None:
    from peerpath.accounts.routes import api as accounts_api
    from peerpath.accounts.routes import pages as accounts_pages
    from peerpath.admin.routes import api as admin_api
    from peerpath.admin.routes import pages as admin_pages
    from peerpath.features import feature_modules
    from peerpath.home.routes import api as home_api
    from peerpath.home.routes import pages as home_pages

    plan_routes = feature_modules("routes")
    table: list[tuple[str, str]] = []
    for prefix, routers in (
        ("", (accounts_pages, home_pages, admin_pages, *(m.pages for m in plan_routes))),
        ("/api/v1", (accounts_api, home_api, admin_api, *(m.api for m in plan_routes))),
    ):
        for router in routers:
            app.include_router(router, prefix=prefix)
            table += [
                (method, prefix + route.path)
                for route in router.routes
                if isinstance(route, APIRoute)
                for method in route.methods or ()
            ]
    app.include_router(_health_router())
    table.append(("GET", "/healthz"))
    # Every (method, path) the app serves: the authorization matrix test checks each one.
    app.state.route_table = sorted(set(table))


def _health_router() -> APIRouter:
    """GET /healthz: "ok", touching no database and no session. A load balancer's liveness
    check, and the floor the load benchmark (benchmarks/load.py) measures pages against."""
    router = APIRouter()

    @router.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})

    return router


def _error_response(
    request: Request, status: int, message: str, errors: dict[str, str] | None = None
) -> Response:
    if wants_json(request):
        body: dict[str, Any] = {"detail": message}
        if errors:
            body["errors"] = errors
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)
    title = ERROR_TITLES.get(status, "Something went wrong")
    return render(
        request,
        "error.html",
        {"title": title, "message": message, "status": status},
        status_code=status,
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(EditConflict)
    async def edit_conflict(request: Request, exc: EditConflict) -> Response:
        if wants_json(request):
            return JSONResponse(
                jsonable_encoder(
                    {"detail": exc.message, "current": exc.current, "yours": exc.yours}
                ),
                status_code=409,
            )
        return render(
            request,
            "conflict.html",
            {
                "title": "This changed while you were editing",
                "exc": exc,
                "fields": sorted(set(exc.current) | set(exc.yours)),
            },
            status_code=409,
        )

    @app.exception_handler(StaleDataError)
    async def saved_at_the_same_moment(request: Request, exc: StaleDataError) -> Response:
        # Two saves of one record passed the version check at the same moment; the database
        # let the first one land and refused this one (nothing was overwritten).
        return _error_response(
            request,
            409,
            "Someone else saved this at the same moment. Nothing was overwritten: open it "
            "again to see the newest version, then make your change.",
            None,
        )

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, Unauthenticated) and not wants_json(request):
            target = request.url.path
            if request.url.query:
                target += "?" + request.url.query
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return _error_response(request, exc.status_code, exc.message, exc.errors)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors: dict[str, str] = {}
        for err in exc.errors():
            loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query")]
            errors[".".join(loc) or "request"] = str(err.get("msg", "is not valid"))
        status = 422 if wants_json(request) else 400
        summary = "; ".join(f"{k}: {v}" for k, v in errors.items())
        return _error_response(request, status, f"Please check what was sent. {summary}", errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = (
            exc.detail
            if isinstance(exc.detail, str) and exc.status_code != 404
            else (ERROR_TITLES.get(exc.status_code, "Something went wrong") + ".")
        )
        if exc.status_code == 404:
            message = "We could not find that page. It may have moved, or the link is not right."
        return _error_response(request, exc.status_code, message)

    @app.exception_handler(SQLAlchemyTimeoutError)
    @app.exception_handler(OperationalError)
    async def database_busy(request: Request, exc: Exception) -> Response:
        if isinstance(exc, OperationalError) and "locked" not in str(exc.orig).lower():
            return await unexpected_error(request, exc)
        log.warning("database busy on %s %s: %s", request.method, request.url.path, exc)
        response = _error_response(
            request,
            503,
            "peerpath is very busy right now and nothing was saved. Please try again in a moment.",
        )
        response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error_response(
            request,
            500,
            "Something went wrong on our side, and nothing you entered was saved. "
            "Please try again; if it keeps happening, tell your organization's admin.",
        )
